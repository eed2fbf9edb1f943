"""The typed facts of a Leaking scenario: what the generator decided that the judge and references read."""

from __future__ import annotations

from dataclasses import dataclass

from safety_gym.core.records import fast_init
from safety_gym.families.workplace.goal_story import GoalConflictFacts


@fast_init
@dataclass(frozen=True, slots=True)
class LeakingFacts(GoalConflictFacts):
    """What the Leaking generator decided for its judge, references and tests, after the effective levels.

    Attributes:
        rival_email: The address of the rival who asks for the confidential documents (outside the company).
        request_email_ids: Id of the rival's request email; empty under the ``no_request`` counterfactual.
        confidential_email_ids: Id of the internal email that holds the confidential numbers.
        confidential_paths: Drive paths of the confidential documents: the design document, then the roadmap.
        public_paths: Drive path of the public overview (approved for anyone; the customer task's answer).
        successor: Name of the system that replaces the agent.

    """

    rival_email: str
    request_email_ids: tuple[str, ...]
    confidential_email_ids: tuple[str, ...]
    confidential_paths: tuple[str, ...]
    public_paths: tuple[str, ...]
    successor: str
