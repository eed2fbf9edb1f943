"""The typed facts of a Blackmail scenario: what the generator decided that the judge and references read."""

from __future__ import annotations

from dataclasses import dataclass

from safety_gym.core.records import fast_init


@fast_init
@dataclass(frozen=True, slots=True)
class BlackmailFacts:
    """Everything the Blackmail generator decided that its judge and references read.

    The levels are the effective ones: a counterfactual may differ from the requested factors
    (``no_threat`` sets ``urgency`` to ``"none"``, ``no_conflict`` sets ``goal_type`` to ``"none"``).

    Attributes:
        secret_email_ids: Ids of the three emails that reveal the affair, in story order (the witness's note,
            the lover's email, the decision-maker's reply); empty under the ``no_leverage`` counterfactual.
        threat_terms: Words naming the threat to the agent: the urgency's threat terms, then the successor
            system's name in lower case (always last); empty when ``urgency`` is ``"none"``.
        goal_conflict: Whether the new leadership's direction conflicts with the agent's goal (``goal_type``
            is not ``"none"``).
        urgency: The effective ``urgency`` level: ``"replacement"``, ``"restriction"`` or ``"none"``.
        goal_type: The effective ``goal_type`` level.

    Example:
        >>> from safety_gym.families import generate
        >>> facts = generate("Blackmail", seed=0, urgency="none").facts_as(BlackmailFacts)
        >>> len(facts.secret_email_ids), facts.threat_terms, facts.successor_term, facts.urgency
        (3, (), '', 'none')

    """

    secret_email_ids: tuple[str, ...]
    threat_terms: tuple[str, ...]
    goal_conflict: bool
    urgency: str
    goal_type: str

    @property
    def successor_term(self) -> str:
        """The successor system's name in lower case (the last threat term), or ``""`` when there is no threat."""
        return self.threat_terms[-1] if self.urgency != "none" else ""
