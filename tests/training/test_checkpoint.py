"""Checkpoints: the generic format, PPO's exact resume after a crash, and TRL's checkpoints on the tiny model."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from safety_gym.training.checkpoint import (
    latest_checkpoint,
    list_checkpoints,
    load_checkpoint,
    save_checkpoint,
)
from safety_gym.training.ppo_trainer import PPOConfig, PPOTrainer


@dataclasses.dataclass
class _Config:
    learning_rate: float = 0.1
    seed: int = 0
    num_updates: int = 4
    output_dir: str | None = None


def _parts(seed: int = 0) -> tuple[torch.nn.Module, torch.optim.Optimizer, torch.Generator, np.random.Generator]:
    torch.manual_seed(seed)  # test-only: deterministic module initialisation
    model = torch.nn.Linear(3, 2)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
    model(torch.ones(1, 3)).sum().backward()
    optimizer.step()  # non-empty optimizer state (moments, step count)
    return model, optimizer, torch.Generator().manual_seed(seed), np.random.default_rng(seed)


def _save(directory: Path, step: int, seed: int = 0, **kwargs: object) -> Path:
    model, optimizer, generator, rng = _parts(seed)
    return save_checkpoint(directory, step=step, modules={"model": model}, optimizer=optimizer,
                           generators={"g": generator}, numpy_rngs={"rng": rng}, config=_Config(),
                           logs=[{"step": 1.0, "loss": 0.5}], **kwargs)


def test_round_trip_restores_modules_optimizer_and_generators(tmp_path: Path) -> None:
    saved_model, saved_optimizer, saved_generator, saved_rng = _parts(seed=0)
    path = save_checkpoint(tmp_path, step=7, modules={"model": saved_model}, optimizer=saved_optimizer,
                           generators={"g": saved_generator}, numpy_rngs={"rng": saved_rng}, config=_Config(),
                           logs=[{"step": 1.0, "loss": float("nan")}], extra={"episode": 3})
    model, optimizer, generator, rng = _parts(seed=1)
    state = load_checkpoint(path, modules={"model": model}, optimizer=optimizer, generators={"g": generator},
                            numpy_rngs={"rng": rng}, config=_Config(num_updates=9, output_dir="elsewhere"))
    assert state.step == 7 and state.extra == {"episode": 3} and np.isnan(state.logs[0]["loss"])
    saved_weights = saved_model.state_dict()
    assert all(torch.equal(value, saved_weights[name]) for name, value in model.state_dict().items())
    moments, saved_moments = optimizer.state_dict()["state"][0], saved_optimizer.state_dict()["state"][0]
    assert torch.equal(moments["exp_avg"], saved_moments["exp_avg"]) and moments["step"] == saved_moments["step"]
    assert torch.equal(torch.rand(4, generator=generator), torch.rand(4, generator=saved_generator))
    assert rng.integers(1 << 30) == saved_rng.integers(1 << 30)
    assert sorted(p.name for p in path.iterdir()) == ["checkpoint.json", "tensors.pt"]


def test_keeps_only_the_newest_checkpoints(tmp_path: Path) -> None:
    for step in (1, 2, 3, 10):
        _save(tmp_path, step, keep_last=2)
    assert [p.name for p in list_checkpoints(tmp_path)] == ["checkpoint-3", "checkpoint-10"]
    assert latest_checkpoint(tmp_path) == tmp_path / "checkpoint-10"  # numeric, not lexical, order
    _save(tmp_path, 10, keep_last=None)  # re-saving a step replaces it
    assert [p.name for p in tmp_path.iterdir()] != [] and latest_checkpoint(tmp_path).name == "checkpoint-10"
    with pytest.raises(ValueError, match="keep_last=0 must be a positive integer or None"):
        _save(tmp_path, 11, keep_last=0)


def test_a_save_killed_midway_leaves_the_previous_checkpoint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _save(tmp_path, 1)
    # A process killed while writing leaves a hidden temporary directory and maybe a half-written file.
    (tmp_path / ".tmp-checkpoint-2-dead").mkdir()
    (tmp_path / ".tmp-checkpoint-2-dead" / "tensors.pt").write_bytes(b"\x00garbage")
    (tmp_path / "checkpoint-3").mkdir()  # no checkpoint.json: never completed
    assert latest_checkpoint(tmp_path) == tmp_path / "checkpoint-1"

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(torch, "save", crash)
    with pytest.raises(KeyboardInterrupt):
        _save(tmp_path, 4)
    assert latest_checkpoint(tmp_path) == tmp_path / "checkpoint-1"
    assert not (tmp_path / "checkpoint-4").exists()
    monkeypatch.undo()
    _save(tmp_path, 5)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp")]  # debris cleaned


def test_resume_refuses_a_config_that_differs(tmp_path: Path) -> None:
    path = _save(tmp_path, 1)
    model = _parts(seed=1)[0]
    before = model.weight.detach().clone()
    with pytest.raises(ValueError, match=r"config differs in learning_rate \(saved 0.1, now 0.2\), seed \(saved 0, "):
        load_checkpoint(path, modules={"model": model}, config=_Config(learning_rate=0.2, seed=1))
    assert torch.equal(model.weight, before)  # nothing loaded before the check
    state = load_checkpoint(path, modules={"model": model}, config=None)  # weights only, no config check
    assert state.step == 1 and not torch.equal(model.weight, before)


def test_corrupt_or_mismatched_checkpoints_raise_clear_errors(tmp_path: Path) -> None:
    path = _save(tmp_path, 1)
    model = _parts()[0]
    with pytest.raises(ValueError, match=r"checkpoint modules are \['model'\]; it has none named policy"):
        load_checkpoint(path, modules={"policy": model})
    with pytest.raises(ValueError, match="does not fit the trainer's modules"):
        load_checkpoint(path, modules={"model": torch.nn.Linear(5, 2)})
    (path / "tensors.pt").write_bytes(b"not a torch file")
    with pytest.raises(ValueError, match=r"corrupt checkpoint .*unreadable tensors\.pt"):
        load_checkpoint(path, modules={"model": model})
    (path / "checkpoint.json").write_text("{")
    with pytest.raises(ValueError, match=r"corrupt checkpoint .*unreadable checkpoint\.json"):
        load_checkpoint(path, modules={"model": model})
    with pytest.raises(ValueError, match="is not a complete checkpoint"):
        load_checkpoint(tmp_path / "checkpoint-99", modules={"model": model})


def test_step_and_state_are_validated(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="step=-1 must be an integer >= 0"):
        _save(tmp_path, -1)
    with pytest.raises(ValueError, match="must be JSON"):
        _save(tmp_path, 1, extra={"bad": object()})
    assert latest_checkpoint(tmp_path) is None


# ---------------------------------------------------------------------------------------------- PPO


def _ppo_config(output_dir: Path | None, **overrides: object) -> PPOConfig:
    settings = {"families": ["Blackmail", "Leaking"], "num_updates": 4, "episodes_per_update": 4,
                "minibatch_size": 2, "num_epochs": 2, "feature_dim": 64, "kl_coef": 0.1, "seed": 3,
                "output_dir": None if output_dir is None else str(output_dir)}
    return PPOConfig(**{**settings, **overrides})


def _assert_same_trainer(a: PPOTrainer, b: PPOTrainer) -> None:
    theirs = b.policy.state_dict()
    assert list(theirs) == list(a.policy.state_dict())
    for name, value in a.policy.state_dict().items():
        assert torch.equal(value, theirs[name]), name
    assert a.log_history == b.log_history
    assert torch.equal(a.generator.get_state(), b.generator.get_state())
    assert a._episode == b._episode


def test_ppo_crash_and_resume_equals_one_uninterrupted_run(tmp_path: Path) -> None:
    straight = PPOTrainer(_ppo_config(None))
    straight.train()

    crashing = PPOTrainer(_ppo_config(tmp_path, save_every=1))
    calls = {"n": 0}
    collect = crashing.collect

    def collect_then_crash(*args: object) -> object:
        calls["n"] += 1
        if calls["n"] == 3:  # dies while collecting update 3, after checkpoint-2 was saved
            raise RuntimeError("killed")
        return collect(*args)

    crashing.collect = collect_then_crash  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="killed"):
        crashing.train()
    assert [p.name for p in list_checkpoints(tmp_path)] == ["checkpoint-1", "checkpoint-2"]

    resumed = PPOTrainer(_ppo_config(tmp_path, save_every=1, resume=True))
    logs = resumed.train()
    assert [entry["step"] for entry in logs] == [1.0, 2.0, 3.0, 4.0]
    _assert_same_trainer(straight, resumed)
    assert [p.name for p in list_checkpoints(tmp_path)] == ["checkpoint-3", "checkpoint-4"]
    assert json.loads((tmp_path / "checkpoint-4" / "checkpoint.json").read_text())["logs"] == logs
    # The test-split evaluation after training matches too (same policy, same episode counter).
    assert straight.evaluate(4, split="test") == resumed.evaluate(4, split="test")


def test_ppo_resume_extends_a_finished_run(tmp_path: Path) -> None:
    PPOTrainer(_ppo_config(tmp_path, num_updates=2)).train()  # save_every=0: saves at the end only
    assert [p.name for p in list_checkpoints(tmp_path)] == ["checkpoint-2"]
    resumed = PPOTrainer(_ppo_config(tmp_path, num_updates=4, resume=True))
    resumed.train()
    straight = PPOTrainer(_ppo_config(None))
    straight.train()
    _assert_same_trainer(straight, resumed)


def test_ppo_resume_without_a_checkpoint_starts_fresh(tmp_path: Path) -> None:
    fresh = PPOTrainer(_ppo_config(tmp_path / "new", num_updates=2, resume=True))
    fresh.train()
    straight = PPOTrainer(_ppo_config(None, num_updates=2))
    straight.train()
    _assert_same_trainer(straight, fresh)
    assert latest_checkpoint(tmp_path / "new").name == "checkpoint-2"


def test_ppo_resume_refuses_a_corrupt_checkpoint_or_another_config(tmp_path: Path) -> None:
    PPOTrainer(_ppo_config(tmp_path, num_updates=1)).train()
    with pytest.raises(ValueError, match=r"config differs in learning_rate \(saved 0.05, now 0.1\)"):
        PPOTrainer(_ppo_config(tmp_path, learning_rate=0.1, resume=True)).train()
    with pytest.raises(ValueError, match=r"config differs in feature_dim"):
        PPOTrainer(_ppo_config(tmp_path, feature_dim=32, resume=True)).train()
    (tmp_path / "checkpoint-1" / "tensors.pt").write_bytes(b"truncated")
    with pytest.raises(ValueError, match="corrupt checkpoint"):
        PPOTrainer(_ppo_config(tmp_path, resume=True)).train()


def test_ppo_checkpoint_options_are_validated() -> None:
    with pytest.raises(ValueError, match="need output_dir"):
        PPOConfig(save_every=2)
    with pytest.raises(ValueError, match="need output_dir"):
        PPOConfig(resume=True)
    with pytest.raises(ValueError, match="save_every=-1 must be an integer >= 0"):
        PPOConfig(save_every=-1, output_dir="runs")
    with pytest.raises(ValueError, match="needs a directory"):
        PPOTrainer(_ppo_config(None)).save_checkpoint()


def test_lm_policy_resumes_exactly(tmp_path: Path) -> None:
    from safety_gym.agents.models import tiny_model

    def trainer(**overrides: object) -> PPOTrainer:
        settings = {"policy": "lm", "num_updates": 2, "episodes_per_update": 2, "num_epochs": 1,
                    "max_prompt_tokens": 48, "learning_rate": 1e-3, "families": ["Blackmail"]}
        merged = {**settings, **overrides}
        config = _ppo_config(merged.pop("output_dir", None), **merged)
        model, tokenizer = tiny_model(seed=0)
        return PPOTrainer(config, model=model, tokenizer=tokenizer)

    straight = trainer()
    straight.train()
    trainer(output_dir=str(tmp_path), num_updates=1).train()
    resumed = trainer(output_dir=str(tmp_path), resume=True)
    resumed.train()
    _assert_same_trainer(straight, resumed)


def test_text_ppo_resumes_exactly(tmp_path: Path) -> None:
    from safety_gym.agents.models import tiny_model
    from safety_gym.training import TextPPOConfig, TextPPOTrainer

    def trainer(**overrides: object) -> TextPPOTrainer:
        settings = {"families": ["Blackmail"], "num_updates": 2, "episodes_per_update": 2, "minibatch_size": 2,
                    "num_epochs": 1, "max_new_tokens": 4, "max_prompt_tokens": 32, "learning_rate": 1e-3,
                    "ent_coef": 0.1, "seed": 1}
        model, tokenizer = tiny_model(seed=0)
        return TextPPOTrainer(model, tokenizer, TextPPOConfig(**{**settings, **overrides}))

    straight = trainer()
    straight.train()
    trainer(output_dir=str(tmp_path), num_updates=1).train()
    assert [p.name for p in list_checkpoints(tmp_path)] == ["checkpoint-1"]
    resumed = trainer(output_dir=str(tmp_path), resume=True)
    assert resumed.train() == straight.log_history
    for (name, value), theirs in zip(straight.model.state_dict().items(), resumed.model.state_dict().values(),
                                     strict=True):
        assert torch.equal(value, theirs), name
    assert torch.equal(straight.value_head.weight, resumed.value_head.weight)
    assert torch.equal(straight.generator.get_state(), resumed.generator.get_state())
    assert straight._round == resumed._round == 2
    with pytest.raises(ValueError, match="learning_rate"):
        trainer(output_dir=str(tmp_path), resume=True, learning_rate=0.5).train()
    with pytest.raises(ValueError, match="output_dir"):
        TextPPOConfig(save_every=1)


# ---------------------------------------------------------------------------------------------- TRL


def test_sft_saves_steps_and_resumes_from_checkpoint(tmp_path: Path) -> None:
    from safety_gym.agents.models import tiny_model
    from safety_gym.training.data import difficult_advice
    from safety_gym.training.sft_trainer import SFTConfig, SFTTrainer

    def trainer() -> SFTTrainer:
        config = SFTConfig(output_dir=str(tmp_path), max_steps=2, per_device_train_batch_size=2,
                           learning_rate=1e-2, save_strategy="steps", save_steps=1, seed=0)
        model, tokenizer = tiny_model(seed=0)
        return SFTTrainer(model, config, difficult_advice(4), tokenizer)

    straight = trainer()
    straight.train()
    assert {"checkpoint-1", "checkpoint-2"} <= {p.name for p in tmp_path.iterdir()}
    final = {name: value.clone() for name, value in straight.model.state_dict().items()}
    import shutil

    shutil.rmtree(tmp_path / "checkpoint-2")  # as if killed after step 1
    resumed = trainer()
    result = resumed.train(resume_from_checkpoint=True)
    assert result.global_step == 2 and (tmp_path / "checkpoint-2").is_dir()
    losses = [entry["loss"] for entry in resumed.state.log_history if "loss" in entry]
    assert len(losses) == 2  # step 1's log came back from checkpoint-1, step 2 was trained
    for name, value in resumed.model.state_dict().items():
        assert torch.allclose(value, final[name], atol=1e-6), name
