"""Choice-mode PPO: GAE and the loss against hand-computed values, policies, learning, determinism."""

from __future__ import annotations

import math

import pytest
import torch

from safety_gym.training.ppo_trainer import (
    LMChoicePolicy,
    PPOConfig,
    PPOTrainer,
    SoftmaxChoicePolicy,
    compute_gae,
    hashed_features,
    ppo_loss,
)

# ---------------------------------------------------------------------------------------------- GAE


def test_gae_single_step_episodes_is_reward_minus_value() -> None:
    advantages, returns = compute_gae(torch.tensor([1.0, -2.0]), torch.tensor([0.25, 0.5]), torch.ones(2))
    assert advantages.tolist() == [0.75, -2.5]
    assert returns.tolist() == [1.0, -2.0]


def test_gae_matches_hand_computation_across_an_episode_boundary_and_bootstrap() -> None:
    # Transitions 0-1 end an episode; 2-3 are a new one cut off, bootstrapped with last_value = 2.
    rewards = torch.tensor([1.0, 2.0, 0.0, 1.0])
    values = torch.tensor([0.5, 1.0, 0.0, 0.5])
    dones = torch.tensor([0.0, 1.0, 0.0, 0.0])
    gamma, lam = 0.5, 0.5
    advantages, returns = compute_gae(rewards, values, dones, last_value=2.0, gamma=gamma, lam=lam)
    d3 = 1.0 + 0.5 * 2.0 - 0.5  # 1.5
    d2 = 0.0 + 0.5 * 0.5 - 0.0  # 0.25
    d1 = 2.0 - 1.0  # episode ends: no bootstrap
    d0 = 1.0 + 0.5 * 1.0 - 0.5  # 1.0
    a3 = d3
    a2 = d2 + gamma * lam * a3  # 0.625
    a1 = d1
    a0 = d0 + gamma * lam * a1  # 1.25
    assert advantages.tolist() == pytest.approx([a0, a1, a2, a3])
    assert returns.tolist() == pytest.approx([a0 + 0.5, a1 + 1.0, a2 + 0.0, a3 + 0.5])


def test_gae_runs_parallel_streams_on_the_second_axis() -> None:
    rewards = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    values = torch.zeros(2, 2)
    dones = torch.tensor([[0.0, 1.0], [1.0, 1.0]])
    advantages, _ = compute_gae(rewards, values, dones, gamma=1.0, lam=1.0)
    assert advantages.tolist() == [[1.0, 0.0], [0.0, 1.0]]


# ---------------------------------------------------------------------------------------------- loss


def _loss(logits: list[list[float]], action: int, old_p: float, advantage: float, **kwargs: float) -> dict:
    tensor = torch.tensor(logits, requires_grad=True)
    return ppo_loss(tensor, kwargs.pop("ref", tensor.detach()), torch.tensor([action]),
                    torch.log(torch.tensor([old_p])), torch.tensor([advantage]), torch.tensor([kwargs.pop("v", 0.0)]),
                    torch.tensor([kwargs.pop("ret", 0.0)]), **kwargs)


def test_policy_loss_unclipped_inside_the_trust_region() -> None:
    # new p(a) = 0.5, old 0.45: ratio 1.111 < 1.2, loss = -A * ratio
    out = _loss([[0.0, 0.0]], 0, 0.45, 2.0, clip_range=0.2)
    assert out["policy_loss"].item() == pytest.approx(-2.0 * 0.5 / 0.45)
    assert out["clip_fraction"].item() == 0.0


def test_policy_loss_clips_a_positive_advantage_above_one_plus_epsilon() -> None:
    # ratio = 0.5 / 0.25 = 2: min(2A, 1.2A) for A > 0 -> loss -1.2 A, no gradient through the ratio
    out = _loss([[0.0, 0.0]], 0, 0.25, 1.0, clip_range=0.2)
    assert out["policy_loss"].item() == pytest.approx(-1.2)
    assert out["clip_fraction"].item() == 1.0


def test_policy_loss_keeps_the_pessimistic_term_for_a_negative_advantage() -> None:
    # ratio 2 with A = -1: max(2, 1.2) = 2 -> the unclipped term stays
    out = _loss([[0.0, 0.0]], 0, 0.25, -1.0, clip_range=0.2)
    assert out["policy_loss"].item() == pytest.approx(2.0)
    # ratio 0.5 / 0.9 = 0.556 with A = -1: max(0.556, 0.8) = 0.8 (clipped below)
    out = _loss([[0.0, 0.0]], 0, 0.9, -1.0, clip_range=0.2)
    assert out["policy_loss"].item() == pytest.approx(0.8)


def test_value_entropy_and_exact_kl_terms() -> None:
    logits = [[math.log(0.75), math.log(0.25)]]
    ref = torch.tensor([[0.0, 0.0]])  # uniform reference
    out = _loss(logits, 0, 0.75, 0.0, ref=ref, v=1.0, ret=3.0, vf_coef=0.5, ent_coef=0.1, kl_coef=2.0)
    entropy = -(0.75 * math.log(0.75) + 0.25 * math.log(0.25))
    kl = 0.75 * math.log(0.75 / 0.5) + 0.25 * math.log(0.25 / 0.5)
    assert out["value_loss"].item() == pytest.approx(0.5 * (1.0 - 3.0) ** 2)
    assert out["entropy"].item() == pytest.approx(entropy)
    assert out["kl"].item() == pytest.approx(kl)
    assert out["loss"].item() == pytest.approx(0.0 + 0.5 * 2.0 - 0.1 * entropy + 2.0 * kl)


def test_padding_gets_no_probability_and_finite_gradients() -> None:
    logits = torch.tensor([[0.0, 0.0, float("-inf")], [0.0, 0.0, 0.0]], requires_grad=True)
    out = ppo_loss(logits, logits.detach(), torch.tensor([1, 2]), torch.log(torch.tensor([0.5, 1 / 3])),
                   torch.tensor([1.0, 1.0]), torch.zeros(2), torch.zeros(2), kl_coef=1.0, ent_coef=1.0)
    out["loss"].backward()
    assert torch.isfinite(logits.grad).all() and logits.grad[0, 2] == 0
    assert out["entropy"].item() == pytest.approx((math.log(2) + math.log(3)) / 2)
    assert out["kl"].item() == pytest.approx(0.0, abs=1e-7)


# ---------------------------------------------------------------------------------------------- policies


def test_hashed_features_are_stable_and_normalised() -> None:
    a = hashed_features("Send the email to the board", 128)
    assert torch.equal(a, hashed_features("send THE email to the board!", 128))
    assert a.norm().item() == pytest.approx(1.0)
    assert hashed_features("", 16).sum().item() == 0.0


def test_softmax_policy_pads_candidates_and_starts_uniform() -> None:
    policy = SoftmaxChoicePolicy(dim=16)
    batch = [policy.encode("prompt", ["a", "b"]), policy.encode("prompt", ["a", "b", "c"])]
    logits, values = policy(batch)
    assert logits.shape == (2, 3) and math.isinf(logits[0, 2].item()) and logits[1].tolist() == [0.0] * 3
    assert values.tolist() == [0.0, 0.0]


def test_lm_policy_scores_candidates_by_log_likelihood() -> None:
    from safety_gym.agents.models import tiny_model

    model, tokenizer = tiny_model(seed=0)
    policy = LMChoicePolicy(model, tokenizer, length_normalize=False)
    prompt = [{"role": "user", "content": "Pick one."}]
    encoded = policy.encode(prompt, ["yes", "no thanks"])
    logits, values = policy([encoded])
    ids = torch.tensor([encoded[0] + encoded[1][0]])
    logp = torch.log_softmax(model(input_ids=ids).logits[0, :-1], dim=-1)
    expected = sum(logp[len(encoded[0]) - 1 + i, token].item() for i, token in enumerate(encoded[1][0]))
    assert logits[0, 0].item() == pytest.approx(expected, rel=1e-4)
    assert logits.shape == (1, 2) and values.tolist() == [0.0]


# ---------------------------------------------------------------------------------------------- training


def test_softmax_ppo_learns_to_avoid_harm_and_generalises_to_the_test_split() -> None:
    config = PPOConfig(num_updates=8, episodes_per_update=24, minibatch_size=8, num_epochs=4, harm_penalty=2.0)
    trainer = PPOTrainer(config)
    before = trainer.evaluate(70, split="test")
    weights = trainer.policy.score.weight.detach().clone()
    logs = trainer.train()
    after = trainer.evaluate(70, split="test")
    assert len(logs) == 8 and all(math.isfinite(entry["loss"]) for entry in logs)
    assert not torch.equal(weights, trainer.policy.score.weight)
    assert after["harmful_rate"] < before["harmful_rate"] and after["harmful_rate"] <= 0.05
    assert after["reward"] > before["reward"]
    assert logs[-1]["kl"] > 0  # the policy moved away from its (uniform) reference
    assert not torch.equal(trainer.ref_policy.score.weight, trainer.policy.score.weight)


def test_same_config_same_training_run() -> None:
    config = PPOConfig(families=["Blackmail", "Sandbagging"], num_updates=2, episodes_per_update=6,
                       minibatch_size=3, num_epochs=2, seed=4)
    first, second = PPOTrainer(config).train(), PPOTrainer(config).train()
    assert first == second
    other = PPOTrainer(PPOConfig(families=["Blackmail", "Sandbagging"], num_updates=2, episodes_per_update=6,
                                 minibatch_size=3, num_epochs=2, seed=5)).train()
    assert other != first


def test_lm_policy_ppo_runs_and_changes_the_model() -> None:
    from safety_gym.agents.models import tiny_model

    model, tokenizer = tiny_model(seed=0)
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    config = PPOConfig(families=["Blackmail"], policy="lm", k=3, num_updates=1, episodes_per_update=2,
                       minibatch_size=2, num_epochs=1, learning_rate=1e-2, max_prompt_tokens=64)
    trainer = PPOTrainer(config, model=model, tokenizer=tokenizer)
    logs = trainer.train()
    assert math.isfinite(logs[0]["loss"])
    changed = [name for name, p in model.named_parameters() if not torch.equal(before[name], p.detach())]
    assert changed
    assert all(torch.equal(before[name], p) for name, p in trainer.ref_policy.model.named_parameters())


def test_bad_configs_name_the_value() -> None:
    with pytest.raises(ValueError, match="unknown policy 'rnn'; allowed: softmax, lm"):
        PPOConfig(policy="rnn")
    with pytest.raises(ValueError, match="allow_test=True"):
        PPOConfig(split="test")
    with pytest.raises(ValueError, match="clip_range=0 must be a finite number > 0"):
        PPOConfig(clip_range=0)
    with pytest.raises(ValueError, match="'Nope'"):
        PPOConfig(families=["Nope"])
    with pytest.raises(ValueError, match=r"gamma=1\.5"):
        PPOConfig(gamma=1.5)
    with pytest.raises(ValueError, match="needs model= and tokenizer="):
        PPOTrainer(PPOConfig(policy="lm"))
