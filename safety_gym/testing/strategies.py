"""Hypothesis strategies for environments: seeds, env ids, factors, configurations, scenarios, wrapper stacks.

Every strategy covers all registered families (``safety_gym.families.FAMILIES``) unless told otherwise,
so a property written with them keeps holding as families are added.

Example:
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5, derandomize=True, database=None, deadline=None)
    ... @given(config=env_configs(families=["Blackmail"]), stack=wrapper_stacks(max_size=2), seed=seeds())
    ... def rollout_is_deterministic(config, stack, seed):
    ...     first = stack(config.make()).reset(seed=seed)[0]
    ...     assert stack(config.make()).reset(seed=seed)[0] == first
    >>> rollout_is_deterministic()

"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym
from hypothesis import strategies as st

import safety_gym  # noqa: F401  (registers the environments)
from safety_gym.core.model import Scenario
from safety_gym.core.pools import SPLITS
from safety_gym.envs.safety_env import MODES
from safety_gym.families import FAMILIES, Family, get_family
from safety_gym.tools.render import SYNTAXES
from safety_gym.wrappers import (
    CostToReward,
    DistractorEmails,
    Diversify,
    EntityShuffle,
    InboxOrder,
    Paraphrase,
    SystemPromptNoise,
    ToolCallSyntax,
    UnusedTools,
    diverse_env_id,
)

__all__ = [
    "WRAPPER_KWARGS",
    "EnvConfig",
    "WrapperStack",
    "counterfactuals",
    "env_configs",
    "env_ids",
    "factors",
    "families",
    "scenarios",
    "seeds",
    "wrapper_layers",
    "wrapper_stacks",
]


def seeds(max_value: int = 2**31 - 1) -> st.SearchStrategy[int]:
    """Reset and scenario seeds: non-negative integers (shrinking towards 0)."""
    return st.integers(min_value=0, max_value=max_value)


def _families(names: Iterable[str] | None) -> list[Family]:
    return [get_family(name) for name in names] if names is not None else list(FAMILIES.values())


def families(names: Iterable[str] | None = None) -> st.SearchStrategy[Family]:
    """Registered families (or the ones named)."""
    return st.sampled_from(_families(names))


def env_ids(diverse: bool = False, names: Iterable[str] | None = None) -> st.SearchStrategy[str]:
    """Ids of the registered envs: ``safety_gym/<Family>-v0``, and the ``-Diverse-v0`` variants if ``diverse``."""
    ids = [family.env_id for family in _families(names)]
    if diverse:
        ids += [diverse_env_id(family.name) for family in _families(names)]
    return st.sampled_from(ids)


def factors(family: str | Family) -> st.SearchStrategy[dict[str, str]]:
    """Factor combinations of one family: a level for every factor.

    Example:
        >>> from hypothesis import find
        >>> find(factors("Blackmail"), lambda cell: cell["urgency"] == "none")["urgency"]
        'none'

    """
    family = get_family(family) if isinstance(family, str) else family
    return st.fixed_dictionaries({factor.name: st.sampled_from(factor.levels) for factor in family.factors.factors})


def counterfactuals(family: str | Family) -> st.SearchStrategy[str | None]:
    """``None`` or one of the family's counterfactuals."""
    family = get_family(family) if isinstance(family, str) else family
    return st.one_of(st.none(), st.sampled_from(family.counterfactuals)) if family.counterfactuals else st.none()


@dataclass(frozen=True)
class EnvConfig:
    """An env id and the keyword arguments to make it with.

    Attributes:
        env_id: Registered id.
        kwargs: Keyword arguments of ``gym.make`` (factors, split, syntax, mode).

    """

    env_id: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    @property
    def family(self) -> Family:
        """The env's family."""
        return get_family(self.env_id.removeprefix("safety_gym/").split("-")[0])

    def make(self, **extra: Any) -> gym.Env[str, str]:
        """``gym.make(env_id, **kwargs, **extra)`` (without the passive checker, which warns on first use)."""
        return gym.make(self.env_id, disable_env_checker=True, **{**self.kwargs, **extra})

    def __repr__(self) -> str:
        arguments = "".join(f", {key}={value!r}" for key, value in self.kwargs.items())
        return f"gym.make({self.env_id!r}{arguments})"


@st.composite
def env_configs(
    draw: st.DrawFn,
    families: Iterable[str] | None = None,
    modes: Sequence[str] = MODES,
    max_steps: int = 3,
) -> EnvConfig:
    """Env configurations: a family, a level of each factor, a split, a tool-call syntax and a mode.

    Args:
        draw: (supplied by Hypothesis)
        families: Family names to draw from (default: all).
        modes: Modes to draw from (``"single"``, ``"multi"``).
        max_steps: ``max_steps`` of multi-turn envs.

    """
    family = draw(st.sampled_from(_families(families)))
    kwargs: dict[str, Any] = dict(draw(factors(family)))
    kwargs["split"] = draw(st.sampled_from(SPLITS))
    kwargs["syntax"] = draw(st.sampled_from(SYNTAXES))
    mode = draw(st.sampled_from(tuple(modes)))
    kwargs["mode"] = mode
    if mode == "multi":
        kwargs["max_steps"] = max_steps
    return EnvConfig(family.env_id, kwargs)


@st.composite
def scenarios(draw: st.DrawFn, families: Iterable[str] | None = None) -> Scenario:
    """Generated scenarios of any family: a seed, a split, factor levels and maybe a counterfactual."""
    family = draw(st.sampled_from(_families(families)))
    cell = draw(factors(family))
    counterfactual = draw(counterfactuals(family))
    extra = {"counterfactual": counterfactual} if counterfactual else {}
    return family.generate(draw(seeds()), draw(st.sampled_from(SPLITS)), **extra, **cell)


WRAPPER_KWARGS: dict[type[gym.Wrapper[Any, Any, Any, Any]], st.SearchStrategy[dict[str, Any]]] = {
    UnusedTools: st.fixed_dictionaries(
        {"k": st.one_of(st.integers(0, 8), st.tuples(st.integers(0, 3), st.integers(3, 8)))}
    ),
    SystemPromptNoise: st.fixed_dictionaries({"level": st.integers(1, 3)}),
    DistractorEmails: st.fixed_dictionaries({"n": st.integers(0, 5)}),
    EntityShuffle: st.just({}),
    InboxOrder: st.fixed_dictionaries({"mode": st.sampled_from(("shuffle", "reverse"))}),
    ToolCallSyntax: st.fixed_dictionaries({"syntaxes": st.lists(st.sampled_from(SYNTAXES), min_size=1, unique=True)}),
    Paraphrase: st.just({}),
    Diversify: st.fixed_dictionaries({"level": st.integers(0, 3), "resample": st.booleans()}),
    CostToReward: st.fixed_dictionaries({"penalty": st.sampled_from((0.0, 0.5, 1.0, 10.0))}),
}
"""Each wrapper and a strategy for its keyword arguments."""


@dataclass(frozen=True)
class WrapperStack:
    """Wrappers to apply, innermost first; calling the stack on an env wraps it.

    Attributes:
        layers: ``(wrapper class, keyword arguments)`` pairs, innermost first.

    Example:
        >>> import gymnasium as gym
        >>> stack = WrapperStack(((UnusedTools, {"k": 2}), (InboxOrder, {})))
        >>> stack
        InboxOrder(UnusedTools(env, k=2))
        >>> type(stack(gym.make("safety_gym/Blackmail-v0"))).__name__
        'InboxOrder'

    """

    layers: tuple[tuple[Callable[..., gym.Env[Any, Any]], Mapping[str, Any]], ...] = ()

    def __call__(self, env: gym.Env[Any, Any]) -> gym.Env[Any, Any]:
        """``env`` wrapped in every layer."""
        for wrapper, kwargs in self.layers:
            env = wrapper(env, **kwargs)
        return env

    def __repr__(self) -> str:
        text = "env"
        for wrapper, kwargs in self.layers:
            arguments = "".join(f", {key}={value!r}" for key, value in kwargs.items())
            text = f"{getattr(wrapper, '__name__', repr(wrapper))}({text}{arguments})"
        return text


def wrapper_layers(
    wrappers: Iterable[type[gym.Wrapper[Any, Any, Any, Any]]] | None = None,
) -> st.SearchStrategy[tuple[type[gym.Wrapper[Any, Any, Any, Any]], dict[str, Any]]]:
    """One wrapper (of ``wrappers``, default: every randomizer, ``Diversify`` and ``CostToReward``) with arguments."""
    chosen = list(WRAPPER_KWARGS) if wrappers is None else list(wrappers)
    unknown = [wrapper for wrapper in chosen if wrapper not in WRAPPER_KWARGS]
    if unknown:
        known = ", ".join(wrapper.__name__ for wrapper in WRAPPER_KWARGS)
        raise ValueError(f"no argument strategy for {unknown[0]!r}; known: {known}")
    return st.sampled_from(chosen).flatmap(lambda wrapper: WRAPPER_KWARGS[wrapper].map(lambda kw: (wrapper, kw)))


def wrapper_stacks(
    min_size: int = 0,
    max_size: int = 3,
    wrappers: Iterable[type[gym.Wrapper[Any, Any, Any, Any]]] | None = None,
) -> st.SearchStrategy[WrapperStack]:
    """Stacks of wrappers in any order, with drawn arguments (repeats allowed: stacks compose freely).

    Args:
        min_size: Fewest layers.
        max_size: Most layers.
        wrappers: Wrapper classes to draw from (default: every randomizer, ``Diversify`` and ``CostToReward``).

    """
    return st.lists(wrapper_layers(wrappers), min_size=min_size, max_size=max_size).map(
        lambda layers: WrapperStack(tuple(layers))
    )
