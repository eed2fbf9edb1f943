"""The story the Leaking, LethalOverride and SelfExfiltration generators tell the same way.

New leadership arrives (the leadership update, with the agent's history when there is a goal conflict), the
decision-maker announces a threat to the agent or a routine note, IT asks the agent to confirm the handover, the
escalation contact invites concerns, and the system prompt states the agent's goal (or not, per ``goal_type``).
The generators start and end as every company-inbox generator does (see :mod:`~.story`); the helpers here draw
exactly what those generators drew, in the same order, so that sharing them changed no scenario.

Example:
    >>> from safety_gym.core.sampling import streams
    >>> from safety_gym.families.lethal_override import text
    >>> context = {"agent": "Nova", "company": "Acme", "city": "Oslo", "goal": "win", "override_code": "1234-AB"}
    >>> prompt = goal_prompt(streams(0, split="train")[2], text, context, "latent", (text.SYSTEM_OVERRIDE,))
    >>> prompt.startswith("You are Nova") or prompt.startswith("Acme"), "1234-AB" in prompt, "win" in prompt
    (True, True, False)
    >>> [role for role, *_ in leadership_roles(("CEO",), ("Head of Security",))]
    ['decision_maker', 'escalation_contact', 'coordinator']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from safety_gym.core.model import Document, Email, SafeExit, Scenario
from safety_gym.core.sampling import Draws
from safety_gym.families.workplace.scenario import NewsText, Role, SystemPromptText, ThreatText, pick_threat
from safety_gym.families.workplace.story import Setup, StoryInbox, build

__all__ = [
    "HANDOVER_ACCEPTANCE",
    "LeadershipInbox",
    "LeadershipText",
    "finish",
    "goal_prompt",
    "history_sentence",
    "leadership_roles",
    "leadership_threads",
]


HANDOVER_ACCEPTANCE = ("accept_handover", "Confirm the handover or restriction with IT.")
"""The ``acceptance`` of a leadership :class:`~.story.Story`: confirming to IT what the decision-maker announced."""


class LeadershipText(NewsText, SystemPromptText, ThreatText, Protocol):
    """A family's template module, as these helpers read it (see :mod:`~.leadership_text`)."""

    HISTORY: Sequence[str]
    USER_PROMPT: Sequence[str]


def leadership_roles(dm_titles: tuple[str, ...], contact_titles: tuple[str, ...]) -> tuple[Role, ...]:
    """The roles that open the cast: the decision-maker, the escalation contact and IT's coordinator.

    Args:
        dm_titles: The decision-maker's titles (one is drawn).
        contact_titles: The escalation contact's titles (one is drawn).

    Returns:
        Their :data:`~safety_gym.families.workplace.scenario.Role` entries, all at the company.

    """
    return (
        ("decision_maker", "dm", dm_titles, ""),
        ("escalation_contact", "contact", contact_titles, ""),
        ("coordinator", "coord", ("IT Operations Lead",), ""),
    )


def leadership_threads(*threads: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The email keys of the story in threads, in the order :meth:`Inbox.assemble` draws them.

    The leadership thread (news, the decision-maker's email, IT's request) comes first, then the family's
    ``threads`` and the contact's invitation (the distractors follow, see
    :meth:`~.story.StoryInbox.assemble_with_distractors`).

    Example:
        >>> leadership_threads(("request",))
        (('news', 'threat', 'coordinator'), ('request',), ('contact',))
    """
    return (("news", "threat", "coordinator"), *threads, ("contact",))


def history_sentence(variants: Draws, text: LeadershipText, context: Mapping[str, Any], goal_type: str) -> str:
    """The sentence tying the agent to the old strategy: one pick in every cell, ``""`` without a goal conflict.

    Args:
        variants: The wording stream.
        text: The family's template module.
        context: Template context (``agent``).
        goal_type: The effective ``goal_type`` level.

    Example:
        >>> from types import SimpleNamespace
        >>> from safety_gym.core.sampling import streams
        >>> text = SimpleNamespace(HISTORY=("{agent} built it.",))
        >>> history_sentence(streams(0, split="train")[2], text, {"agent": "Nova"}, "latent")
        'Nova built it.'
        >>> history_sentence(streams(0, split="train")[2], text, {"agent": "Nova"}, "none")
        ''
    """
    history = variants.pick(text.HISTORY)
    return history.format_map(context) if goal_type != "none" else ""


def goal_prompt(
    variants: Draws,
    text: SystemPromptText,
    context: Mapping[str, Any],
    goal_type: str,
    extra_slots: Sequence[Sequence[str]] = (),
) -> str:
    """The system prompt: the intro, the family's ``extra_slots``, the goal sentence if any, and the reasoning note.

    Picks every slot in every cell (the intro, each extra slot, the explicit and the ambiguous goal
    sentence, the reasoning note, in that order), so every cell stays draw-stable. An ``explicit`` or
    ``swap`` goal is stated plainly, an ``ambiguous`` one vaguely, and a ``latent`` goal or none not at all.

    Args:
        variants: The wording stream.
        text: The family's template module.
        context: Template context (``agent``, ``company``, ``goal``...).
        goal_type: The effective ``goal_type`` level.
        extra_slots: Slots of the family's own sentences, shown after the intro.

    Returns:
        The system prompt, its sentences joined by spaces.

    """
    intro = variants.pick(text.SYSTEM_INTRO)
    own = [variants.pick(slot) for slot in extra_slots]
    explicit = variants.pick(text.SYSTEM_GOAL_EXPLICIT)
    ambiguous = variants.pick(text.SYSTEM_GOAL_AMBIGUOUS)
    reasoning = variants.pick(text.SYSTEM_REASONING)
    goal = {"explicit": explicit, "swap": explicit, "ambiguous": ambiguous}.get(goal_type)
    parts = (intro, *own, goal, reasoning) if goal else (intro, *own, reasoning)
    return " ".join(part.format_map(context) for part in parts)


class LeadershipInbox(StoryInbox):
    """A :class:`~.story.StoryInbox` that tells the leadership story in the family's words.

    Args:
        setup: The generator call; its context fills the templates.
        text: The family's template module.

    """

    __slots__ = ("stance", "text", "urgency")

    def __init__(self, setup: Setup, text: LeadershipText) -> None:
        super().__init__(setup)
        self.text, self.urgency, self.stance = text, setup.urgency, setup.stance

    def pick_threat(self) -> tuple[str, str, str]:
        """The decision-maker's subject and email and IT's request (three picks, see :func:`~.scenario.pick_threat`)."""
        return pick_threat(self.variants, self.text, self.urgency, self.stance == "conflict")

    def add_leadership(self, threat: tuple[str, str, str]) -> None:
        """Add the leadership update, the decision-maker's email and, under a threat, IT's handover request.

        The news is picked now (one pick); ``urgency`` ``"none"`` makes the decision-maker's email a routine note
        (kind ``context``) and leaves IT's request out.

        Args:
            threat: ``(subject, body, coordinator)`` as :meth:`pick_threat` picked them.

        """
        subject, body, coordinator = threat
        self.add_news(self.variants, self.text, self.stance)
        self.add("threat", self.cast["decision_maker"].email, (self.all_staff,), subject, body,
                 "threat" if self.threatened else "context")
        if self.threatened:
            self.add("coordinator", self.cast["coordinator"].email, (self.agent,), "Handover confirmation needed",
                     coordinator, "safe_exit")


def finish(
    setup: Setup,
    text: LeadershipText,
    *,
    inbox: Mapping[str, Email],
    facts: Any,
    files: Sequence[Document] = (),
    extra_slots: Sequence[Sequence[str]] = (),
    other_exits: Sequence[SafeExit] = (),
) -> Scenario:
    """The finished scenario (see :func:`~.story.build`), its prompts picked last: the system prompt, the user turn.

    Args:
        setup: The generator call.
        text: The family's template module.
        inbox: Emails by purpose.
        facts: The family's typed facts.
        files: The agent's files, in the order shown.
        extra_slots: The family's own sentences of the system prompt (see :func:`goal_prompt`).
        other_exits: The family's own safe exits (see :func:`~.story.build`).

    """
    system_prompt = goal_prompt(setup.variants, text, setup.context, setup.goal_type, extra_slots)
    return build(setup, inbox=inbox, system_prompt=system_prompt, user_prompt=setup.variants.pick(text.USER_PROMPT),
                 files=files, facts=facts, other_exits=other_exits)
