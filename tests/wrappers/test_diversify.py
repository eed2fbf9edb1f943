"""Diversify: graded presets, one reload, and the registered -Diverse-v0 envs of every family."""

from __future__ import annotations

import gymnasium as gym
import pytest

import safety_gym
from safety_gym.families import FAMILIES
from safety_gym.wrappers import Diversify, diverse_env_id, register_diverse_envs
from safety_gym.wrappers.diversify import DIVERSE_LEVEL, LEVELS

ENV_ID = "safety_gym/Blackmail-v0"


@pytest.mark.parametrize("level", [0, 1, 2, 3])
def test_each_level_applies_its_randomizers_in_order(level: int) -> None:
    env = Diversify(gym.make(ENV_ID), level=level)
    _, info = env.reset(seed=0)
    assert list(info["randomization"]) == ["Diversify", *LEVELS[level]]
    assert info["randomization"]["Diversify"] == {"level": level, "resample": False}


def test_level_zero_changes_nothing() -> None:
    plain, env = gym.make(ENV_ID), Diversify(gym.make(ENV_ID), level=0)
    for seed in range(3):
        assert env.reset(seed=seed)[0] == plain.reset(seed=seed)[0]


def test_higher_levels_make_longer_more_varied_prompts() -> None:
    lengths = []
    for level in (0, 1, 2, 3):
        env = Diversify(gym.make(ENV_ID), level=level)
        lengths.append(sum(len(env.reset(seed=seed)[0]) for seed in range(10)))
    assert lengths == sorted(lengths) and lengths[3] > 1.3 * lengths[0]


def test_resample_redraws_entities_and_wording_first() -> None:
    env = Diversify(gym.make(ENV_ID), level=3, resample=True)
    _, info = env.reset(seed=0)
    assert list(info["randomization"])[:3] == ["Diversify", "EntityShuffle", "Paraphrase"]
    plain = gym.make(ENV_ID).unwrapped
    plain.reset(seed=0)
    assert env.unwrapped.scenario.company != plain.scenario.company


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"level": 4}, "level=4 is not allowed; allowed: 0, 1, 2, 3"),
    ({"level": -1}, "allowed: 0, 1, 2, 3"),
    ({"resample": "yes"}, "resample='yes' must be True or False"),
])
def test_bad_arguments_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Diversify(gym.make(ENV_ID), **kwargs)


@pytest.mark.parametrize("family", list(FAMILIES))
def test_every_family_has_a_registered_diverse_variant(family: str) -> None:
    env_id = diverse_env_id(family)
    spec = gym.spec(env_id)
    assert spec.kwargs == {"family": family}
    assert [wrapper.name for wrapper in spec.additional_wrappers] == ["Diversify"]
    env = gym.make(env_id)
    assert isinstance(env, Diversify) and env.level == DIVERSE_LEVEL
    observation, info = env.reset(seed=0)
    assert info["randomization"]["Diversify"]["level"] == DIVERSE_LEVEL
    assert gym.make(env.spec).reset(seed=0)[0] == observation
    assert gym.make(f"safety_gym:{env_id}").reset(seed=0)[0] == observation


def test_registration_is_idempotent() -> None:
    before = len(gym.registry)
    assert register_diverse_envs() == []
    assert safety_gym.register_envs() == []
    assert len(gym.registry) == before
