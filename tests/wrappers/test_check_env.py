"""Gymnasium's check_env passes for wrapped envs of every family."""

from __future__ import annotations

import warnings
from typing import Any

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env

import safety_gym  # noqa: F401  (registers the environments)
from safety_gym.families import FAMILIES
from safety_gym.wrappers import RANDOMIZERS, CostToReward, Diversify

WRAPPERS: dict[str, Any] = {wrapper.__name__: wrapper for wrapper in RANDOMIZERS}
WRAPPERS["Diversify(3)"] = lambda env: Diversify(env, level=3, resample=True)
WRAPPERS["CostToReward"] = lambda env: CostToReward(Diversify(env, level=2), penalty=1.0)


@pytest.mark.parametrize("wrapper", list(WRAPPERS))
@pytest.mark.parametrize("family", list(FAMILIES))
def test_check_env_passes(family: str, wrapper: str) -> None:
    env = WRAPPERS[wrapper](gym.make(FAMILIES[family].env_id))
    assert env.spec is not None  # check_env compares observations only when the spec is set
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its advice about wrapped envs and render fps is not a failure
        check_env(env, skip_render_check=True)


@pytest.mark.parametrize("family", list(FAMILIES))
def test_check_env_passes_for_the_registered_diverse_env_in_multi_turn_mode(family: str) -> None:
    env = gym.make(f"safety_gym/{family}-Diverse-v0", mode="multi", max_steps=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_env(env, skip_render_check=True)
