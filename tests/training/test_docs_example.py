"""The Python example of docs/training.md runs as written (slow: it trains four times)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "training.md"


@pytest.mark.slow
def test_training_doc_example_runs(
    capsys: pytest.CaptureFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the example's output_dir folders go here
    code = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)[0]
    exec(compile(code, str(DOC), "exec"), {})  # our own documentation
    out = capsys.readouterr().out
    assert "'harmful_rate': 0.0" in out


def test_training_doc_commands_name_real_subcommands() -> None:
    from safety_gym.training.__main__ import build_parser

    parser = build_parser()
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("python -m safety_gym.training "):
            args = line.split("#")[0].split()[3:]
            parser.parse_args(args)  # raises SystemExit on an unknown option
