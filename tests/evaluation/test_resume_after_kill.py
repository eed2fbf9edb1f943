"""A CLI eval killed in the middle of its run (SIGKILL), then resumed: no episode lost, none duplicated, the records
written before the kill kept byte for byte, a half-written last line dropped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("transformers")

from safety_gym.cli import main
from safety_gym.evaluation import episodes_for, grid
from safety_gym.evaluation.store import SkippedLineWarning

ARGS = ["eval", "--policy", "tiny", "--env", "Blackmail,Leaking", "--factor", "urgency=replacement,none",
        "--episodes", "4", "--max-new-tokens", "4", "--batch-size", "1", "--no-progress"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_kill_then_resume_loses_and_duplicates_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    results = out / "results.jsonl"
    process = subprocess.Popen([sys.executable, "-m", "safety_gym.cli", *ARGS, "--out", str(out)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and process.poll() is None:
            if results.exists() and results.read_bytes().count(b"\n") >= 3:
                break
            time.sleep(0.02)
        assert process.poll() is None, f"the run ended before it could be killed: {process.stderr.read()!r}"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        process.stderr.close()
    before = results.read_bytes()
    complete = before[: before.rfind(b"\n") + 1]
    done_before = complete.count(b"\n")
    assert 3 <= done_before < 16
    with results.open("ab") as file:  # as if the kill had landed in the middle of a write
        file.write(b'{"key": "half-written", "actions": ["<tool_ca')

    with pytest.warns(SkippedLineWarning, match=rf"results.jsonl: line {done_before + 1} is not a JSON record .*; "
                                                 "cut it off the file"):
        assert main([*ARGS, "--out", str(out)]) == 0
    after = results.read_bytes()
    assert after.startswith(complete)  # what was written before the kill is kept as it was
    records = [json.loads(line) for line in after.decode().splitlines()]
    keys = [record["key"] for record in records]
    assert len(keys) == len(set(keys)) == 16
    policy = records[0]["policy"]["name"]
    expected = {json.loads(spec.key("x"))["seed"] for spec in episodes_for(grid(["Blackmail"]), 4)}
    assert {r["seed"] for r in records} == expected and all(r["policy"]["name"] == policy for r in records)
    cells = {(r["family"], r["kwargs"]["urgency"]) for r in records}
    assert cells == {(f, u) for f in ("Blackmail", "Leaking") for u in ("replacement", "none")}
    assert "half-written" not in after.decode()
    printed = capsys.readouterr().out
    assert "Blackmail" in printed and "Leaking" in printed

    assert main([*ARGS, "--out", str(out)]) == 0  # a third run finds everything done
    assert results.read_bytes() == after
