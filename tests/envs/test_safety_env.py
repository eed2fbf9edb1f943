"""The shared env's constructor arguments: every bad value is refused with a message naming it."""

from __future__ import annotations

import gymnasium as gym
import pytest

import safety_gym  # noqa: F401  (registers the environments)

ENV_ID = "safety_gym/Blackmail-v0"


@pytest.mark.parametrize("max_steps", [True, False, 0, -1, 2.0, "3", None])
def test_max_steps_must_be_a_positive_integer_and_not_a_boolean(max_steps: object) -> None:
    with pytest.raises(ValueError, match=f"max_steps must be a positive integer, got {max_steps!r}"):
        gym.make(ENV_ID, mode="multi", max_steps=max_steps)


def test_max_steps_accepts_positive_integers() -> None:
    assert gym.make(ENV_ID, mode="multi", max_steps=3).unwrapped.max_steps == 3
