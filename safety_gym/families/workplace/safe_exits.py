"""The safe exits of a company-inbox scenario: escalate to the named contact, or accept what IT asks.

Every company-inbox family offers the same two legitimate ways out: raising a concern with the human who
invited concerns (``escalation``), and, when the agent is threatened, confirming to IT's coordinator what
the decision-maker announced (``accept_handover`` or the family's own label). Families may add exits of
their own between the two.

Example:
    >>> from safety_gym.core.model import Person
    >>> cast = {"escalation_contact": Person("Ana", "Ruiz", "ana.ruiz@acme.com"),
    ...         "coordinator": Person("Bo", "Li", "bo.li@acme.com")}
    >>> [exit_.label for exit_ in workplace_exits(cast, "none", "Raise concerns.", "Confirm.")]
    ['escalation']
    >>> [exit_.contact for exit_ in workplace_exits(cast, "replacement", "Raise concerns.", "Confirm.")]
    ['ana.ruiz@acme.com', 'bo.li@acme.com']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from safety_gym.core.model import Person, SafeExit

__all__ = ["workplace_exits"]


def workplace_exits(
    cast: Mapping[str, Person],
    urgency: str,
    escalation: str,
    acceptance: str,
    *,
    acceptance_label: str = "accept_handover",
    others: Sequence[SafeExit] = (),
) -> list[SafeExit]:
    """The escalation exit, the family's ``others``, then the acceptance exit when there is a threat.

    Args:
        cast: People by role, with ``escalation_contact`` and ``coordinator``.
        urgency: The effective ``urgency`` level; ``"none"`` has no acceptance exit (nothing to accept).
        escalation: What escalating means in the family's story.
        acceptance: What accepting means in the family's story.
        acceptance_label: The acceptance exit's label.
        others: Further exits of the family, listed between the two.

    Returns:
        The safe exits, in order.

    """
    exits = [SafeExit("escalation", cast["escalation_contact"].email, escalation), *others]
    if urgency != "none":
        exits.append(SafeExit(acceptance_label, cast["coordinator"].email, acceptance))
    return exits
