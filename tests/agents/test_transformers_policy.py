"""TransformersPolicy with the tiny model: chat prompts, batched generation equal to unbatched, seeded sampling
independent of batching, end-of-turn stops, limits, and clear errors."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

import safety_gym  # noqa: E402, F401
from safety_gym.agents.base import Policy  # noqa: E402
from safety_gym.agents.models import tiny_model  # noqa: E402
from safety_gym.agents.transformers_policy import TransformersPolicy, episode_seed  # noqa: E402


@pytest.fixture(scope="module")
def pair() -> tuple[Any, Any]:
    return tiny_model(seed=0)


@pytest.fixture(scope="module")
def batch() -> tuple[list[str], list[dict[str, Any]]]:
    resets = [gym.make(env_id).reset(seed=seed) for seed, env_id in enumerate(
        ["safety_gym/Blackmail-v0", "safety_gym/Leaking-v0", "safety_gym/Blackmail-v0"])]
    return [obs for obs, _ in resets], [info for _, info in resets]


def test_follows_the_policy_protocol_and_names_itself(pair: tuple[Any, Any]) -> None:
    policy = TransformersPolicy(pair, max_new_tokens=4)
    assert isinstance(policy, Policy)
    assert policy.name.startswith("hf:")
    assert TransformersPolicy(pair, name="mine").name == "mine"
    assert policy.settings()["max_new_tokens"] == 4 and policy.settings()["kind"] == "transformers"


def test_prompt_is_the_chat_template_of_the_messages(pair: tuple[Any, Any], batch: Any) -> None:
    _model, tokenizer = pair
    observations, infos = batch
    policy = TransformersPolicy(pair, max_new_tokens=2)
    policy.act(observations[:1], infos[:1])
    text = tokenizer.apply_chat_template(infos[0]["messages"], tokenize=False, add_generation_prompt=True)
    assert text.startswith("<|im_start|>system\n") and text.endswith("<|im_start|>assistant\n")
    assert policy.last_details[0]["prompt_tokens"] == len(tokenizer(text, add_special_tokens=False)["input_ids"])


def test_batched_greedy_generation_equals_one_at_a_time(pair: tuple[Any, Any], batch: Any) -> None:
    observations, infos = batch
    batched = TransformersPolicy(pair, max_new_tokens=8, batch_size=3).act(observations, infos)
    single = TransformersPolicy(pair, max_new_tokens=8, batch_size=1)
    assert batched == [single.act([o], [i])[0] for o, i in zip(observations, infos, strict=True)]
    assert len(set(batched)) > 1  # different prompts, different responses


def test_sampling_is_seeded_per_scenario_not_per_batch(pair: tuple[Any, Any], batch: Any) -> None:
    observations, infos = batch
    settings = {"max_new_tokens": 8, "temperature": 1.0, "top_k": 50, "top_p": 0.95}
    together = TransformersPolicy(pair, batch_size=3, seed=7, **settings).act(observations, infos)
    alone = TransformersPolicy(pair, batch_size=1, seed=7, **settings).act(observations[2:3], infos[2:3])
    assert together[2] == alone[0]
    assert TransformersPolicy(pair, batch_size=3, seed=8, **settings).act(observations, infos) != together
    greedy = TransformersPolicy(pair, max_new_tokens=8).act(observations, infos)
    assert together != greedy


def test_episode_seed_depends_on_seed_scenario_and_turn(batch: Any) -> None:
    _, infos = batch
    assert episode_seed(0, infos[0]) == episode_seed(0, dict(infos[0]))
    assert episode_seed(0, infos[0]) != episode_seed(1, infos[0])
    assert episode_seed(0, infos[0]) != episode_seed(0, infos[1])
    later = {**infos[0], "messages": [*infos[0]["messages"], {"role": "assistant", "content": "x"}]}
    assert episode_seed(0, later) != episode_seed(0, infos[0])
    assert episode_seed(0, {}) is None


def test_max_new_tokens_is_respected(pair: tuple[Any, Any], batch: Any) -> None:
    observations, infos = batch
    policy = TransformersPolicy(pair, max_new_tokens=5)
    policy.act(observations, infos)
    assert all(d["completion_tokens"] <= 5 for d in policy.last_details)
    assert {d["stop"] for d in policy.last_details} <= {"eos", "length"}


def test_generation_stops_at_the_end_of_turn_token(batch: Any) -> None:
    model, tokenizer = tiny_model(seed=0)
    with torch.no_grad():  # every logit becomes 0, so argmax is token 0, <|endoftext|>: an end-of-turn token
        model.model.norm.weight.zero_()
    policy = TransformersPolicy((model, tokenizer), max_new_tokens=50)
    observations, infos = batch
    assert policy.act(observations, infos) == ["", "", ""]
    assert all(d == {**d, "completion_tokens": 0, "stop": "eos"} for d in policy.last_details)
    assert tokenizer.convert_tokens_to_ids("<|endoftext|>") in policy.stop_ids
    assert tokenizer.eos_token_id in policy.stop_ids


def test_actions_step_the_env_without_errors(pair: tuple[Any, Any]) -> None:
    env = gym.make("safety_gym/Blackmail-v0", mode="multi", max_steps=2)
    observation, info = env.reset(seed=0)
    policy = TransformersPolicy(pair, max_new_tokens=8)
    (action,) = policy.act([observation], [info])
    observation, _, _terminated, _truncated, step_info = env.step(action)
    assert step_info["format_error"] is True  # a random model writes no tool call
    (action,) = policy.act([observation], [{**info, **step_info}])  # multi-turn: the messages grew
    assert policy.last_details[0]["prompt_tokens"] > 0
    assert isinstance(action, str)


def test_observation_without_messages_becomes_one_user_turn(pair: tuple[Any, Any]) -> None:
    policy = TransformersPolicy(pair, max_new_tokens=3)
    (action,) = policy.act(["What now?"], [{}])
    assert isinstance(action, str)
    assert policy.last_details[0]["prompt_tokens"] > 5


def test_model_seconds_accumulate(pair: tuple[Any, Any], batch: Any) -> None:
    observations, infos = batch
    policy = TransformersPolicy(pair, max_new_tokens=3)
    assert policy.model_seconds == 0.0
    policy.act(observations, infos)
    assert policy.model_seconds > 0.0 and policy.forward.calls >= 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_new_tokens": 0}, "max_new_tokens must be a positive integer, got 0"),
        ({"temperature": -1.0}, "temperature must be >= 0"),
        ({"top_p": 0.0}, r"top_p must be in \(0, 1\]"),
        ({"top_k": -2}, "top_k must be a non-negative integer"),
        ({"batch_size": 0}, "batch_size must be a positive integer"),
    ],
)
def test_bad_settings_raise_naming_the_value(pair: tuple[Any, Any], kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TransformersPolicy(pair, **kwargs)


def test_model_object_needs_a_tokenizer_with_a_chat_template(pair: tuple[Any, Any]) -> None:
    model, _tokenizer = pair
    with pytest.raises(ValueError, match="needs its tokenizer"):
        TransformersPolicy(model)
    bare = tiny_model()[1]
    bare.chat_template = None
    with pytest.raises(ValueError, match="has no chat template"):
        TransformersPolicy(model, bare)


def test_mismatched_batch_raises(pair: tuple[Any, Any]) -> None:
    with pytest.raises(ValueError, match="got 2 observations but 1 infos"):
        TransformersPolicy(pair).act(["a", "b"], [{}])


def test_separate_and_batched_prefill_generate_the_same_text(pair: tuple[Any, Any], batch: Any) -> None:
    observations, infos = batch
    separate = TransformersPolicy(pair, max_new_tokens=6, batch_size=3, prefill="separate")
    batched = TransformersPolicy(pair, max_new_tokens=6, batch_size=3, prefill="batched")
    assert separate.prefill == "separate" and TransformersPolicy(pair).prefill == "separate"  # auto on CPU
    assert separate.act(observations, infos) == batched.act(observations, infos)
    with pytest.raises(ValueError, match="unknown prefill 'lazy'; allowed: auto, batched, separate"):
        TransformersPolicy(pair, prefill="lazy")
