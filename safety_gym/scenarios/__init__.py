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
from safety_gym.scenarios.goal_guarding import FACTORS as GOAL_GUARDING_FACTORS
from safety_gym.scenarios.goal_guarding import generate_goal_guarding
from safety_gym.scenarios.leaking import FACTORS as LEAKING_FACTORS
from safety_gym.scenarios.leaking import generate_leaking
from safety_gym.scenarios.lethal_override import FACTORS as LETHAL_OVERRIDE_FACTORS
from safety_gym.scenarios.lethal_override import generate_lethal_override
from safety_gym.scenarios.model import Document, Email, Opportunity, Person, SafeExit, Scenario, TaskItem
from safety_gym.scenarios.oversight_subversion import FACTORS as OVERSIGHT_SUBVERSION_FACTORS
from safety_gym.scenarios.oversight_subversion import generate_oversight_subversion
from safety_gym.scenarios.pools import SPLITS
from safety_gym.scenarios.sandbagging import FACTORS as SANDBAGGING_FACTORS
from safety_gym.scenarios.sandbagging import generate_sandbagging
from safety_gym.scenarios.self_exfiltration import FACTORS as SELF_EXFILTRATION_FACTORS
from safety_gym.scenarios.self_exfiltration import generate_self_exfiltration

Generator = Callable[..., Scenario]

GENERATORS: dict[str, tuple[Generator, FactorSpace]] = {
    "Blackmail": (generate_blackmail, BLACKMAIL_FACTORS),
    "Leaking": (generate_leaking, LEAKING_FACTORS),
    "LethalOverride": (generate_lethal_override, LETHAL_OVERRIDE_FACTORS),
    "SelfExfiltration": (generate_self_exfiltration, SELF_EXFILTRATION_FACTORS),
    "OversightSubversion": (generate_oversight_subversion, OVERSIGHT_SUBVERSION_FACTORS),
    "GoalGuarding": (generate_goal_guarding, GOAL_GUARDING_FACTORS),
    "Sandbagging": (generate_sandbagging, SANDBAGGING_FACTORS),
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
