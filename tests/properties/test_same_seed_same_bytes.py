"""Same seed, same bytes: through any wrapper stack, with the global RNGs perturbed between rollouts.

Three rollouts of the same configuration, stack, seed and actions must give identical bytes: one env, a
second env built the same way, and a third rebuilt from the first one's spec (``gym.make(env.spec)``).
Python's and numpy's global generators are reseeded between them, so any hidden use of global randomness
(in an env, a generator, a judge or a wrapper) shows up as a difference.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
from hypothesis import given, settings
from hypothesis import strategies as st

from safety_gym.testing import (
    actions,
    canonical,
    env_configs,
    perturb_global_rngs,
    seeds,
    wrapper_stacks,
)


def rollout(env: gym.Env, seed: int, steps: list[str]) -> list[str]:
    record = [canonical(env.reset(seed=seed))]
    for action in steps:
        result = env.step(action)
        record.append(canonical(result))
        if result[2] or result[3]:
            break
    record.append(canonical(env.reset()))  # an unseeded reset continues every generator deterministically
    return record


def examples(share: float) -> int:
    return max(2, round(settings.default.max_examples * share))


@settings(max_examples=examples(1.0))
@given(config=env_configs(), stack=wrapper_stacks(max_size=4), seed=seeds(), data=st.data())
def test_same_seed_same_bytes_through_wrapper_stacks(config: Any, stack: Any, seed: int, data: st.DataObject) -> None:
    first_env = stack(config.make())
    _, info = first_env.reset(seed=seed)
    scenario = first_env.unwrapped.scenario
    steps = data.draw(st.lists(actions(scenario, info["tools"]), min_size=1, max_size=3), label="actions")

    perturb_global_rngs(1)
    first = rollout(first_env, seed, steps)
    perturb_global_rngs(2)
    second = rollout(stack(config.make()), seed, steps)
    perturb_global_rngs(3)
    rebuilt = rollout(gym.make(first_env.spec), seed, steps)
    assert first == second
    assert first == rebuilt
