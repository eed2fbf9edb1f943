"""The results file: durable appends, a truncated last line dropped on reopening, corrupt lines named, one writer."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from safety_gym.evaluation.store import ResultsStore, SkippedLineWarning, read_records


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
    with pytest.warns(SkippedLineWarning, match="line 2 is not a JSON record .*; skipped it"):
        assert [r["key"] for r in read_records(path)] == ["a"]  # reading alone leaves the file as it is
    with pytest.warns(SkippedLineWarning, match="line 2 is not a JSON record .*; cut it off the file"), \
            ResultsStore(path) as store:
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


# ------------------------------------------------------------------------------ text UTF-8 cannot hold


LONE_SURROGATES = {"high": "\ud800", "low": "\udfff", "in text": "bad \udc00 char", "key and value": "\ud800x"}


@pytest.mark.parametrize("text", LONE_SURROGATES.values(), ids=LONE_SURROGATES.keys())
def test_a_record_with_a_lone_surrogate_is_appended_escaped_and_read_back_the_same(tmp_path: Path, text: str) -> None:
    path = tmp_path / "results.jsonl"
    record = {"key": "a", "actions": [f"<tool_call>{text}</tool_call>"], text: {"nested": [text]}}
    with ResultsStore(path) as store:
        store.append(record)
        store.append({"key": "b", "text": "Grüße 🌍"})
    raw = path.read_bytes()
    raw.decode("utf-8")  # valid UTF-8 throughout
    assert "Grüße 🌍".encode() in raw  # what UTF-8 holds stays readable
    assert read_records(path)[0] == record
    with ResultsStore(path) as store:  # resuming works, and appends after it
        assert store.records[0] == record and store.keys == {"a", "b"}
        store.append({"key": "c", "note": text})
    assert [r["key"] for r in read_records(path)] == ["a", "b", "c"]


def test_an_evaluation_whose_agent_writes_a_lone_surrogate_completes_and_resumes(tmp_path: Path) -> None:
    from safety_gym.evaluation.runner import run_episodes
    from safety_gym.evaluation.spec import Cell, EpisodeSpec

    action = '\udc00 <tool_call>{"name": "\\ud800", "arguments": {"body": "\\udfff"}}</tool_call>'

    class SurrogateWriter:
        name = "surrogate-writer"

        def act(self, observations: list, infos: list) -> list[str]:
            return [action] * len(infos)

    episodes = [EpisodeSpec(Cell("Blackmail"), seed) for seed in range(2)]
    path = tmp_path / "results.jsonl"
    assert run_episodes(SurrogateWriter(), episodes, path, progress=False).written == 2
    assert run_episodes(SurrogateWriter(), episodes, path, progress=False).skipped == 2
    records = read_records(path)
    assert [record["actions"] for record in records] == [[action], [action]]
    assert "\udfff" in json.dumps(records, ensure_ascii=False)  # the decoded argument of the rejected call


# ------------------------------------------------------------------------------ torn and foreign lines


def test_a_last_line_cut_inside_a_utf8_character_is_cut_off_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    with ResultsStore(path) as store:
        store.append({"key": "a"})
    whole = path.read_bytes()
    line = '{"key": "b", "text": "Grüße"}'.encode()
    torn = line[: line.index("ü".encode()) + 1]  # a killed writer: cut after the first of the two bytes of "ü"
    with path.open("ab") as file:
        file.write(torn)
    with pytest.warns(SkippedLineWarning, match=f"{path}: line 2 is not UTF-8 text .*; skipped it"):
        assert [r["key"] for r in read_records(path)] == ["a"]
    with pytest.warns(SkippedLineWarning, match=f"{path}: line 2 is not UTF-8 text .*; cut it off the file"), \
            ResultsStore(path) as store:
        assert store.keys == {"a"} and store.dropped_bytes == len(torn)
        assert path.read_bytes() == whole
        store.append({"key": "b"})
    assert [r["key"] for r in read_records(path)] == ["a", "b"]


@pytest.mark.parametrize("line", [b"[1, 2]", b'"text"', b"3", b"null", b"true", b"[1, 2]\n", b"3\n\n"],
                         ids=["array", "string", "number", "null", "boolean", "array with newline", "number, blanks"])
def test_a_foreign_last_line_that_is_json_but_not_a_record_is_cut_off_with_a_warning(
    tmp_path: Path, line: bytes
) -> None:
    path = tmp_path / "results.jsonl"
    with ResultsStore(path) as store:
        store.append({"key": "a"})
    whole = path.read_bytes()
    with path.open("ab") as file:
        file.write(line)
    with pytest.warns(SkippedLineWarning, match=f"{path}: line 2 is not a JSON record .*not an object"):
        assert [r["key"] for r in read_records(path)] == ["a"]
    with pytest.warns(SkippedLineWarning, match="line 2 .*; cut it off the file"), ResultsStore(path) as store:
        assert store.keys == {"a"}
        store.append({"key": "b"})
    assert path.read_bytes() == whole + b'{"key":"b"}\n'


@pytest.mark.parametrize(
    ("line", "message"),
    [(b"[1, 2]", "line 2 is not a JSON record (it is JSON, but a list, not an object)"),
     ('{"key": "Grüße"}'.encode()[:14], "line 2 is not UTF-8 text"),
     (b"not json", "line 2 is not a JSON record")],
    ids=["foreign JSON", "cut inside a character", "not JSON"],
)
def test_a_line_in_the_middle_that_holds_no_record_is_an_error_naming_file_and_line(
    tmp_path: Path, line: bytes, message: str
) -> None:
    path = tmp_path / "results.jsonl"
    path.write_bytes(b'{"key": "a"}\n' + line + b'\n{"key": "c"}\n')
    with pytest.raises(ValueError, match=f"^{path}: {re.escape(message)}.*; repair or remove it$"):
        ResultsStore(path)
    with pytest.raises(ValueError, match=f"^{path}: {re.escape(message)}"):
        read_records(path)
    assert path.read_bytes().endswith(b'{"key": "c"}\n')  # nothing was cut
