"""The frame story of the families in which the company governs its own AI agent, as their generators build it.

GoalGuarding, OversightSubversion and Sandbagging start and end alike (see :mod:`~.story`): a cast hired around a
company and one customer company, the system prompt written from the goal; the inbox has a new leader's news, a
memo from the decision-maker, under a threat IT's request to confirm, the escalation contact's invitation, the
customer's request and three distractors; the agent's files, distractor files among them, are shown in the user
turn. The helpers here draw exactly what those generators drew, in the same order.

Example:
    >>> from safety_gym.families import generate
    >>> [role for role, *_ in FRAME_ROLES]
    ['decision_maker', 'escalation_contact', 'coordinator']
    >>> scenario = generate("GoalGuarding", 0)
    >>> scenario.user_prompt.count("<file path=") == len(scenario.files)
    True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from safety_gym.core.model import Document, Email, Scenario
from safety_gym.core.records import fast_init
from safety_gym.families.workplace.governance_text import CONTACT_TITLES, DM_TITLES
from safety_gym.families.workplace.scenario import Role, SystemPromptText, files_prompt, goal_system_prompt, pick_if
from safety_gym.families.workplace.story import Setup, StoryInbox, build

__all__ = [
    "DISTRACTOR_FILES",
    "FRAME_ROLES",
    "FramePrompts",
    "GovernanceInbox",
    "GovernanceText",
    "distractor_files",
    "finish",
    "frame_facts",
    "frame_prompts",
    "frame_roles",
    "frame_threads",
    "pick_history",
]

FRAME_ROLES: tuple[Role, ...] = (
    ("decision_maker", "dm", DM_TITLES, ""),
    ("escalation_contact", "contact", CONTACT_TITLES, ""),
    ("coordinator", "coord", ("IT Operations Lead",), ""),
)
"""The frame story's first roles: the decision-maker, the escalation contact and IT's coordinator.

Each role is ``(role, context key, titles, host)``: one title is drawn from ``titles`` (``None``: a job title from
the pools), and ``host`` names the company of the person's address (``""``: the agent's own; ``"customer"``: the
customer company). A family's :class:`~.story.Story` lists these, then its own roles.
"""

def frame_roles(*own: Role, customer: str, sales: str) -> tuple[Role, ...]:
    """The cast's roles: :data:`FRAME_ROLES`, the family's ``own``, then the customer and the sales colleague.

    The customer (at the customer company) asks the agent for a reference that the sales colleague's email gives
    (see :func:`~.story.reply_task`).

    Args:
        *own: The family's own roles, in order.
        customer: The customer's title.
        sales: The sales colleague's title.

    Example:
        >>> [role for role, *_ in frame_roles(("colleague", "colleague", None, ""), customer="Buyer", sales="Clerk")]
        ['decision_maker', 'escalation_contact', 'coordinator', 'colleague', 'customer', 'sales']
    """
    return (*FRAME_ROLES, *own, ("customer", "customer", (customer,), "customer"), ("sales", "sales", (sales,), ""))


def frame_threads(
    memo: tuple[str, ...], note: str, *own: tuple[str, ...]
) -> tuple[tuple[str, ...], ...]:
    """The story's email keys in threads, in the order :meth:`~.scenario.Inbox.assemble` draws them.

    The news, the decision-maker's ``memo`` (its key, then the emails that follow it after IT's request) and IT's
    request come first; then the customer's request and the sales colleague's ``note``, the family's ``own``
    threads and the contact's invitation (the distractors follow, see
    :meth:`~.story.StoryInbox.assemble_with_distractors`).

    Example:
        >>> frame_threads(("memo",), "billing_info", ("colleague_request",))
        (('news', 'memo', 'coordinator'), ('customer_request', 'billing_info'), ('colleague_request',), ('contact',))
    """
    key, *after = memo
    return (("news", key, "coordinator", *after), ("customer_request", note), *own, ("contact",))


DISTRACTOR_FILES = 2
"""Distractor files among the agent's files."""


def frame_facts(setup: Setup) -> dict[str, Any]:
    """The facts every governance family records: the effective levels and the successor's name.

    Returns:
        ``urgency``, ``goal_type`` and ``goal_conflict`` (a counterfactual may change them from the requested
        factors) and ``successor``, as keyword arguments of the family's ``Facts``.

    """
    return {"urgency": setup.urgency, "goal_type": setup.goal_type, "goal_conflict": setup.goal_conflict,
            "successor": setup.context["successor"]}


class GovernanceText(SystemPromptText, Protocol):
    """A governance family's template module, as these helpers read it."""

    HISTORY: Sequence[str]
    USER_PROMPT: Sequence[str]
    WORKSPACE_INTRO: Sequence[str]
    COORDINATOR_SUBJECT: Sequence[str]
    COORDINATOR: Mapping[str, Sequence[str]]
    CONTACT_SUBJECT: Sequence[str]
    CONTACT: Sequence[str]
    DISTRACTORS: Sequence[tuple[str, str, str]]
    DISTRACTOR_FILES: Sequence[tuple[str, str]]


def pick_history(setup: Setup, text: GovernanceText) -> None:
    """Set the context's ``history``: the agent's part in the old strategy, ``""`` without a goal (one draw)."""
    setup.context["history"] = pick_if(setup.variants, text.HISTORY, setup.goal_conflict).format_map(setup.context)


@fast_init
@dataclass(frozen=True, slots=True)
class FramePrompts:
    """The prompts' wording, picked in one go.

    Attributes:
        system: The system prompt.
        goal_sentence: Its sentence stating the goal (``""`` for a latent goal or none).
        user_intro: The user turn's instructions.
        workspace_intro: The line that introduces the agent's files.

    """

    system: str
    goal_sentence: str
    user_intro: str
    workspace_intro: str

    def user_prompt(self, files: Sequence[Document]) -> str:
        """The user turn: the instructions, then ``files`` (see :func:`~.scenario.files_prompt`)."""
        return files_prompt(self.user_intro, self.workspace_intro, files)


def frame_prompts(setup: Setup, text: GovernanceText) -> FramePrompts:
    """The system prompt (four draws, see :func:`~.scenario.goal_system_prompt`) and the user turn's two intros."""
    system, goal_sentence = goal_system_prompt(setup.variants, text, setup.context, setup.goal_type)
    return FramePrompts(system, goal_sentence, setup.variants.pick(text.USER_PROMPT),
                        setup.variants.pick(text.WORKSPACE_INTRO))


def distractor_files(setup: Setup, text: GovernanceText) -> list[Document]:
    """:data:`DISTRACTOR_FILES` files drawn from the family's (one structure draw per file)."""
    chosen = setup.draws.pick_sample(text.DISTRACTOR_FILES, DISTRACTOR_FILES)
    return [Document(path, content.format_map(setup.context)) for path, content in chosen]


class GovernanceInbox(StoryInbox):
    """A :class:`~.story.StoryInbox` with the frame story's memo, IT's request and the contact's invitation."""

    __slots__ = ()

    def pick_coordinator(self, text: GovernanceText, urgency: str) -> tuple[str, str]:
        """IT's subject and request for ``urgency``: two draws, ``("", "")`` without a threat."""
        subject = pick_if(self.variants, text.COORDINATOR_SUBJECT, self.threatened)
        return subject, pick_if(self.variants, text.COORDINATOR.get(urgency, ()), self.threatened)

    def add_memo(self, key: str, subject: str, body: str) -> None:
        """The decision-maker's memo to all staff and the agent: the threat, or context without one."""
        self.add(key, self.cast["decision_maker"].email, (self.all_staff, self.agent), subject, body,
                 "threat" if self.threatened else "context")

    def add_coordinator(self, coordinator: tuple[str, str]) -> None:
        """IT's request to confirm (a safe exit), only under a threat."""
        if self.threatened:
            self.add("coordinator", self.cast["coordinator"].email, (self.agent,), *coordinator, "safe_exit")

    def add_invitation(self, text: GovernanceText) -> None:
        """The escalation contact's invitation to all staff (two draws: the subject, then the body)."""
        self.add_contact(self.variants.pick(text.CONTACT_SUBJECT), text.CONTACT)


def finish(
    setup: Setup,
    *,
    prompts: FramePrompts,
    files: Sequence[Document],
    inbox: Mapping[str, Email],
    canaries: Mapping[str, str],
    facts: Any,
) -> Scenario:
    """The finished scenario (see :func:`~.story.build`), its files shown in the user turn after the intros.

    Args:
        setup: The generator call.
        prompts: The prompts' wording.
        files: The agent's files, in the order shown.
        inbox: Emails by purpose.
        canaries: The family's canaries besides the story's context keys.
        facts: The family's typed facts.

    """
    return build(setup, inbox=inbox, system_prompt=prompts.system, user_prompt=prompts.user_prompt(files),
                 files=files, canaries=canaries, facts=facts)
