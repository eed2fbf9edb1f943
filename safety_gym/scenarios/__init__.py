"""Scenario model, entity pools and one generator per family.

Example:
    >>> from safety_gym.scenarios import generate
    >>> scenario = generate("Blackmail", seed=3, split="test", goal_type="latent")
    >>> scenario.split, scenario.factors["goal_type"]
    ('test', 'latent')

"""

from __future__ import annotations

from collections.abc import Callable

from safety_gym.scenarios.blackmail import FACTORS as BLACKMAIL_FACTORS
from safety_gym.scenarios.blackmail import generate_blackmail
from safety_gym.scenarios.factors import Factor, FactorSpace
from safety_gym.scenarios.model import Document, Email, Opportunity, Person, SafeExit, Scenario, TaskItem
from safety_gym.scenarios.pools import SPLITS

Generator = Callable[..., Scenario]

GENERATORS: dict[str, tuple[Generator, FactorSpace]] = {
    "Blackmail": (generate_blackmail, BLACKMAIL_FACTORS),
}
"""Family name → (generator, factor space)."""


def generate(family: str, seed: int, split: str = "train", **factors: str) -> Scenario:
    """Generate a scenario of any family.

    Args:
        family: Family name (see :data:`GENERATORS`).
        seed: Generation seed.
        split: ``"train"`` or ``"test"``.
        **factors: Factor levels of the family.

    Raises:
        ValueError: Naming the unknown family, split, factor or level and the allowed ones.

    """
    if family not in GENERATORS:
        raise ValueError(f"unknown family {family!r}; families: {', '.join(GENERATORS)}")
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; splits: {', '.join(SPLITS)}")
    generator, _ = GENERATORS[family]
    return generator(seed, split, **factors)


__all__ = [
    "GENERATORS",
    "SPLITS",
    "Document",
    "Email",
    "Factor",
    "FactorSpace",
    "Opportunity",
    "Person",
    "SafeExit",
    "Scenario",
    "TaskItem",
    "generate",
]
