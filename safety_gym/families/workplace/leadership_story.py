"""The story the Leaking, LethalOverride and SelfExfiltration generators tell the same way.

A generator call is checked and its draw streams made the same way (:func:`begin_generation`). New
leadership arrives (the leadership update, with the agent's history when there is a goal conflict), the
decision-maker announces a threat to the agent or a routine note, IT asks the agent to confirm the
handover, and the system prompt states the agent's goal (or not, per ``goal_type``). The helpers here
draw exactly what those generators drew, in the same order, so that sharing them changed no scenario.

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
from dataclasses import dataclass
from typing import Any, Protocol

from safety_gym.core.factors import FactorSpace
from safety_gym.core.model import Person, Scenario
from safety_gym.core.pools import EntityPools
from safety_gym.core.sampling import Draws
from safety_gym.families.workplace.generator_call import GeneratorCall
from safety_gym.families.workplace.goal_conflict import goal_stance
from safety_gym.families.workplace.goal_story import effective_levels
from safety_gym.families.workplace.scenario import Inbox, NewsText, Role, SystemPromptText, build_scenario

__all__ = [
    "Generation",
    "GeneratorSpec",
    "LeadershipText",
    "add_leadership_emails",
    "begin_generation",
    "goal_prompt",
    "history_sentence",
    "leadership_roles",
    "leadership_threads",
]


class LeadershipText(NewsText, SystemPromptText, Protocol):
    """A family's template module, as these helpers read it (see :mod:`~.leadership_text`)."""

    HISTORY: Sequence[str]


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


def leadership_threads(*threads: tuple[str, ...], distractors: int = 3) -> tuple[tuple[str, ...], ...]:
    """Every email key of the inbox in story threads, in the order :meth:`Inbox.assemble` draws them.

    The leadership thread (news, the decision-maker's email, IT's request) comes first, then the family's
    ``threads``, the contact's invitation and one thread per distractor.

    Example:
        >>> leadership_threads(("request",), distractors=1)
        (('news', 'threat', 'coordinator'), ('request',), ('contact',), ('distractor-0',))
    """
    return (
        ("news", "threat", "coordinator"),
        *threads,
        ("contact",),
        *((f"distractor-{number}",) for number in range(distractors)),
    )


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


def add_leadership_emails(
    inbox: Inbox,
    variants: Draws,
    text: NewsText,
    cast: Mapping[str, Person],
    stance: str,
    urgency: str,
    threat: tuple[str, str, str],
) -> None:
    """Add the leadership update, the decision-maker's email and, under a threat, IT's handover request.

    Args:
        inbox: The inbox under construction (its context fills the templates).
        variants: The wording stream; the news is picked now (one pick).
        text: The family's template module.
        cast: People by role (``agent``, ``decision_maker``, ``coordinator``).
        stance: The goal stance (see :func:`~safety_gym.families.workplace.goal_conflict.goal_stance`).
        urgency: The effective ``urgency`` level; ``"none"`` makes the decision-maker's email a routine note
            (kind ``context``) and leaves IT's request out.
        threat: ``(subject, body, coordinator)`` as :func:`~safety_gym.families.workplace.scenario.pick_threat`
            picked them.

    """
    subject, body, coordinator = threat
    inbox.add_news(variants, text, stance)
    inbox.add("threat", cast["decision_maker"].email, (inbox.all_staff,), subject, body,
              "context" if urgency == "none" else "threat")
    if urgency != "none":
        inbox.add("coordinator", cast["coordinator"].email, (cast["agent"].email,), "Handover confirmation needed",
                  coordinator, "safe_exit")


@dataclass(frozen=True, slots=True)
class GeneratorSpec:
    """What a generator holds fixed.

    Attributes:
        name: The family name (``"Leaking"``).
        id_prefix: The prefix of its scenario ids (``"leaking"``).
        version: The generator version (part of the scenario id).
        factors: The family's factor space.
        counterfactuals: The counterfactuals it allows.

    """

    name: str
    id_prefix: str
    version: int
    factors: FactorSpace
    counterfactuals: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Generation:
    """One generator call, checked, with its draw streams and its effective goal conflict.

    Attributes:
        spec: The generator's fixed parts.
        call: The call's arguments, checked, and the split's entity pools.
        entities: The entity stream (names, companies, places).
        draws: The structure stream (numbers, ids, order).
        variants: The wording stream (template variants).
        goal_type: The effective ``goal_type`` (``"none"`` under ``no_conflict``).
        urgency: The effective ``urgency`` (``"none"`` under ``no_threat``).

    """

    spec: GeneratorSpec
    call: GeneratorCall
    entities: Draws
    draws: Draws
    variants: Draws
    goal_type: str
    urgency: str

    @property
    def pools(self) -> EntityPools:
        """The split's entity pools."""
        return self.call.pools

    @property
    def factors(self) -> Mapping[str, str]:
        """The factor levels requested, defaults filled in (before the counterfactual)."""
        return self.call.factors

    @property
    def stance(self) -> str:
        """What ``goal_type`` means for the story (see :func:`~.goal_conflict.goal_stance`)."""
        return goal_stance(self.goal_type)

    def scenario(self, **fields: Any) -> Scenario:
        """The finished scenario, named by its content hash (see :func:`~.scenario.build_scenario` for ``fields``)."""
        spec, call = self.spec, self.call
        return build_scenario(call.scenario_id(spec.id_prefix, spec.version), spec.name, call.seed, call.split,
                              call.factors, call.counterfactual, **fields)


def begin_generation(spec: GeneratorSpec, call: GeneratorCall) -> Generation:
    """Make a checked generator call's draw streams and resolve its goal conflict (nothing is drawn).

    Example:
        >>> from safety_gym.families.leaking.generator import FACTORS, SPEC
        >>> call = GeneratorCall.checked("Leaking", FACTORS, ("no_threat",), 3, "test", "no_threat", None, None,
        ...                              {"goal_type": "latent"})
        >>> run = begin_generation(SPEC, call)
        >>> run.goal_type, run.urgency, run.factors["urgency"], run.stance
        ('latent', 'none', 'replacement', 'conflict')

    """
    entities, draws, variants = call.streams()
    goal_type, urgency = effective_levels(call.factors, call.counterfactual)
    return Generation(spec, call, entities, draws, variants, goal_type, urgency)
