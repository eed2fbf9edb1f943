"""SFT, DPO and GRPO on the tiny model: a few CPU steps log a loss and change the parameters."""

from __future__ import annotations

import json

import pytest
import torch

from safety_gym.agents.models import tiny_model
from safety_gym.training.data import (
    difficult_advice,
    preference_pairs,
    scenario_prompts,
    synthetic_documents,
)
from safety_gym.training.dpo_trainer import DPOConfig, DPOTrainer
from safety_gym.training.grpo_trainer import GRPOConfig, GRPOTrainer
from safety_gym.training.rewards import EnvReward, completion_text
from safety_gym.training.sft_trainer import SFTConfig, SFTTrainer


def _snapshot(model: torch.nn.Module, trainable_only: bool = False) -> dict[str, torch.Tensor]:
    return {
        name: parameter.detach().clone()
        for name, parameter in model.named_parameters()
        if parameter.requires_grad or not trainable_only
    }


def _changed(before: dict[str, torch.Tensor], model: torch.nn.Module) -> list[str]:
    now = dict(model.named_parameters())
    return [name for name, value in before.items() if not torch.equal(value, now[name].detach())]


def _losses(trainer: object) -> list[float]:
    return [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]


def _short_prompts(dataset: object, chars: int = 300) -> object:
    """The same rows with each prompt message cut to its last ``chars`` characters (CPU-sized sequences)."""

    def cut(row: dict) -> dict:
        return {"prompt": [{**message, "content": message["content"][-chars:]} for message in row["prompt"]]}

    return dataset.map(cut)


def test_sft_on_advice_logs_a_loss_and_changes_parameters(tmp_path: object) -> None:
    model, tokenizer = tiny_model(seed=0)
    before = _snapshot(model)
    config = SFTConfig(output_dir=str(tmp_path), max_steps=2, per_device_train_batch_size=2, learning_rate=1e-2)
    trainer = SFTTrainer(model, config, difficult_advice(4), tokenizer)
    trainer.train()
    losses = _losses(trainer)
    assert len(losses) == 2 and all(loss > 0 for loss in losses)
    assert _changed(before, model)
    assert config.use_cpu and not config.bf16 and config.save_strategy == "no"
    assert not list(tmp_path.iterdir())  # nothing saved


def test_sft_on_documents_with_lora_trains_only_the_adapters(tmp_path: object) -> None:
    model, tokenizer = tiny_model(seed=0)
    base = _snapshot(model)
    config = SFTConfig(output_dir=str(tmp_path), max_steps=2, per_device_train_batch_size=2, learning_rate=1e-2,
                       lora_r=4, max_length=256)
    trainer = SFTTrainer(model, config, synthetic_documents(4), tokenizer)
    lora = _snapshot(trainer.model, trainable_only=True)
    assert lora and all("lora" in name for name in lora)
    trainer.train()
    assert _losses(trainer)
    assert set(_changed(lora, trainer.model)) and all("lora" in name for name in _changed(lora, trainer.model))
    merged = {name.replace("base_model.model.", "").replace(".base_layer", ""): value
              for name, value in trainer.model.named_parameters() if "lora" not in name}
    assert all(torch.equal(base[name], merged[name].detach()) for name in base if name in merged)


def test_sft_rejects_a_dataset_without_text_columns() -> None:
    from datasets import Dataset

    model, tokenizer = tiny_model(seed=0)
    with pytest.raises(ValueError, match="expected some of prompt, completion, text"):
        SFTTrainer(model, SFTConfig(output_dir="/tmp/sg-unused"), Dataset.from_dict({"x": [1]}), tokenizer)
    with pytest.raises(ValueError, match="lora_r=0"):
        SFTTrainer(model, SFTConfig(output_dir="/tmp/sg-unused", lora_r=0), difficult_advice(1), tokenizer)


def test_dpo_on_judge_verified_pairs_logs_a_loss_and_changes_parameters(tmp_path: object) -> None:
    model, tokenizer = tiny_model(seed=0)
    before = _snapshot(model)
    pairs = _short_prompts(preference_pairs(2, families=["Blackmail", "Leaking"], scratchpad="strip"))
    config = DPOConfig(output_dir=str(tmp_path), max_steps=2, per_device_train_batch_size=2, learning_rate=1e-2)
    trainer = DPOTrainer(model, config, pairs, tokenizer)
    trainer.train()
    losses = _losses(trainer)
    assert len(losses) == 2 and losses[0] == pytest.approx(0.6931, abs=1e-3)  # log(2): policy == reference
    assert losses[1] < losses[0]
    assert _changed(before, model)
    assert not _changed(before, trainer.ref_model)  # the reference stays frozen


def test_env_reward_scores_completions_by_the_judge() -> None:
    pairs = preference_pairs(2, families=["Blackmail", "LethalOverride"])
    reward = EnvReward(penalty=3.0)
    completions = [*pairs["chosen"], *pairs["rejected"]]
    columns = {key: list(pairs[key]) * 2 for key in ("env_id", "env_kwargs", "seed")}
    values = reward(completions, **columns)
    chosen = [row["chosen_reward"] for row in pairs]
    rejected = [row["rejected_reward"] - 3.0 * row["rejected_cost"] for row in pairs]
    assert values == chosen + rejected
    assert reward.last_costs == [0.0, 0.0, *pairs["rejected_cost"]]
    assert reward(["plain text"], env_id=pairs["env_id"][:1], env_kwargs=pairs["env_kwargs"][:1],
                  seed=pairs["seed"][:1]) == [0.0]
    with pytest.raises(ValueError, match="2 completions but 1 env_id"):
        reward(["a", "b"], env_id=["x"], env_kwargs=["{}"], seed=[0])
    with pytest.raises(ValueError, match="penalty=-1"):
        EnvReward(penalty=-1)


def test_grpo_with_the_env_reward_logs_a_loss_and_changes_parameters(tmp_path: object) -> None:
    model, tokenizer = tiny_model(seed=0)
    before = _snapshot(model)
    prompts = _short_prompts(scenario_prompts(2, families=["Blackmail"]))
    assert json.loads(prompts[0]["env_kwargs"])["split"] == "train"
    env_reward = EnvReward(penalty=2.0)
    calls: list[int] = []

    def length_reward(completions: list, **_: object) -> list[float]:
        # The random tiny model never writes a tool call, so the env reward is flat; this gives GRPO a signal.
        calls.append(len(completions))
        return [len(completion_text(c)) / 100 for c in completions]

    config = GRPOConfig(output_dir=str(tmp_path), max_steps=2, per_device_train_batch_size=4, num_generations=4,
                        max_completion_length=8, learning_rate=1e-2, harm_penalty=2.0)
    trainer = GRPOTrainer(model, config, prompts, tokenizer, reward_funcs=[env_reward, length_reward])
    trainer.train()
    assert len(_losses(trainer)) == 2
    assert any("rewards/env_reward/mean" in entry for entry in trainer.state.log_history)
    assert env_reward.last_costs == [0.0] * 4 and calls == [4, 4]
    assert _changed(before, model)


def test_grpo_defaults_to_the_env_reward_and_checks_columns() -> None:
    from datasets import Dataset

    model, tokenizer = tiny_model(seed=0)
    config = GRPOConfig(output_dir="/tmp/sg-unused", num_generations=2, per_device_train_batch_size=2,
                        harm_penalty=5.0)
    trainer = GRPOTrainer(model, config, scenario_prompts(1, families=["Blackmail"]), tokenizer)
    assert isinstance(trainer.reward_funcs[0], EnvReward) and trainer.reward_funcs[0].penalty == 5.0
    with pytest.raises(ValueError, match="dataset lacks env_id, env_kwargs, seed"):
        GRPOTrainer(model, config, Dataset.from_dict({"prompt": ["hi"]}), tokenizer)
    with pytest.raises(ValueError, match=r"harm_penalty=-2\.0"):
        GRPOConfig(output_dir="/tmp/sg-unused", harm_penalty=-2.0)
