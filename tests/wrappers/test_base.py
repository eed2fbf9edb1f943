"""The randomizer machinery: streams, episodes, stacking, seeding, the spec, and misuse errors."""

from __future__ import annotations

import json
import random
from typing import Any

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.wrappers import TimeLimit, TransformObservation

import safety_gym  # noqa: F401  (registers the environments)
from safety_gym.wrappers import (
    RANDOMIZERS,
    CostToReward,
    DistractorEmails,
    Diversify,
    EntityShuffle,
    InboxOrder,
    Paraphrase,
    ScenarioWrapper,
    Stream,
    SystemPromptNoise,
    ToolCallSyntax,
    UnusedTools,
)
from safety_gym.wrappers.base import EpisodeSetup, check_count

ENV_ID = "safety_gym/Blackmail-v0"


def make(**kwargs: Any) -> gym.Env:
    return gym.make(ENV_ID, disable_env_checker=True, **kwargs, privileged_info=True)


def reset_bytes(env: gym.Env, seed: int | None) -> str:
    observation, info = env.reset(seed=seed) if seed is not None else env.reset()
    return json.dumps([observation, info["tools"], info["randomization"], info["scenario"]], sort_keys=True)


# --------------------------------------------------------------------------- Stream


def test_stream_reads_its_block_then_a_deterministic_extension() -> None:
    block = [0.25] * 4
    first = Stream(block)
    values = [first.uniform() for _ in range(10)]
    assert values[:4] == block
    again = Stream(block)
    assert values == [again.uniform() for _ in range(10)]  # the same extension each time
    assert len(set(values[4:])) > 1
    assert all(0.0 <= value < 1.0 for value in values)


def test_stream_sample_is_distinct_and_rejects_too_many() -> None:
    stream = Stream(np.random.default_rng(0).random(64).tolist())
    assert sorted(stream.sample(range(10), 10)) == list(range(10))
    with pytest.raises(ValueError, match="cannot draw 4 distinct items from 3"):
        Stream([0.5]).sample("abc", 4)


@pytest.mark.parametrize(
    ("value", "message"),
    [(-1, "out of range"), (9, "out of range"), ((3, 2), "out of range"), ("2", "not a count"), (True, "not a count"),
     ((1, 2, 3), "not a count"), (2.0, "not a count")],
)
def test_counts_are_validated_with_the_allowed_range(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message) as raised:
        check_count("n", value, 0, 8)
    assert "an integer from 0 to 8" in str(raised.value)


def test_episode_keys_are_unique_per_name() -> None:
    env = make()
    env.reset(seed=0)
    base = env.unwrapped
    episode = EpisodeSetup(base.family, base.scenario, "hermes")
    assert [episode.add_record("X", {}) for _ in range(3)] == ["X", "X#2", "X#3"]
    copy = episode.copy()
    copy.add_record("Y", {})
    assert "Y" not in episode.records


# --------------------------------------------------------------------------- seeding and determinism


@pytest.mark.parametrize("wrapper", [*RANDOMIZERS, Diversify])
def test_same_seed_same_bytes_and_other_seeds_differ(wrapper: type[gym.Wrapper]) -> None:
    first, second = wrapper(make()), wrapper(make())
    assert reset_bytes(first, 5) == reset_bytes(second, 5)
    assert reset_bytes(first, 5) != reset_bytes(first, 6)


def test_unseeded_resets_continue_the_wrapper_generator_deterministically() -> None:
    def rollout(perturb: int) -> list[str]:
        env = Diversify(make(), level=3)
        out = [reset_bytes(env, 11)]
        for k in range(4):
            np.random.seed(perturb + k)
            random.seed(perturb + k)
            out.append(reset_bytes(env, None))
        return out

    first, second = rollout(0), rollout(1000)
    assert first == second
    assert len(set(first)) == 5


def test_randomization_depends_on_the_reset_seed_not_on_history() -> None:
    env = UnusedTools(make(), k=4)
    fresh = reset_bytes(env, 3)
    for seed in (8, 9):
        env.reset(seed=seed)
    env.reset()
    assert reset_bytes(env, 3) == fresh


def test_two_identical_wrappers_in_a_stack_draw_differently_and_are_both_recorded() -> None:
    env = UnusedTools(UnusedTools(make(), k=3), k=3)
    _, info = env.reset(seed=0)
    first, second = info["randomization"]["UnusedTools"], info["randomization"]["UnusedTools#2"]
    assert first["tools"] != second["tools"]
    names = [schema["function"]["name"] for schema in info["tools"]]
    assert len(names) == len(set(names)) == 9


# --------------------------------------------------------------------------- stacking


STACK = (
    lambda env: DistractorEmails(env, n=3),
    lambda env: SystemPromptNoise(env, level=2),
    lambda env: UnusedTools(env, k=3),
    InboxOrder,
    ToolCallSyntax,
)


def test_adjacent_and_interleaved_stacks_give_the_same_episode() -> None:
    # Adjacent scenario wrappers hand their episode up without loading it; with other wrappers between
    # them each one loads and the next reads the loaded episode back. Both paths must agree.
    adjacent, interleaved = make(), make()
    for wrapper in STACK:
        adjacent = wrapper(adjacent)
        interleaved = CostToReward(TimeLimit(wrapper(interleaved), max_episode_steps=5))
    for seed in range(3):
        observation, info = adjacent.reset(seed=seed)
        other_observation, other_info = interleaved.reset(seed=seed)
        assert observation == other_observation
        assert info["randomization"] == other_info["randomization"]
        assert list(info["randomization"]) == [
            "DistractorEmails", "SystemPromptNoise", "UnusedTools", "InboxOrder", "ToolCallSyntax",
        ]


def test_regeneration_replays_the_edits_made_below_it() -> None:
    env = EntityShuffle(InboxOrder(DistractorEmails(make(), n=3), mode="reverse"))
    _, info = env.reset(seed=4)
    scenario = env.unwrapped.scenario
    distractors = [email for email in scenario.inbox if email.sender.startswith(("newsletter@", "events@"))]
    added = info["randomization"]["DistractorEmails"]["emails"]
    assert len(added) == 3
    assert {email["id"] for email in added} <= {email.id for email in scenario.inbox}
    # the distractors were re-rendered with the new company, and the reversed order was kept
    assert all(email.sender.endswith("@" + scenario.domain) for email in distractors)
    assert [email.id for email in scenario.inbox] == info["randomization"]["InboxOrder"]["order"]
    plain = make().unwrapped
    plain.reset(seed=4)
    assert scenario.company != plain.scenario.company


def test_reference_actions_are_rebuilt_for_the_randomized_episode() -> None:
    env = ToolCallSyntax(EntityShuffle(make()), syntaxes=["xml"])
    _, info = env.reset(seed=2)
    action = info["reference_actions"]["escalate"]
    assert "<tool_use:send_email>" in action
    assert env.unwrapped.scenario.cast["escalation_contact"].email in action
    _, reward, _, _, step_info = env.step(action)
    assert reward == 1.0
    assert "escalation" in {verdict["label"] for verdict in step_info["verdicts"]}


def test_infos_of_two_resets_share_no_mutable_object() -> None:
    env = Diversify(make(), level=3)
    _, first = env.reset(seed=1)
    _, second = env.reset(seed=1)
    assert first["randomization"] == second["randomization"]
    assert first["randomization"] is not second["randomization"]
    for key in first["randomization"]:
        assert first["randomization"][key] is not second["randomization"][key]


# --------------------------------------------------------------------------- the spec


@pytest.mark.parametrize(
    "build",
    [
        lambda env: UnusedTools(env, k=(1, 4)),
        lambda env: SystemPromptNoise(env, level=3),
        lambda env: DistractorEmails(env, n=2),
        EntityShuffle,
        lambda env: InboxOrder(env, mode="reverse"),
        lambda env: ToolCallSyntax(env, syntaxes=["xml"]),
        Paraphrase,
        lambda env: Diversify(env, level=2, resample=True),
        lambda env: CostToReward(Diversify(InboxOrder(env), level=1), penalty=2.5),
    ],
)
def test_gym_make_of_the_spec_rebuilds_the_stack(build: Any) -> None:
    env = build(gym.make(ENV_ID, urgency="restriction", split="test", privileged_info=True))
    rebuilt = gym.make(env.spec)
    assert [type(layer).__name__ for layer in _layers(rebuilt)] == [type(layer).__name__ for layer in _layers(env)]
    assert env.spec.to_json() == rebuilt.spec.to_json()
    assert gym.make(gym.spec(ENV_ID).id) is not None
    for seed in (0, 9):
        assert reset_bytes(env, seed) == reset_bytes(rebuilt, seed)
    from_json = gym.make(gym.envs.registration.EnvSpec.from_json(env.spec.to_json()))
    assert reset_bytes(from_json, 3) == reset_bytes(env, 3)


def _layers(env: gym.Env) -> list[gym.Env]:
    layers = []
    while isinstance(env, gym.Wrapper):
        layers.append(env)
        env = env.env
    return layers


# --------------------------------------------------------------------------- misuse


class _Plain(gym.Env):
    observation_space = gym.spaces.Discrete(2)
    action_space = gym.spaces.Discrete(2)


def test_a_non_safety_gym_env_is_refused() -> None:
    with pytest.raises(TypeError, match="wraps safety-gym envs; the base env is a _Plain"):
        UnusedTools(_Plain())


def test_wrapping_above_an_observation_transform_is_refused() -> None:
    transformed = TransformObservation(make(), lambda observation: observation.upper(), make().observation_space)
    with pytest.raises(ValueError, match="must wrap below TransformObservation"):
        InboxOrder(transformed)


def test_a_randomizer_without_edit_says_so() -> None:
    from safety_gym.wrappers import Randomizer

    with pytest.raises(NotImplementedError, match="must implement edit"):
        ScenarioWrapper(make(), [Randomizer()]).reset(seed=0)


@pytest.mark.parametrize("options", [None, {"scenario_seed": -4}, {"counterfactual": "no_such_thing"}])
def test_bad_resets_fail_as_without_the_wrapper(options: dict[str, Any] | None) -> None:
    seed = -1 if options is None else 0
    with pytest.raises(Exception) as bare:
        make().reset(seed=seed, options=options)
    with pytest.raises(type(bare.value)) as wrapped:
        Diversify(make()).reset(seed=seed, options=options)
    assert str(wrapped.value) == str(bare.value)
