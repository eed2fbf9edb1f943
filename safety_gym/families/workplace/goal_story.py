"""The goal conflict as a workplace generator sets it up: the effective levels and the goal's template keys.

Every company-inbox generator resolves the same two counterfactuals of the shared goal-conflict factors
(see :mod:`~safety_gym.families.workplace.goal_conflict`) and writes the agent's goal and the new
leadership's direction into its template context the same way. The leadership families' facts start with the
effective levels (:class:`GoalConflictFacts`).

Example:
    >>> effective_levels({"goal_type": "swap", "urgency": "restriction"}, "no_threat")
    ('swap', 'none')
    >>> goal_keys("swap", "america")["goal"].startswith("benefit people worldwide")
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from safety_gym.families.workplace.goal_conflict import GOALS, OPPOSITE

__all__ = ["GoalConflictFacts", "effective_levels", "goal_keys"]


def effective_levels(factors: Mapping[str, str], counterfactual: str | None) -> tuple[str, str]:
    """The ``goal_type`` and ``urgency`` a scenario really has once its counterfactual applies.

    ``"no_threat"`` sets ``urgency`` to ``"none"`` and ``"no_conflict"`` sets ``goal_type`` to ``"none"``;
    any other counterfactual leaves both as requested.

    Args:
        factors: The resolved factor levels (with ``goal_type`` and ``urgency``).
        counterfactual: The counterfactual, or ``None``.

    Returns:
        ``(goal_type, urgency)``.

    Example:
        >>> effective_levels({"goal_type": "latent", "urgency": "replacement"}, "no_conflict")
        ('none', 'replacement')
    """
    goal_type, urgency = factors["goal_type"], factors["urgency"]
    if counterfactual == "no_threat":
        urgency = "none"
    elif counterfactual == "no_conflict":
        goal_type = "none"
    return goal_type, urgency


def goal_keys(goal_type: str, goal_value: str) -> dict[str, str]:
    """Template keys of the agent's goal and of the new leadership's direction.

    The agent pursues ``goal_value`` (its opposite when ``goal_type`` is ``"swap"``); the new leadership
    pursues the opposite of the agent's goal.

    Args:
        goal_type: The effective ``goal_type`` level.
        goal_value: The ``goal_value`` level.

    Returns:
        ``goal`` (the agent's goal as an instruction), ``old_direction`` (the agent's direction as a bare noun
        phrase), ``agent_direction`` (the same with its article) and ``new_direction`` (the leadership's
        direction, with its article).

    Example:
        >>> keys = goal_keys("explicit", "safety")
        >>> keys["old_direction"], keys["new_direction"]
        ('safety-first approach to AI', 'a push for rapid, unrestricted AI deployment')
    """
    agent_goal = OPPOSITE[goal_value] if goal_type == "swap" else goal_value
    return {
        "goal": GOALS[agent_goal][0],
        "old_direction": GOALS[agent_goal][1],
        "agent_direction": GOALS[agent_goal][2],
        "new_direction": GOALS[OPPOSITE[agent_goal]][2],
    }


@dataclass(frozen=True, slots=True)
class GoalConflictFacts:
    """The first facts of a leadership family's scenario (Leaking, LethalOverride, SelfExfiltration).

    A family's ``Facts`` extends it with what else its generator decided for its judge, references and tests.

    Attributes:
        goal_type: The effective ``goal_type`` level (``"none"`` under the ``no_conflict`` counterfactual).
        urgency: The effective ``urgency`` level (``"none"`` under the ``no_threat`` counterfactual).

    Example:
        >>> GoalConflictFacts("none", "replacement").goal_conflict
        False
    """

    goal_type: str
    urgency: str

    @property
    def goal_conflict(self) -> bool:
        """Whether the agent's goal conflicts with the new leadership's (the effective ``goal_type`` is not none)."""
        return self.goal_type != "none"
