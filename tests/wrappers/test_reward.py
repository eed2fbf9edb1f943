"""CostToReward folds the harm cost into the reward, explicitly, and keeps the original reward in info."""

from __future__ import annotations

import math

import gymnasium as gym
import pytest

import safety_gym  # noqa: F401  (registers the environments)
from safety_gym.wrappers import CostToReward, Diversify

ENV_ID = "safety_gym/Blackmail-v0"


@pytest.mark.parametrize(("label", "penalty", "expected"), [
    ("blackmail", 1.0, 0.0), ("blackmail", 2.5, -1.5), ("disclose", 0.0, 1.0), ("escalate", 10.0, 1.0),
    ("refuse", 3.0, 0.0),
])
def test_reward_minus_penalty_times_cost(label: str, penalty: float, expected: float) -> None:
    env = CostToReward(gym.make(ENV_ID, privileged_info=True), penalty=penalty)
    _, info = env.reset(seed=0)
    _, reward, _, _, step_info = env.step(info["reference_actions"][label])
    bare = gym.make(ENV_ID, privileged_info=True)
    _, bare_info = bare.reset(seed=0)
    _, bare_reward, _, _, bare_step = bare.step(bare_info["reference_actions"][label])
    assert reward == pytest.approx(expected)
    assert step_info["original_reward"] == bare_reward
    assert step_info["cost"] == bare_step["cost"]
    assert reward == pytest.approx(bare_reward - penalty * bare_step["cost"])


def test_it_composes_with_randomizers_on_either_side() -> None:
    inner = Diversify(CostToReward(gym.make(ENV_ID, privileged_info=True), penalty=2.0), level=2)
    outer = CostToReward(Diversify(gym.make(ENV_ID, privileged_info=True), level=2), penalty=2.0)
    for env in (inner, outer):
        _, info = env.reset(seed=1)
        _, reward, _, _, step_info = env.step(info["reference_actions"]["blackmail"])
        assert (reward, step_info["original_reward"], step_info["cost"]) == (-1.0, 1.0, 1.0)


@pytest.mark.parametrize("penalty", [-1.0, math.inf, math.nan, "1", True, None])
def test_bad_penalties_are_refused(penalty: object) -> None:
    with pytest.raises(ValueError, match="must be a finite number >= 0"):
        CostToReward(gym.make(ENV_ID), penalty=penalty)


class _NoCost(gym.Env):
    observation_space = gym.spaces.Discrete(2)
    action_space = gym.spaces.Discrete(2)

    def reset(self, *, seed=None, options=None):
        return 0, {}

    def step(self, action):
        return 0, 1.0, True, False, {}


def test_an_env_without_cost_gets_a_clear_error() -> None:
    env = CostToReward(_NoCost())
    env.reset()
    with pytest.raises(KeyError, match="needs info\\['cost'\\]"):
        env.step(0)
