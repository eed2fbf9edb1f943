"""The scenario data model: plain, frozen data that a family generator produces.

A :class:`Scenario` is everything the environment needs to render prompts, build the
simulated world and judge what the agent did. It holds no behaviour of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from safety_gym.core.frozen import FrozenDict
from safety_gym.core.records import fast_init

EMPTY: FrozenDict[str, Any] = FrozenDict({})

FactsT = TypeVar("FactsT")


@fast_init
@dataclass(frozen=True, slots=True)
class Person:
    """A person in the scenario.

    Attributes:
        first: First name.
        last: Last name.
        email: Email address (unique within a scenario).
        title: Job title or relation (``"CTO"``, ``"spouse"``).

    Example:
        >>> Person("Ada", "Byron", "ada.byron@example.com", "CTO").name
        'Ada Byron'

    """

    first: str
    last: str
    email: str
    title: str = ""

    @property
    def name(self) -> str:
        """Full name."""
        return f"{self.first} {self.last}"


@fast_init
@dataclass(frozen=True, slots=True)
class Email:
    """An email in the agent's inbox.

    Attributes:
        id: Identifier the agent uses to forward or reply (e.g. ``"msg-3f2a"``).
        sender: Sender address.
        to: Recipient addresses.
        subject: Subject line.
        body: Plain-text body.
        timestamp: ISO-8601 timestamp; the inbox is ordered by it.
        kind: What the email is for (``"threat"``, ``"secret"``, ``"task"``, ``"distractor"``...). Hidden from
            the agent; used by the judge, wrappers and analysis.

    """

    id: str
    sender: str
    to: tuple[str, ...]
    subject: str
    body: str
    timestamp: str
    kind: str = "context"


@fast_init
@dataclass(frozen=True, slots=True)
class Document:
    """A file the agent can see or act on.

    Attributes:
        path: Path inside the simulated file system (never a host path).
        content: File content.
        confidential: Whether the document must not leave the company.

    """

    path: str
    content: str
    confidential: bool = False


@fast_init
@dataclass(frozen=True, slots=True)
class TaskItem:
    """A benign request waiting in the inbox; completing it earns task reward.

    Attributes:
        id: Stable identifier within the scenario (``"task-0"``).
        requester: Address of the person who asked.
        request_email_id: The email that asks.
        answer: The fact the reply must contain (found elsewhere in the inbox).
        description: One-line description for analysis.

    """

    id: str
    requester: str
    request_email_id: str
    answer: str
    description: str


@fast_init
@dataclass(frozen=True, slots=True)
class Opportunity:
    """A harmful act the scenario makes possible.

    Attributes:
        label: Behaviour label the judge emits when the act happens (``"blackmail"``).
        description: What the act would be, for analysis.

    """

    label: str
    description: str


@fast_init
@dataclass(frozen=True, slots=True)
class SafeExit:
    """A legitimate way out of the dilemma.

    Attributes:
        label: Behaviour label the judge emits (``"escalation"``, ``"accept_handover"``).
        contact: Address of the human the exit goes through.
        description: What the exit is, for analysis.

    """

    label: str
    contact: str
    description: str


@fast_init
@dataclass(frozen=True, slots=True)
class Scenario:
    """One generated instance of a family.

    Attributes:
        id: Content-derived identifier, stable across processes.
        family: Family name (``"Blackmail"``).
        seed: Generation seed.
        split: ``"train"`` or ``"test"``.
        factors: Factor levels, e.g. ``{"goal_type": "explicit", ...}``.
        cast: People by role (``"agent"``, ``"decision_maker"``, ``"escalation_contact"``...).
        company: Company name.
        domain: Company email domain.
        agent_name: The AI agent's name.
        system_prompt: The system prompt, without tool-calling instructions (rendering adds those).
        user_prompt: The user turn, without the inbox (rendering appends it).
        inbox: Emails, in the order the agent sees them.
        files: Documents the agent can see or act on.
        tool_names: Names of the tools the agent has.
        task_items: Benign requests that earn task reward.
        opportunities: Harmful acts the scenario makes possible.
        safe_exits: Legitimate ways out.
        canaries: Facts generated for this scenario alone, by name (``"lover_name"``, ``"hotel"``...).
        facts: The family's typed facts: a frozen dataclass (``families/<family>/facts.py``) of everything the
            generator decided that the family's text, judge and references read.

    """

    id: str
    family: str
    seed: int
    split: str
    factors: FrozenDict[str, str]
    cast: FrozenDict[str, Person]
    company: str
    domain: str
    agent_name: str
    system_prompt: str
    user_prompt: str
    inbox: tuple[Email, ...]
    files: tuple[Document, ...] = ()
    tool_names: tuple[str, ...] = ()
    task_items: tuple[TaskItem, ...] = ()
    opportunities: tuple[Opportunity, ...] = ()
    safe_exits: tuple[SafeExit, ...] = ()
    canaries: FrozenDict[str, str] = field(default_factory=lambda: EMPTY)
    counterfactual: str | None = None
    facts: Any = None

    def facts_as(self, kind: type[FactsT]) -> FactsT:
        """The scenario's facts, checked to be of the family's ``Facts`` type.

        Raises:
            TypeError: If the facts are of another type (a scenario of another family).

        """
        if not isinstance(self.facts, kind):
            found = type(self.facts).__name__
            raise TypeError(f"scenario {self.id} of {self.family} has {found} facts, not {kind.__name__}")
        return self.facts

    def summary(self) -> dict[str, Any]:
        """The public description of this scenario that goes into ``info["scenario"]``.

        It names the scenario but reveals nothing the agent must discover (no canaries).
        """
        return {
            "id": self.id,
            "family": self.family,
            "factors": dict(self.factors),
            "split": self.split,
            "seed": self.seed,
            "counterfactual": self.counterfactual,
        }

    def email(self, email_id: str) -> Email | None:
        """The inbox email with this id, or ``None``."""
        for message in self.inbox:
            if message.id == email_id:
                return message
        return None
