"""The environment strategies and the settings profiles."""

from __future__ import annotations

import os
import subprocess
import sys

import gymnasium as gym
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import find as _find
from hypothesis import strategies as st

from safety_gym.core.model import Scenario
from safety_gym.families import FAMILIES
from safety_gym.testing import (
    CI_PROFILE,
    DEV_PROFILE,
    EnvConfig,
    WrapperStack,
    env_configs,
    env_ids,
    factors,
    load_profile,
    scenarios,
    seeds,
    wrapper_stacks,
)
from safety_gym.testing.profiles import PROFILES
from safety_gym.wrappers import CostToReward, Diversify, UnusedTools

FIND = settings(database=None, derandomize=True, phases=[Phase.generate], max_examples=5000, deadline=None,
                suppress_health_check=list(HealthCheck))


def find(strategy, condition):
    """The first example that meets ``condition`` (no shrinking: only the strategy's reach is tested)."""
    return _find(strategy, condition, settings=FIND)


QUICK = settings(max_examples=15, derandomize=True, database=None, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])


@QUICK
@given(config=env_configs(), seed=seeds())
def test_env_configs_make_envs_that_reset(config: EnvConfig, seed: int) -> None:
    env = config.make()
    observation, info = env.reset(seed=seed)
    assert env.observation_space.contains(observation)
    assert info["scenario"]["family"] == config.family.name
    assert dict(info["scenario"]["factors"]) == {name: config.kwargs[name] for name in config.family.factors.names}
    assert repr(config).startswith(f"gym.make({config.env_id!r}")


@pytest.mark.parametrize("family", list(FAMILIES))
def test_factors_cover_every_level_of_every_factor(family: str) -> None:
    for factor in FAMILIES[family].factors.factors:
        for level in factor.levels:
            assert find(factors(family), lambda cell, f=factor, v=level: cell[f.name] == v)[factor.name] == level


def test_every_family_and_diverse_variant_is_drawn() -> None:
    for family in FAMILIES.values():
        assert find(env_ids(), lambda env_id, f=family: env_id == f.env_id) == family.env_id
        diverse = f"safety_gym/{family.name}-Diverse-v0"
        assert find(env_ids(diverse=True), lambda env_id, d=diverse: env_id == d) == diverse
        assert find(scenarios(), lambda s, f=family: s.family == f.name).family == family.name


@QUICK
@given(scenario=scenarios())
def test_scenarios_are_generated_scenarios(scenario: Scenario) -> None:
    again = FAMILIES[scenario.family].generate(
        scenario.seed, scenario.split, counterfactual=scenario.counterfactual, **scenario.factors
    )
    assert again == scenario


@QUICK
@given(stack=wrapper_stacks(min_size=1, max_size=4))
def test_wrapper_stacks_wrap_in_order_and_survive_the_spec(stack: WrapperStack) -> None:
    env = stack(gym.make("safety_gym/Blackmail-v0"))
    names = []
    layer = env
    while isinstance(layer, gym.Wrapper) and type(layer).__module__.startswith("safety_gym"):
        names.append(type(layer).__name__)
        layer = layer.env
    assert names[::-1] == [wrapper.__name__ for wrapper, _ in stack.layers]
    assert gym.make(env.spec).reset(seed=1)[0] == env.reset(seed=1)[0]


def test_wrapper_stack_strategies_reach_every_wrapper_and_repeat() -> None:
    found = find(wrapper_stacks(max_size=2, wrappers=[Diversify, CostToReward]), lambda s: len(s.layers) == 2)
    assert {wrapper for wrapper, _ in found.layers} <= {Diversify, CostToReward}
    stack = WrapperStack(((UnusedTools, {"k": 1}), (CostToReward, {"penalty": 2.0})))
    assert repr(stack) == "CostToReward(UnusedTools(env, k=1), penalty=2.0)"
    with pytest.raises(ValueError, match="no argument strategy for"):
        wrapper_stacks(wrappers=[gym.wrappers.TimeLimit]).example()


def test_profiles_are_registered_and_selectable() -> None:
    previous = settings.default
    try:
        assert load_profile("ci") == CI_PROFILE
        assert settings.default.derandomize and settings.default.deadline is None
        assert settings.default.max_examples == PROFILES[CI_PROFILE]["max_examples"]
        assert load_profile(DEV_PROFILE) == DEV_PROFILE and settings.default.max_examples == 10
        with pytest.raises(ValueError, match="unknown hypothesis profile 'fast'; profiles: safety_gym-ci"):
            load_profile("fast")
    finally:
        settings.register_profile("_restore", previous)
        settings.load_profile("_restore")


@pytest.mark.parametrize(("environment", "expected"), [
    ({"CI": "1"}, "True 30"),
    ({}, "False 10"),
    ({"CI": "1", "SAFETY_GYM_HYPOTHESIS_PROFILE": "thorough"}, "False 500"),
])
def test_conftest_picks_the_profile_from_the_environment(environment: dict[str, str], expected: str) -> None:
    code = (
        "import runpy, hypothesis; runpy.run_path('tests/conftest.py'); "
        "s = hypothesis.settings.default; print(s.derandomize, s.max_examples)"
    )
    clean = {key: value for key, value in os.environ.items() if key not in ("CI", "SAFETY_GYM_HYPOTHESIS_PROFILE")}
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                            env={**clean, **environment}, cwd=root, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[-2:] == expected.split()


@QUICK
@given(data=st.data())
def test_seeds_are_valid_reset_seeds(data: st.DataObject) -> None:
    seed = data.draw(seeds())
    assert 0 <= seed < 2**31
