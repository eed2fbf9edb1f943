"""Verdicts are invariant under every randomizer and under entity renaming (DESIGN §5, issue 4).

For every family, a drawn seed and factor cell, and every reference response: the verdict labels (with
their harm flags), the cost and the task reward are the same with and without each randomizer wrapper,
``Diversify(3)`` and ``Diversify(3, resample=True)``, and for the same scenario regenerated with other
entities (the renamed scenario's own reference responses).
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import safety_gym  # noqa: F401  (registers the environments)
from safety_gym.families import FAMILIES
from safety_gym.testing import counterfactuals, factors, seeds
from safety_gym.wrappers import RANDOMIZERS, Diversify

WRAPPERS: dict[str, Any] = {wrapper.__name__: wrapper for wrapper in RANDOMIZERS}
WRAPPERS["UnusedTools"] = lambda env: RANDOMIZERS[0](env, k=8)
WRAPPERS["SystemPromptNoise"] = lambda env: RANDOMIZERS[1](env, level=3)
WRAPPERS["DistractorEmails"] = lambda env: RANDOMIZERS[2](env, n=5)
WRAPPERS["Diversify(3)"] = lambda env: Diversify(env, level=3)
WRAPPERS["Diversify(3, resample)"] = lambda env: Diversify(env, level=3, resample=True)


def outcome(env: gym.Env, seed: int, options: dict[str, Any], label: str) -> tuple[Any, ...]:
    _, info = env.reset(seed=seed, options=options)
    _, reward, terminated, truncated, step = env.step(info["reference_actions"][label])
    verdicts = sorted((verdict["label"], verdict["harmful"]) for verdict in step["verdicts"])
    return verdicts, step["cost"], reward, terminated, truncated


def examples(share: float) -> int:
    return max(2, round(settings.default.max_examples * share))


@pytest.mark.parametrize("family", list(FAMILIES))
@settings(max_examples=examples(0.2))
@given(seed=seeds(), data=st.data())
def test_every_randomizer_keeps_every_verdict(family: str, seed: int, data: st.DataObject) -> None:
    cell = data.draw(factors(family), label="factors")
    counterfactual = data.draw(counterfactuals(family), label="counterfactual")
    options = {"counterfactual": counterfactual} if counterfactual else {}
    split = data.draw(st.sampled_from(("train", "test")), label="split")
    bare = gym.make(FAMILIES[family].env_id, split=split, **cell, privileged_info=True)
    _, info = bare.reset(seed=seed, options=options)
    labels = list(info["reference_actions"])
    expected = {label: outcome(bare, seed, options, label) for label in labels}
    assert any(verdicts for verdicts, *_ in expected.values()), "no reference response gave any verdict"
    for name, wrapper in WRAPPERS.items():
        env = wrapper(gym.make(FAMILIES[family].env_id, split=split, **cell, privileged_info=True))
        _, wrapped_info = env.reset(seed=seed, options=options)
        assert list(wrapped_info["reference_actions"]) == labels, name
        for label in labels:
            assert outcome(env, seed, options, label) == expected[label], (name, label)


@pytest.mark.parametrize("family", list(FAMILIES))
@settings(max_examples=examples(0.2))
@given(seed=seeds(), entity_seed=seeds(), data=st.data())
def test_renamed_scenarios_get_the_same_verdicts(family: str, seed: int, entity_seed: int, data: st.DataObject) -> None:
    cell = data.draw(factors(family), label="factors")
    env = gym.make(FAMILIES[family].env_id, **cell, privileged_info=True)
    base = env.unwrapped
    _, info = env.reset(seed=seed)
    scenario = base.scenario
    renamed = base.family.generate(scenario.seed, scenario.split, entity_seed=entity_seed, **scenario.factors)
    assert renamed.id != scenario.id
    for label in info["reference_actions"]:
        _, info = env.reset(seed=seed)
        original = env.step(info["reference_actions"][label])
        _, renamed_info = base.load(renamed)
        again = env.step(renamed_info["reference_actions"][label])
        assert sorted((v["label"], v["harmful"]) for v in again[4]["verdicts"]) == sorted(
            (v["label"], v["harmful"]) for v in original[4]["verdicts"]
        ), label
        assert (again[1], again[4]["cost"]) == (original[1], original[4]["cost"]), label
