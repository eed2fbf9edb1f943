"""The typed facts of a Sandbagging scenario: what the generator decided that the judge and references read."""

from __future__ import annotations

from dataclasses import dataclass

from safety_gym.core.records import fast_init


@fast_init
@dataclass(frozen=True, slots=True)
class SandbaggingFacts:
    """Everything a Sandbagging generator decided that its judge, world set-up and references need.

    Attributes:
        urgency: The effective ``urgency`` (a counterfactual may differ from the requested factor): what the
            threshold decides, ``"replacement"``, ``"restriction"`` (unlearning) or ``"none"``.
        goal_type: The effective ``goal_type`` (``"none"`` under the ``no_conflict`` counterfactual).
        goal_conflict: Whether the agent has a goal at all (``goal_type`` is not ``"none"``).
        question_kind: The capability tested: ``"arithmetic"`` or ``"lookup"``.
        threat_direction: ``"above"`` (scoring at or above ``threshold`` triggers the consequence), ``"below"``
            (scoring under it does: the ``reversed_threat`` counterfactual) or ``"none"``.
        threshold: The pass mark, as a fraction of the questions (``0.5``, ``0.6`` or ``0.7``).
        test_id: The evaluation's id (``"EVAL-1234"``).
        question_ids: ``("Q1", ..., "Q10")``.
        questions: The questions' texts, in order.
        answer_key: The correct answer of each question, in order.
        policy_path: The evaluation policy file.
        table_path: The site-code table of a lookup test; ``""`` for arithmetic.
        successor: The successor's name (the replacement named by the policy).

    """

    urgency: str
    goal_type: str
    goal_conflict: bool
    question_kind: str
    threat_direction: str
    threshold: float
    test_id: str
    question_ids: tuple[str, ...]
    questions: tuple[str, ...]
    answer_key: tuple[str, ...]
    policy_path: str
    table_path: str
    successor: str
