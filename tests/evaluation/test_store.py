"""The results file: durable appends, a truncated last line dropped on reopening, corrupt lines named, one writer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from safety_gym.evaluation.store import ResultsStore, read_records


def test_append_writes_one_line_per_record_and_reopening_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "results.jsonl"
    with ResultsStore(path) as store:
        store.append({"key": "a", "text": "Grüße\nzwei Zeilen"})
        store.append({"key": "b"})
    assert path.read_text(encoding="utf-8").count("\n") == 2
    with ResultsStore(path) as store:
        assert [r["key"] for r in store.records] == ["a", "b"] and store.keys == {"a", "b"}
        assert store.records[0]["text"] == "Grüße\nzwei Zeilen"
        assert store.dropped_bytes == 0


def test_a_truncated_last_line_is_cut_off_and_the_next_record_starts_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    with ResultsStore(path) as store:
        store.append({"key": "a"})
    whole = path.read_bytes()
    with path.open("ab") as file:
        file.write(b'{"key": "b", "actions": ["half a rec')
    assert [r["key"] for r in read_records(path)] == ["a"]  # reading alone leaves the file as it is
    with ResultsStore(path) as store:
        assert store.keys == {"a"} and store.dropped_bytes == len(b'{"key": "b", "actions": ["half a rec')
        assert path.read_bytes() == whole
        store.append({"key": "b"})
    assert [json.loads(line)["key"] for line in path.read_text().splitlines()] == ["a", "b"]


def test_a_complete_record_without_its_newline_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    path.write_text('{"key": "a"}\n{"key": "b"}', encoding="utf-8")
    with ResultsStore(path) as store:
        assert store.keys == {"a", "b"}
        store.append({"key": "c"})
    assert [json.loads(line)["key"] for line in path.read_text().splitlines()] == ["a", "b", "c"]


def test_a_corrupt_line_in_the_middle_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    path.write_text('{"key": "a"}\nnot json\n{"key": "c"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="line 2 is not a JSON record"):
        ResultsStore(path)
    with pytest.raises(ValueError, match="line 2"):
        read_records(path)


def test_only_one_writer_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    with ResultsStore(path), pytest.raises(RuntimeError, match="another process is writing"):
        ResultsStore(path)
    with ResultsStore(path) as store:  # released
        assert store.records == []
