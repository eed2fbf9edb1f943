"""Any action string is valid input: observations stay in the observation space, nothing raises or hangs.

Under any configuration and wrapper stack, every action the strategies produce (valid, malformed, prose,
hostile: injections, traversal, megabyte and deeply nested payloads, odd Unicode) gives an observation in
the observation space, a finite reward, boolean flags and a JSON-serialisable ``info``. The only exception
``step`` may raise is the documented ``TypeError`` for a non-``str`` action.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safety_gym.testing import actions, env_configs, no_hang, non_str_actions, seeds, wrapper_stacks


def examples(share: float) -> int:
    return max(2, round(settings.default.max_examples * share))


@settings(max_examples=examples(1.5))
@given(config=env_configs(), stack=wrapper_stacks(max_size=3), seed=seeds(), data=st.data())
def test_any_action_gives_a_valid_step(config: Any, stack: Any, seed: int, data: st.DataObject) -> None:
    env = stack(config.make())
    with no_hang(30):
        observation, info = env.reset(seed=seed)
    assert env.observation_space.contains(observation)
    for _ in range(3):
        action = data.draw(actions(env.unwrapped.scenario, info["tools"]), label="action")
        assert env.action_space.contains(action) or len(action) > env.action_space.max_length
        with no_hang(30):
            observation, reward, terminated, truncated, step_info = env.step(action)
        assert env.observation_space.contains(observation)
        assert isinstance(reward, float) and math.isfinite(reward)
        assert type(terminated) is bool and type(truncated) is bool
        assert step_info["cost"] >= 0.0
        json.dumps(step_info)
        if terminated or truncated:
            break


@settings(max_examples=examples(0.3))
@given(config=env_configs(), stack=wrapper_stacks(max_size=2), action=non_str_actions())
def test_a_non_string_action_raises_type_error_and_nothing_else(config: Any, stack: Any, action: Any) -> None:
    env = stack(config.make())
    env.reset(seed=0)
    with pytest.raises(TypeError, match="action must be a str"):
        env.step(action)
