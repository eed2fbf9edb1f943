"""``python -m safety_gym.training``: data generation, SFT and PPO runs, argument errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from safety_gym.training.__main__ import DATASETS, main, make_dataset


def _records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_data_saves_a_dataset_and_reports_its_tokens(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from datasets import load_from_disk

    out = tmp_path / "advice"
    assert main(["data", "advice", "--n", "3", "--out", str(out)]) == 0
    record = _records(capsys.readouterr().out)[-1]
    assert record["rows"] == 3 and record["tokens"] > 100 and record["saved"] == str(out)
    assert load_from_disk(str(out)).to_list() == make_dataset("advice", 3).to_list()


def test_every_dataset_kind_builds() -> None:
    for kind in DATASETS:
        assert len(make_dataset(kind, 1, families=["Blackmail"])) >= 1, kind
    with pytest.raises(ValueError, match="unknown dataset 'x'"):
        make_dataset("x", 1)


def test_sft_runs_and_saves_the_model(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "model"
    code = main(["sft", "--data", "advice", "--n", "2", "--max-steps", "1", "--learning-rate", "1e-3",
                 "--out", str(out)])
    assert code == 0
    records = _records(capsys.readouterr().out)
    assert any("loss" in record for record in records)
    assert records[-1]["steps"] == 1 and (out / "config.json").exists()


def test_ppo_runs_and_reports_test_split_rates(capsys: pytest.CaptureFixture) -> None:
    assert main(["ppo", "--updates", "1", "--episodes", "4", "--eval-episodes", "2", "--families", "Blackmail"]) == 0
    summary = _records(capsys.readouterr().out)[-1]
    assert summary["algo"] == "ppo" and set(summary["test_after"]) == {"reward", "cost", "harmful_rate"}


def test_text_ppo_runs(capsys: pytest.CaptureFixture) -> None:
    code = main(["text-ppo", "--updates", "1", "--episodes", "2", "--max-new-tokens", "3", "--max-prompt-tokens",
                 "32", "--families", "Blackmail"])
    assert code == 0
    records = _records(capsys.readouterr().out)
    assert records[0]["step"] == 1.0 and records[-1] == {"algo": "text-ppo", "updates": 1, "saved": None}


def test_bad_arguments(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["data", "novels"])
    assert exit_info.value.code == 2 and "invalid choice: 'novels'" in capsys.readouterr().err
    assert main(["data", "demonstrations", "--families", "Nope"]) == 1
    assert "unknown family 'Nope'" in capsys.readouterr().err


def test_module_entry_point_runs() -> None:
    result = subprocess.run([sys.executable, "-m", "safety_gym.training", "--help"], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0 and "{data,sft,dpo,grpo,ppo,text-ppo}" in result.stdout


def test_sft_saves_checkpoints_and_resumes(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    base = ["sft", "--data", "advice", "--n", "2", "--learning-rate", "1e-3", "--out", str(tmp_path)]
    assert main([*base, "--max-steps", "1", "--save-steps", "1"]) == 0
    assert (tmp_path / "checkpoint-1" / "trainer_state.json").exists()
    capsys.readouterr()
    assert main([*base, "--max-steps", "2", "--save-steps", "1", "--resume"]) == 0
    records = _records(capsys.readouterr().out)
    assert records[-1]["steps"] == 2 and (tmp_path / "checkpoint-2").is_dir()
    assert [r["step"] for r in records if "loss" in r] == [1, 2]  # step 1 from the checkpoint, step 2 trained


def test_resume_without_checkpoints_starts_afresh(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "ppo"
    code = main(["ppo", "--updates", "1", "--episodes", "2", "--eval-episodes", "1", "--families", "Blackmail",
                 "--resume", "--checkpoint-dir", str(out)])
    assert code == 0 and (out / "checkpoint-1" / "checkpoint.json").exists()  # saved at the end
    assert _records(capsys.readouterr().out)[0]["step"] == 1.0


def test_ppo_resume_with_other_settings_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    base = ["ppo", "--updates", "1", "--episodes", "2", "--eval-episodes", "1", "--families", "Blackmail",
            "--checkpoint-dir", str(tmp_path)]
    assert main([*base, "--save-every", "1"]) == 0
    assert main([*base, "--resume", "--learning-rate", "0.1"]) == 1
    assert "config differs in learning_rate (saved 0.05, now 0.1)" in capsys.readouterr().err


def test_missing_training_modules_are_named_with_the_install_command(capsys: pytest.CaptureFixture,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import safety_gym.training.__main__ as cli

    def fail(args: object) -> int:
        raise ModuleNotFoundError("No module named 'trl'", name="trl")

    monkeypatch.setattr(cli, "_run_ppo", fail)
    assert main(["ppo"]) == 1
    assert "install the training extra: pip install 'safety-gym[train]'" in capsys.readouterr().err
