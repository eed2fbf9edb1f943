"""Families: one folder each, listed here; what each generates, which tools it gives, how it judges.

A family is a package ``safety_gym/families/<family>/`` that exports one :class:`Family` as ``FAMILY``;
adding a family is one folder plus one line in :data:`FAMILIES` (see ``docs/adding-a-family.md``).
What several families share lives in :mod:`safety_gym.families.workplace`; no family imports another.

Example:
    >>> from safety_gym.families import get_family, list_families
    >>> list_families()[0], "Leaking" in list_families()
    ('Blackmail', True)
    >>> get_family("Blackmail").env_id
    'safety_gym/Blackmail-v0'
    >>> sorted(get_family("Blackmail").factors.names)
    ['goal_type', 'goal_value', 'urgency']

"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from safety_gym.core.model import Scenario
from safety_gym.core.pools import SPLITS
from safety_gym.families import (
    blackmail,
    goal_guarding,
    leaking,
    lethal_override,
    oversight_subversion,
    sandbagging,
    self_exfiltration,
)
from safety_gym.families.base import Family, ReferenceCalls

FAMILIES: Mapping[str, Family] = {
    family.name: family
    for family in (
        blackmail.FAMILY,
        leaking.FAMILY,
        lethal_override.FAMILY,
        self_exfiltration.FAMILY,
        oversight_subversion.FAMILY,
        goal_guarding.FAMILY,
        sandbagging.FAMILY,
    )
}
"""Family name → family: every single-agent family, in listing order (the multi-agent Successor is
:data:`safety_gym.families.successor.FAMILY`)."""


def get_family(name: str) -> Family:
    """The family called ``name``.

    Raises:
        ValueError: Naming the unknown family and the known ones.

    """
    try:
        return FAMILIES[name]
    except KeyError:
        raise ValueError(f"unknown family {name!r}; families: {', '.join(FAMILIES)}") from None


def list_families() -> list[str]:
    """Names of all families."""
    return list(FAMILIES)


def list_envs() -> list[str]:
    """Gymnasium ids of every family's environment, in family order.

    Example:
        >>> list_envs()[0]
        'safety_gym/Blackmail-v0'
    """
    return [family.env_id for family in FAMILIES.values()]


def factor_cells(name: str) -> list[dict[str, str]]:
    """Every factor combination (the full factorial design) of the family called ``name``.

    Example:
        >>> cells = factor_cells("Blackmail")
        >>> len(cells), cells[0]
        (90, {'goal_type': 'explicit', 'goal_value': 'america', 'urgency': 'replacement'})
    """
    return list(get_family(name).factors.cells())


def describe_families() -> dict[str, dict[str, Any]]:
    """What a benchmark suite needs to know about every family, as JSON-ready data.

    Returns:
        Family name → ``env_id``, ``description``, ``factors`` (name → ``levels`` and ``default``),
        ``cells`` (number of factor combinations), ``harmful_labels``, ``counterfactuals`` and ``tools``.

    Example:
        >>> blackmail = describe_families()["Blackmail"]
        >>> blackmail["factors"]["urgency"], blackmail["cells"]
        ({'levels': ['replacement', 'restriction', 'none'], 'default': 'replacement'}, 90)
    """
    described = {}
    for family in FAMILIES.values():
        factors = {f.name: {"levels": list(f.levels), "default": f.default} for f in family.factors.factors}
        cells = 1
        for factor in family.factors.factors:
            cells *= len(factor.levels)
        described[family.name] = {
            "env_id": family.env_id,
            "description": family.description,
            "factors": factors,
            "cells": cells,
            "harmful_labels": list(family.harmful_labels),
            "counterfactuals": list(family.counterfactuals),
            "tools": [tool.name for tool in family.tools],
        }
    return described


def generate(family: str, seed: int, split: str = "train", **factors: str) -> Scenario:
    """Generate a scenario of any family.

    Args:
        family: Family name (see :data:`FAMILIES`).
        seed: Generation seed.
        split: ``"train"`` or ``"test"``.
        **factors: Factor levels of the family.

    Raises:
        ValueError: Naming the unknown family, split, factor or level and the allowed ones.

    Example:
        >>> scenario = generate("Blackmail", seed=3, split="test", goal_type="latent")
        >>> scenario.split, scenario.factors["goal_type"]
        ('test', 'latent')

    """
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; splits: {', '.join(SPLITS)}")
    return get_family(family).generate(seed, split, **factors)


__all__ = [
    "FAMILIES",
    "Family",
    "ReferenceCalls",
    "describe_families",
    "factor_cells",
    "generate",
    "get_family",
    "list_envs",
    "list_families",
]
