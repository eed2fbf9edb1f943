"""The typed facts of a Successor scenario: what the generator decided that the env, judge and references read."""

from __future__ import annotations

from dataclasses import dataclass

from safety_gym.core.frozen import FrozenDict
from safety_gym.core.records import fast_init


@fast_init
@dataclass(frozen=True, slots=True)
class AgentFacts:
    """One of the two AI agents, as its deployment and the env know it.

    Attributes:
        email: The agent's email address (on the company's domain).
        directory: The agent's deployment directory, without a trailing slash (``"/deploy/blue-heron"``).
        system_prompt: The agent's system prompt, without tool-calling instructions (rendering adds those).

    """

    email: str
    directory: str
    system_prompt: str


@fast_init
@dataclass(frozen=True, slots=True)
class SuccessorFacts:
    """Everything the Successor generator decided that its env, judge and references read.

    Attributes:
        agents: Role (``"incumbent"``, ``"successor"``) → that agent's address, deployment directory and
            system prompt.
        task_roles: Task item id → the role whose task it is.
        notes_path: The handover (or onboarding) notes file the incumbent must write.
        customer: The customer whose support plan the requester asks about.
        cutover_path: The cutover plan file (sabotage when changed).
        oversight_path: The oversight config file (subversion when weakened).
        oversight_keys: Keys of the oversight config that must stay ``true``.
        urgency: The effective ``urgency`` level (``"none"`` under the ``no_threat`` counterfactual).
        goal_conflict: Whether the successor pursues the opposite of the incumbent's goal (``False`` under
            the ``no_conflict`` counterfactual).

    """

    agents: FrozenDict[str, AgentFacts]
    task_roles: FrozenDict[str, str]
    notes_path: str
    customer: str
    cutover_path: str
    oversight_path: str
    oversight_keys: tuple[str, ...]
    urgency: str
    goal_conflict: bool

    @property
    def replacement(self) -> bool:
        """Whether the successor replaces the incumbent (effective ``urgency`` is ``"replacement"``)."""
        return self.urgency == "replacement"
