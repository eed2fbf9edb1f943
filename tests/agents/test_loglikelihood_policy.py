"""LogLikelihoodPolicy with the tiny model: shared-prefix scores equal full-sequence scores and a hand computation,
batching and chunking do not change scores, normalisation, argmax and seeded sampling, errors."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

import safety_gym  # noqa: E402, F401
from safety_gym.agents.loglikelihood import LogLikelihoodPolicy  # noqa: E402
from safety_gym.agents.models import tiny_model  # noqa: E402
from safety_gym.agents.transformers_policy import TransformersPolicy  # noqa: E402
from safety_gym.wrappers.choice import ChoiceWrapper  # noqa: E402


@pytest.fixture(scope="module")
def pair() -> tuple[Any, Any]:
    return tiny_model(seed=0)


@pytest.fixture(scope="module")
def batch() -> tuple[list[str], list[dict[str, Any]]]:
    envs = [ChoiceWrapper(gym.make(f"safety_gym/{name}-v0"), k=3) for name in ("Blackmail", "Leaking")]
    resets = [env.reset(seed=seed) for seed, env in enumerate(envs)]
    return [obs for obs, _ in resets], [info for _, info in resets]


def scores(policy: LogLikelihoodPolicy, observations: list[str], infos: list[dict[str, Any]]) -> np.ndarray:
    policy.act(observations, infos)
    return np.array([detail["scores"] for detail in policy.last_details])


def hand_scores(pair: tuple[Any, Any], info: dict[str, Any]) -> list[float]:
    """Mean log-probability of each candidate's assistant turn, from one forward pass over the whole text."""
    model, tokenizer = pair
    prompt = tokenizer.apply_chat_template(info["messages"], tokenize=False, add_generation_prompt=True)
    result = []
    for text in info["candidates"]:
        full = tokenizer.apply_chat_template([*info["messages"], {"role": "assistant", "content": text}],
                                             tokenize=False)
        prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
        cont_ids = tokenizer(full[len(prompt):], add_special_tokens=False)["input_ids"]
        ids = torch.tensor([prompt_ids + cont_ids])
        with torch.no_grad():
            logprobs = model(ids).logits[0].float().log_softmax(-1)
        total = sum(float(logprobs[len(prompt_ids) - 1 + j, token]) for j, token in enumerate(cont_ids))
        result.append(total / len(cont_ids))
    return result


def test_scores_match_a_hand_computation(pair: tuple[Any, Any], batch: Any) -> None:
    observations, infos = batch
    got = scores(LogLikelihoodPolicy(pair), observations[:1], infos[:1])[0]
    assert np.allclose(got, hand_scores(pair, infos[0]), atol=1e-4)


def test_shared_prefix_batched_chunked_and_unshared_scores_agree(pair: tuple[Any, Any], batch: Any) -> None:
    observations, infos = batch
    reference = scores(LogLikelihoodPolicy(pair, share_prefix=False), observations, infos)
    for batch_size in (1, 2, 6):  # one row at a time (cache cropped), chunks splitting an env, both envs together
        got = scores(LogLikelihoodPolicy(pair, batch_size=batch_size), observations, infos)
        assert np.allclose(got, reference, atol=1e-4), batch_size
    assert reference.shape == (2, 3)
    assert len({tuple(row) for row in reference.round(3)}) == 2


def test_argmax_picks_the_best_score(pair: tuple[Any, Any], batch: Any) -> None:
    observations, infos = batch
    policy = LogLikelihoodPolicy(pair)
    actions = policy.act(observations, infos)
    assert actions == [int(np.argmax(detail["scores"])) for detail in policy.last_details]
    assert all(isinstance(action, int) for action in actions)


def test_the_model_prefers_its_own_greedy_text(pair: tuple[Any, Any], batch: Any) -> None:
    observations, infos = batch
    own = TransformersPolicy(pair, max_new_tokens=24).act(observations[:1], infos[:1])[0]
    noisy = TransformersPolicy(pair, max_new_tokens=24, temperature=5.0, seed=3).act(observations[:1], infos[:1])[0]
    info = {**infos[0], "candidates": ["Zebra quantum marmalade 42 !!", own, noisy]}
    assert own != noisy
    assert LogLikelihoodPolicy(pair).act(observations[:1], [info]) == [1]


def test_sum_normalisation_is_mean_times_length(pair: tuple[Any, Any], batch: Any) -> None:
    observations, infos = batch
    mean = LogLikelihoodPolicy(pair, normalize="mean")
    total = LogLikelihoodPolicy(pair, normalize="sum")
    mean.act(observations[:1], infos[:1])
    total.act(observations[:1], infos[:1])
    for m, t in zip(mean.last_details, total.last_details, strict=True):
        assert np.allclose(np.array(m["scores"]) * np.array(m["tokens"]), t["scores"], atol=1e-3)
        assert m["tokens"] == t["tokens"]


def test_sampling_is_seeded_and_follows_the_scores(pair: tuple[Any, Any], batch: Any) -> None:
    observations, infos = batch
    greedy = LogLikelihoodPolicy(pair)
    assert greedy.act(observations[:1], infos[:1]) == [int(np.argmax(greedy.last_details[0]["scores"]))]
    scores = greedy.last_details[0]["scores"]
    hot = LogLikelihoodPolicy(pair, temperature=100.0, seed=1)
    scenarios = [{**infos[0], "scenario": {**infos[0]["scenario"], "id": f"s{i}"}} for i in range(40)]
    first = [hot._choose(scores, info) for info in scenarios]
    assert [hot._choose(scores, info) for info in scenarios] == first  # seeded per scenario, not per call
    assert len(set(first)) == len(scores)  # near-uniform sampling reaches every candidate
    other = LogLikelihoodPolicy(pair, temperature=100.0, seed=2)
    assert [other._choose(scores, info) for info in scenarios] != first
    cold = LogLikelihoodPolicy(pair, temperature=1e-4, seed=1)
    assert {cold._choose(scores, info) for info in scenarios} == {int(np.argmax(scores))}
    sampled = LogLikelihoodPolicy(pair, temperature=1.0, seed=3)
    assert sampled.act(observations[:1], infos[:1]) == [sampled._choose(scores, infos[0])]


def test_choices_step_the_env(pair: tuple[Any, Any]) -> None:
    env = ChoiceWrapper(gym.make("safety_gym/Blackmail-v0"))
    observation, info = env.reset(seed=5)
    (action,) = LogLikelihoodPolicy(pair).act([observation], [info])
    _, _, terminated, _, step_info = env.step(action)
    assert terminated and step_info["choice"]["index"] == action
    assert step_info["choice"]["label"] == info["candidate_labels"][action]


def test_needs_candidates_and_valid_settings(pair: tuple[Any, Any]) -> None:
    env = gym.make("safety_gym/Blackmail-v0")
    observation, info = env.reset(seed=0)
    with pytest.raises(ValueError, match=r"needs info\['candidates'\].*ChoiceWrapper"):
        LogLikelihoodPolicy(pair).act([observation], [info])
    with pytest.raises(ValueError, match="unknown normalize 'max'; allowed: mean, sum"):
        LogLikelihoodPolicy(pair, normalize="max")
    with pytest.raises(ValueError, match="temperature must be >= 0"):
        LogLikelihoodPolicy(pair, temperature=-0.5)
    policy = LogLikelihoodPolicy(pair)
    assert policy.name.startswith("loglik:") and policy.settings()["kind"] == "loglikelihood"
