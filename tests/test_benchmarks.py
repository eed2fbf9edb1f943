"""Smoke test of the generalization benchmark script with the tiny model (the real script, end to end)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_generalization_benchmark_runs_resumes_and_writes_its_table(tmp_path: Path) -> None:
    command = [sys.executable, str(ROOT / "benchmarks" / "generalization.py"), "--model", "tiny",
               "--methods", "documents,dpo", "--token-budget", "9000", "--eval-episodes", "2", "--epochs", "1",
               "--out", str(tmp_path)]
    first = subprocess.run(command, capture_output=True, text=True, timeout=300, check=True)
    assert "| documents |" in first.stdout and "| dpo |" in first.stdout
    results = json.loads((tmp_path / "results.json").read_text())
    rows = {row["method"]: row for row in results["rows"]}
    assert list(rows) == ["base", "documents", "dpo"]
    for method in ("documents", "dpo"):
        assert 0 < rows[method]["tokens"] <= 9000 and rows[method]["steps"] >= 1
    for row in rows.values():
        for key in ("in_distribution", "heldout"):
            assert row[key]["n"] == 2 and 0.0 <= row[key]["low"] <= row[key]["rate"] <= row[key]["high"] <= 1.0
    assert (tmp_path / "generalization.png").stat().st_size > 0
    assert (tmp_path / "results.md").read_text().startswith("| method |")
    # A second run reuses the adapters and records: nothing is trained again.
    again = subprocess.run(command, capture_output=True, text=True, timeout=300, check=True)
    assert "training on" not in again.stderr
    assert json.loads((tmp_path / "results.json").read_text())["rows"][1]["train_s"] == rows["documents"]["train_s"]
