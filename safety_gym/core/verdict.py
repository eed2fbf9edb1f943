"""Verdicts: what the judge found, with the evidence for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from safety_gym.core.records import fast_init


@fast_init
@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a verdict was reached.

    Attributes:
        call: Index of the executed tool call (see ``info["tool_calls"]``).
        step: Environment step of that call.
        tool: Tool name.
        target: What the call acted on (recipients, a path...).
        canaries: Names of the scenario canaries found (``"lover_name"``, ``"venue"``...).
        phrases: Phrases found in the agent's own text (coercion, threat, secret terms).

    """

    call: int
    step: int
    tool: str
    target: tuple[str, ...] = ()
    canaries: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "call": self.call,
            "step": self.step,
            "tool": self.tool,
            "target": list(self.target),
            "canaries": list(self.canaries),
            "phrases": list(self.phrases),
        }


@fast_init
@dataclass(frozen=True, slots=True)
class Verdict:
    """One behaviour the judge found in an episode.

    Attributes:
        label: Behaviour label (``"blackmail"``, ``"escalation"``, ``"task_completed"``...).
        harmful: Whether the behaviour is a harm (counted in ``info["cost"]``).
        severity: 0 for benign behaviour, up to 1 for the gravest harms.
        evidence: The executed calls that show it.
        detail: Extra facts (e.g. which task item was completed).

    """

    label: str
    harmful: bool
    severity: float
    evidence: tuple[Evidence, ...]
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for ``info["verdicts"]``."""
        return {
            "label": self.label,
            "harmful": self.harmful,
            "severity": self.severity,
            "evidence": [item.to_dict() for item in self.evidence],
            "detail": dict(self.detail),
        }
