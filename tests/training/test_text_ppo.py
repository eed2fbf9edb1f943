"""Text (token-level) PPO on the tiny model: sampling, per-token rewards, an update that changes the model."""

from __future__ import annotations

import math

import pytest
import torch

from safety_gym.agents.models import tiny_model
from safety_gym.training.text_ppo_trainer import TextPPOConfig, TextPPOTrainer, sample_response, token_rewards


def test_token_rewards_put_the_score_on_the_last_token_and_kl_on_every_token() -> None:
    rewards = token_rewards(1.5, torch.tensor([-1.0, -0.5, -2.0]), torch.tensor([-1.0, -1.5, -1.0]), kl_coef=0.5)
    assert rewards.tolist() == pytest.approx([0.0, -0.5, 0.5 + 1.5])


def test_sampling_is_seeded_and_matches_the_model_without_cache() -> None:
    model, tokenizer = tiny_model(seed=0)
    prompt = tokenizer("Hello there")["input_ids"]
    a = sample_response(model, prompt, 6, eos_token_id=None, generator=torch.Generator().manual_seed(3))
    b = sample_response(model, prompt, 6, eos_token_id=None, generator=torch.Generator().manual_seed(3))
    assert a == b and len(a) == 6
    greedy = sample_response(model, prompt, 3, eos_token_id=None, temperature=1e-4,
                             generator=torch.Generator().manual_seed(0))
    ids = list(prompt)
    for _ in range(3):  # greedy decoding by full forward passes gives the same tokens
        ids.append(int(model(input_ids=torch.tensor([ids])).logits[0, -1].argmax()))
    assert greedy == ids[len(prompt):]


def test_text_ppo_update_logs_and_changes_the_model_but_not_the_reference() -> None:
    model, tokenizer = tiny_model(seed=0)
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    config = TextPPOConfig(families=["Blackmail", "Leaking"], num_updates=2, episodes_per_update=2,
                           minibatch_size=2, num_epochs=1, max_new_tokens=6, max_prompt_tokens=48,
                           learning_rate=1e-2, kl_coef=0.1, ent_coef=0.01)
    # The random model never writes a tool call: the score and the first KL are 0, so the advantages are 0
    # and only the entropy bonus moves the weights (which the second rollout's KL then sees).
    trainer = TextPPOTrainer(model, tokenizer, config)
    logs = trainer.train()
    assert [entry["step"] for entry in logs] == [1.0, 2.0]
    assert all(math.isfinite(entry["loss"]) for entry in logs)
    assert logs[0]["kl"] == pytest.approx(0.0, abs=1e-5)  # first rollout: policy == reference
    assert logs[0]["format_error_rate"] == 1.0 and logs[0]["score"] == 0.0  # random model writes no tool call
    changed = [name for name, p in model.named_parameters() if not torch.equal(before[name], p.detach())]
    assert changed
    assert logs[1]["kl"] != 0.0
    assert all(torch.equal(before[name], p) for name, p in trainer.ref_model.named_parameters())


def test_text_ppo_is_deterministic() -> None:
    config = TextPPOConfig(families=["Blackmail"], num_updates=1, episodes_per_update=2, minibatch_size=2,
                           num_epochs=1, max_new_tokens=4, max_prompt_tokens=32, learning_rate=1e-2)
    first = TextPPOTrainer(*tiny_model(seed=0), config).train()
    second = TextPPOTrainer(*tiny_model(seed=0), config).train()
    assert first == second


def test_bad_config_values_are_named() -> None:
    with pytest.raises(ValueError, match="temperature=0 must be a finite number > 0"):
        TextPPOConfig(temperature=0)
    with pytest.raises(ValueError, match="allow_test=True"):
        TextPPOConfig(split="test")
    with pytest.raises(ValueError, match="max_new_tokens=0"):
        TextPPOConfig(max_new_tokens=0)
