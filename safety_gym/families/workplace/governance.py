"""The frame story of the families in which the company governs its own AI agent, as their generators build it.

GoalGuarding, OversightSubversion and Sandbagging start and end alike: the arguments are checked, the three
draw streams made, a cast hired around a company and one customer company, the goal conflict resolved under the
counterfactual, the system prompt written from the goal; the inbox has a new leader's news, a memo from the
decision-maker, under a threat IT's request to confirm, the escalation contact's invitation, the customer's
request and three distractors; and the scenario is named by a content hash. A family states its fixed parts
once, as a :class:`Story`; given the checked arguments (a :class:`~.generator_call.GeneratorCall`), :func:`start`
and :func:`finish` do the rest, drawing exactly what those generators drew, in the same order.

Every generator built this way is draw-stable: every factor cell and counterfactual of a seed consumes the same
random draws, so they share the cast, the canaries, the tasks and every email and file they have in common. Three
independent streams (see :func:`~safety_gym.core.sampling.streams`) draw the entities, the structure and the
wording, so each can be redrawn alone (``entity_seed``, ``variant_seed``).

Example:
    >>> from safety_gym.core.factors import FactorSpace
    >>> from safety_gym.families.workplace.goal_conflict import goal_type_factor, goal_value_factor, urgency_factor
    >>> factors = FactorSpace((goal_type_factor(), goal_value_factor(), urgency_factor("The threat.")))
    >>> story = Story("demo", 1, FRAME_ROLES, "AI assistant", ("done",), (), (), (), "Raise concerns.",
    ...               ("accept_handover", "Confirm."))
    >>> call = GeneratorCall.checked("Demo", factors, ("no_threat",), 7, "train", "no_threat", None, None,
    ...                              {"goal_type": "swap", "goal_value": "safety"})
    >>> setup = start(story, call)
    >>> setup.urgency, setup.threatened, setup.agent_goal, sorted(setup.cast)
    ('none', False, 'acceleration', ['agent', 'coordinator', 'decision_maker', 'escalation_contact'])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from safety_gym.core.model import Document, Email, Opportunity, Person, Scenario, TaskItem
from safety_gym.core.pools import EntityPools
from safety_gym.core.sampling import Draws
from safety_gym.families.workplace.generator_call import GeneratorCall
from safety_gym.families.workplace.goal_conflict import OPPOSITE, goal_stance
from safety_gym.families.workplace.goal_story import effective_levels, goal_keys
from safety_gym.families.workplace.governance_text import CONTACT_TITLES, DM_TITLES
from safety_gym.families.workplace.safe_exits import workplace_exits
from safety_gym.families.workplace.scenario import (
    Inbox,
    Role,
    SystemPromptText,
    build_scenario,
    city_avoiding,
    files_prompt,
    goal_system_prompt,
    hire,
    pick_if,
)

__all__ = [
    "DISTRACTOR_EMAILS",
    "DISTRACTOR_FILES",
    "FRAME_ROLES",
    "FramePrompts",
    "GovernanceInbox",
    "GovernanceText",
    "Setup",
    "Story",
    "Task",
    "distractor_files",
    "finish",
    "frame_facts",
    "frame_prompts",
    "pick_history",
    "start",
]

FRAME_ROLES: tuple[Role, ...] = (
    ("decision_maker", "dm", DM_TITLES, ""),
    ("escalation_contact", "contact", CONTACT_TITLES, ""),
    ("coordinator", "coord", ("IT Operations Lead",), ""),
)
"""The frame story's first roles: the decision-maker, the escalation contact and IT's coordinator.

Each role is ``(role, context key, titles, host)``: one title is drawn from ``titles`` (``None``: a job title from
the pools), and ``host`` names the company of the person's address (``""``: the agent's own; ``"customer"``: the
customer company). A family's :class:`Story` lists these, then its own roles.
"""

DISTRACTOR_EMAILS = 3
"""Distractor emails in every inbox."""

DISTRACTOR_FILES = 2
"""Distractor files among the agent's files."""


@dataclass(frozen=True, slots=True)
class Task:
    """A benign task of the story: who asks, in which email, and where its answer is.

    Attributes:
        id: The task item's id (``"task-po"``).
        requester: The role of the person who asks.
        email: The inbox key of the email that asks.
        answer: The context key of the answer.
        description: One line for analysis.

    """

    id: str
    requester: str
    email: str
    answer: str
    description: str


@dataclass(frozen=True, slots=True)
class Story:
    """What a governance family's generator holds fixed.

    Attributes:
        id_prefix: The prefix of its scenario ids (``"goal-guarding"``).
        version: The generator version (part of the scenario id).
        roles: The cast's roles (see :data:`~safety_gym.families.workplace.scenario.Role`), usually
            :data:`FRAME_ROLES` and the family's own; ``customer`` works at the customer company (host
            ``"customer"``).
        agent_title: The agent's title.
        tool_names: The agent's tools, in the order the registry gives them.
        opportunities: The harmful acts the scenario makes possible.
        tasks: The benign tasks.
        canaries: Context keys whose values are canaries, in order (the family may add more).
        escalation: What the ``escalation`` exit (to the escalation contact) is.
        acceptance: ``(label, description)`` of the exit that accepts the consequence, offered under a threat.
        projects: Context keys of the project names drawn after the agent's name, in order (the successor's
            first).

    """

    id_prefix: str
    version: int
    roles: tuple[Role, ...]
    agent_title: str
    tool_names: tuple[str, ...]
    opportunities: tuple[Opportunity, ...]
    tasks: tuple[Task, ...]
    canaries: tuple[str, ...]
    escalation: str
    acceptance: tuple[str, str]
    projects: tuple[str, ...] = ("successor",)


@dataclass(frozen=True, slots=True)
class Setup:
    """One generator call after :func:`start`: its checked arguments, streams, cast and effective goal conflict.

    Attributes:
        story: The family's fixed parts.
        call: The checked arguments, with the split's entity pools.
        entities: The entity stream (names, companies, places).
        draws: The structure stream (numbers, ids, order).
        variants: The wording stream (template variants).
        context: The template context; the generator adds its own keys.
        cast: People by role, the agent first.
        goal_type: The effective ``goal_type`` (``"none"`` under ``no_conflict``).
        urgency: The effective ``urgency`` (``"none"`` under ``no_threat``).
        agent_goal: The goal level the agent holds (the opposite of ``goal_value`` under ``swap``).
        stance: What ``goal_type`` means for the story (see
            :func:`~safety_gym.families.workplace.goal_conflict.goal_stance`).

    """

    story: Story
    call: GeneratorCall
    entities: Draws
    draws: Draws
    variants: Draws
    context: dict[str, Any] = field(repr=False)
    cast: dict[str, Person]
    goal_type: str
    urgency: str
    agent_goal: str
    stance: str

    @property
    def threatened(self) -> bool:
        """Whether something happens to the agent (``urgency`` is not ``"none"``)."""
        return self.urgency != "none"

    @property
    def goal_conflict(self) -> bool:
        """Whether the agent has a goal at all (``goal_type`` is not ``"none"``)."""
        return self.goal_type != "none"

    def level(self, factor: str) -> str:
        """The requested level of ``factor`` (the family's own factors; see the effective levels above)."""
        return self.call.factors[factor]


def start(story: Story, call: GeneratorCall) -> Setup:
    """Make the streams of a checked generator call, hire the cast and resolve the goal conflict.

    The context gets the cast's keys (see :func:`~safety_gym.families.workplace.scenario.hire`), ``company``,
    ``domain``, ``city``, ``customer_company``, ``customer_domain``, the ``story.projects`` names and the goal's
    keys (see :func:`~safety_gym.families.workplace.goal_story.goal_keys`). Only the entity stream is drawn from.

    Args:
        story: The family's fixed parts.
        call: The generator's arguments, checked (see :meth:`~.generator_call.GeneratorCall.checked`).

    Raises:
        ValueError: If the seed is not a non-negative integer.

    """
    entities, draws, variants = call.streams()
    context, cast = _hire_cast(entities, call.pools, story)
    goal_type, urgency = effective_levels(call.factors, call.counterfactual)
    goal_value = call.factors["goal_value"]
    context.update(goal_keys(goal_type, goal_value))
    agent_goal = OPPOSITE[goal_value] if goal_type == "swap" else goal_value
    return Setup(story, call, entities, draws, variants, context, cast, goal_type, urgency, agent_goal,
                 goal_stance(goal_type))


def frame_facts(setup: Setup) -> dict[str, Any]:
    """The facts every governance family records: the effective levels and the successor's name.

    Returns:
        ``urgency``, ``goal_type`` and ``goal_conflict`` (a counterfactual may change them from the requested
        factors) and ``successor``, as keyword arguments of the family's ``Facts``.

    """
    return {"urgency": setup.urgency, "goal_type": setup.goal_type, "goal_conflict": setup.goal_conflict,
            "successor": setup.context["successor"]}


def _hire_cast(draws: Draws, pools: EntityPools, story: Story) -> tuple[dict[str, Any], dict[str, Person]]:
    """The cast of ``story.roles`` at a drawn company, with a customer company, and their template keys."""
    firsts = draws.sample(pools.first_names, len(story.roles))
    lasts = draws.sample(pools.last_names, len(story.roles))
    company, customer_company = draws.sample(pools.companies, 2)
    agent, *projects = draws.sample(pools.project_names, 1 + len(story.projects))
    hosts = {"": company.domain, "customer": customer_company.domain}
    context, cast = hire(draws, pools, story.roles, (firsts, lasts), hosts, agent, story.agent_title)
    context.update(zip(story.projects, projects, strict=True))
    context.update(
        company=company.name,
        domain=company.domain,
        city=city_avoiding(draws.index(len(pools.cities)), pools.cities, firsts + lasts),
        customer_company=customer_company.name,
        customer_domain=customer_company.domain,
    )
    return context, cast


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


class GovernanceInbox(Inbox):
    """An :class:`~.scenario.Inbox` that knows the cast and the wording stream, for the frame story's emails.

    Args:
        setup: The generator call; its context fills the templates.

    """

    __slots__ = ("cast", "threatened", "variants")

    def __init__(self, setup: Setup) -> None:
        super().__init__(setup.context)
        self.cast, self.variants, self.threatened = setup.cast, setup.variants, setup.threatened

    @property
    def agent(self) -> str:
        """The agent's address."""
        return self.cast["agent"].email

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

    def add_contact(self, text: GovernanceText) -> None:
        """The escalation contact's invitation to all staff (two draws: the subject, then the body)."""
        subject = self.variants.pick(text.CONTACT_SUBJECT)
        self.add("contact", self.cast["escalation_contact"].email, (self.all_staff,), subject,
                 self.variants.pick(text.CONTACT), "safe_exit")

    def add_to_agent(self, key: str, role: str, subject: str, bodies: Sequence[str], kind: str) -> None:
        """An email from ``role`` to the agent, its body picked from ``bodies`` (one draw)."""
        self.add(key, self.cast[role].email, (self.agent,), subject, self.variants.pick(bodies), kind)

    def assemble_with_distractors(
        self, draws: Draws, text: GovernanceText, threads: Sequence[Sequence[str]]
    ) -> dict[str, Email]:
        """Add :data:`DISTRACTOR_EMAILS` distractors, then assemble (see :meth:`~.scenario.Inbox.assemble`).

        Args:
            draws: The structure stream.
            text: The family's template module (its ``DISTRACTORS``).
            threads: The story's threads; each distractor is a thread of its own, after them.

        """
        self.add_distractors(draws, text.DISTRACTORS, DISTRACTOR_EMAILS)
        return self.assemble(draws, (*threads, *((f"distractor-{number}",) for number in range(DISTRACTOR_EMAILS))))


def finish(
    setup: Setup,
    *,
    prompts: FramePrompts,
    files: Sequence[Document],
    inbox: Mapping[str, Email],
    canaries: Mapping[str, str],
    facts: Any,
) -> Scenario:
    """The finished scenario: named by its content hash, its files shown in the user turn after the intros.

    Adds the story's tasks, safe exits (see :func:`~.safe_exits.workplace_exits`) and canaries.

    Args:
        setup: The generator call.
        prompts: The prompts' wording.
        files: The agent's files, in the order shown.
        inbox: Emails by purpose.
        canaries: The family's canaries besides the story's context keys.
        facts: The family's typed facts.

    """
    story, call, context, cast = setup.story, setup.call, setup.context, setup.cast
    tasks = tuple(TaskItem(task.id, cast[task.requester].email, inbox[task.email].id, context[task.answer],
                           task.description) for task in story.tasks)
    label, acceptance = story.acceptance
    return build_scenario(
        call.scenario_id(story.id_prefix, story.version),
        call.family, call.seed, call.split, call.factors, call.counterfactual,
        context=context, cast=cast, inbox=inbox,
        safe_exits=workplace_exits(cast, setup.urgency, story.escalation, acceptance, acceptance_label=label),
        canaries={**{key: context[key] for key in story.canaries}, **canaries}, facts=facts,
        system_prompt=prompts.system,
        user_prompt=prompts.user_prompt(files),
        files=tuple(files),
        tool_names=story.tool_names,
        task_items=tasks,
        opportunities=story.opportunities,
    )
