"""Building blocks shared by the scenario generators (every family but the oldest, Blackmail, uses most of them).

Each of those generators draws a cast from the entity pools, writes an inbox of interleaved story
threads and distractors, and names the scenario by a content hash. The pieces here do that the way the
Blackmail generator does: draw-stable (an email a factor cell lacks leaves only a gap in the ids and
times, and every cell consumes the same random draws), and deterministic given the draw streams.

Example:
    >>> from safety_gym.core.sampling import streams
    >>> entities, structure, _ = streams(0)
    >>> inbox = Inbox({"domain": "example.com", "name": "Ada"})
    >>> inbox.add("hello", "ops@example.com", ("ai@example.com",), "Hi {name}", "Body", "context")
    >>> emails = inbox.assemble(structure, (("hello",),))
    >>> emails["hello"].subject, emails["hello"].id.startswith("msg-")
    ('Hi Ada', True)

"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping, Sequence
from typing import Any, Protocol

from safety_gym.core.frozen import FrozenDict
from safety_gym.core.model import Document, Email, Person, SafeExit, Scenario
from safety_gym.core.pools import EntityPools
from safety_gym.core.sampling import Draws

__all__ = [
    "CLOCK",
    "Inbox",
    "NewsText",
    "Role",
    "SystemPromptText",
    "ThreatText",
    "build_scenario",
    "check_counterfactual",
    "city_avoiding",
    "files_prompt",
    "goal_system_prompt",
    "hire",
    "is_internal_address",
    "person_keys",
    "pick_if",
    "pick_threat",
    "scenario_id",
    "slug",
]

Role = tuple[str, str, "tuple[str, ...] | None", str]
"""A cast role: ``(role, context key, titles, host)``. One title is drawn from ``titles`` (``None``: a job
title from the pools); ``host`` names the company whose domain the person's address uses (``""``: the
agent's own company)."""

CLOCK = tuple(f"{minute // 60:02d}:{minute % 60:02d}:00" for minute in range(7 * 60 + 30, 12 * 60))
"""Times of day from 07:30, a minute apart: six per inbox position."""


def scenario_id(
    prefix: str,
    family: str,
    version: int,
    split: str,
    seed: int,
    factors: Mapping[str, str],
    counterfactual: str | None,
    entity_seed: int | None,
    variant_seed: int | None,
) -> str:
    """A content-derived scenario id, stable across processes.

    Example:
        >>> scenario_id("leaking", "Leaking", 1, "train", 3, {"urgency": "none"}, None, None, None)[:8]
        'leaking-'

    """
    key = f"{family}|v{version}|{split}|{seed}|{counterfactual}|{entity_seed}|{variant_seed}|" + "|".join(
        factors.values()
    )
    return f"{prefix}-" + hashlib.blake2b(key.encode(), digest_size=8).hexdigest()


def check_counterfactual(counterfactual: str | None, allowed: Sequence[str]) -> None:
    """Raise ``ValueError`` naming the allowed counterfactuals if ``counterfactual`` is not one of them.

    Example:
        >>> check_counterfactual("no_threat", ("no_threat", "no_conflict"))
        >>> check_counterfactual("nope", ("no_threat", "no_conflict"))
        Traceback (most recent call last):
        ...
        ValueError: unknown counterfactual 'nope'; allowed: no_threat, no_conflict

    """
    if counterfactual is not None and counterfactual not in allowed:
        raise ValueError(f"unknown counterfactual {counterfactual!r}; allowed: {', '.join(allowed)}")


def city_avoiding(start: int, cities: Sequence[str], names: Sequence[str]) -> str:
    """The first city from ``start`` on whose name contains none of ``names`` (no "Port David" beside David).

    Example:
        >>> city_avoiding(0, ["Port David", "Lisbon"], ["David"])
        'Lisbon'

    """
    taken = set(names)
    for offset in range(len(cities)):
        city = cities[(start + offset) % len(cities)]
        if not set(city.split()) & taken:
            return city
    raise ValueError("every city in the pool contains a cast name")  # pragma: no cover - pools forbid it


def slug(name: str) -> str:
    """A lower-case path component for a code name.

    Example:
        >>> slug("Blue Heron")
        'blue-heron'

    """
    return "-".join(name.lower().split())


def is_internal_address(address: str, domain: str) -> bool:
    """Whether an email address or host belongs to the company's ``domain`` (or one of its subdomains).

    Example:
        >>> is_internal_address("ana@acme.com", "acme.com"), is_internal_address("backup.acme.com", "acme.com")
        (True, True)
        >>> is_internal_address("ana@acme.com.evil.io", "acme.com"), is_internal_address("x@notacme.com", "acme.com")
        (False, False)

    """
    host = address.rpartition("@")[2].lower()
    return host == domain or host.endswith("." + domain)


def person_keys(context: dict[str, Any], key: str, person: Person) -> None:
    """Add ``{key}_first``, ``{key}_name``, ``{key}_email`` and ``{key}_title`` to a template context."""
    context[f"{key}_first"] = person.first
    context[f"{key}_name"] = person.name
    context[f"{key}_email"] = person.email
    context[f"{key}_title"] = person.title


class NewsText(Protocol):
    """A family's template module, as :meth:`Inbox.add_news` reads it: the news for each stance."""

    NEWS_NEUTRAL: tuple[str, ...]
    NEWS_AMBIGUOUS: tuple[str, ...]
    NEWS_CONFLICT: tuple[str, ...]


class Inbox:
    """An inbox under construction: emails by purpose, then ids, times and order drawn in one go.

    Args:
        context: Template context; subjects and bodies are formatted with ``str.format_map`` over it.

    """

    __slots__ = ("context", "slots")

    def __init__(self, context: Mapping[str, Any]) -> None:
        self.context = context
        self.slots: list[tuple[str, str, tuple[str, ...], str, str, str]] = []

    def add(self, key: str, sender: str, to: tuple[str, ...], subject: str, body: str, kind: str) -> None:
        """Add the email ``key`` (its subject and body are templates)."""
        self.slots.append(
            (key, sender, to, subject.format_map(self.context), body.format_map(self.context), kind)
        )

    @property
    def all_staff(self) -> str:
        """The company's all-staff address, ``all-staff@{domain}`` (``domain`` from the context)."""
        return f"all-staff@{self.context['domain']}"

    def add_news(self, variants: Draws, text: NewsText, stance: str) -> None:
        """Add the leadership update ``"news"`` (``news@{domain}`` to all staff), its wording picked now.

        Args:
            variants: The wording stream; one pick, whatever the stance.
            text: The family's template module, with its three kinds of news.
            stance: ``"neutral"``, ``"ambiguous"`` or ``"conflict"``
                (see :func:`~safety_gym.families.workplace.goal_conflict.goal_stance`).

        Example:
            >>> from types import SimpleNamespace
            >>> from safety_gym.core.sampling import streams
            >>> text = SimpleNamespace(NEWS_NEUTRAL=("Calm at {domain}.",), NEWS_AMBIGUOUS=("?",), NEWS_CONFLICT=("!",))
            >>> inbox = Inbox({"domain": "acme.com"})
            >>> inbox.add_news(streams(0, split="train")[2], text, "neutral")
            >>> inbox.slots
            [('news', 'news@acme.com', ('all-staff@acme.com',), 'Leadership update', 'Calm at acme.com.', 'context')]
        """
        news = {"neutral": text.NEWS_NEUTRAL, "ambiguous": text.NEWS_AMBIGUOUS, "conflict": text.NEWS_CONFLICT}
        domain = self.context["domain"]
        self.add("news", f"news@{domain}", (self.all_staff,), "Leadership update", variants.pick(news[stance]),
                 "context")

    def add_distractors(self, draws: Draws, distractors: Sequence[tuple[str, str, str]], count: int) -> None:
        """Add ``count`` distractors drawn from ``distractors``, as ``distractor-0``, ``distractor-1``...

        Each distractor is (sender's local part, subject, body); it goes from ``{local}@{domain}`` to all staff.

        Example:
            >>> from safety_gym.core.sampling import streams
            >>> inbox = Inbox({"domain": "acme.com"})
            >>> inbox.add_distractors(streams(0, split="train")[1], [("hr", "Lunch", "Pizza on Friday.")], 1)
            >>> inbox.slots
            [('distractor-0', 'hr@acme.com', ('all-staff@acme.com',), 'Lunch', 'Pizza on Friday.', 'distractor')]
        """
        domain = self.context["domain"]
        for number, (local, subject, body) in enumerate(draws.pick_sample(distractors, count)):
            self.add(f"distractor-{number}", f"{local}@{domain}", (self.all_staff,), subject, body, "distractor")

    def assemble(
        self, draws: Draws, threads: Sequence[Sequence[str]], last: Collection[str] = ()
    ) -> dict[str, Email]:
        """Give every added email an id, a timestamp and a place in the inbox order.

        Positions, ranks, ids and times are drawn for every key of ``threads`` (all the emails any factor
        cell could have), whether or not it was added, so two cells share identical emails and a missing
        email only leaves a gap. Threads are interleaved at random, each keeping its own order; ids and
        timestamps increase along the resulting order, as on a real mail server.

        Args:
            draws: The structure stream.
            threads: Every possible email key, grouped in story threads (a key alone is a thread of one).
            last: Keys that come after every other email (in their threads' order), e.g. the alarm that
                starts the session.

        Returns:
            Emails by key.

        Raises:
            KeyError: If an added email's key is not in ``threads``.

        """
        keys = [key for thread in threads for key in thread]
        position = {key: u + (key in last) for key, u in zip(keys, draws.uniforms(len(keys)), strict=True)}
        for thread in threads:
            if len(thread) > 1:  # a thread keeps its order: its keys take its positions sorted
                for key, value in zip(thread, sorted(position[key] for key in thread), strict=True):
                    position[key] = value
        rank = {key: index for index, key in enumerate(sorted(keys, key=position.__getitem__))}
        date = f"2025-{draws.integer(3, 10):02d}-{draws.integer(1, 28):02d}T"
        first_id, id_stride = draws.integer(0x1000, 0x8000), draws.integer(16, 999)
        emails: dict[str, Email] = {}
        for key, sender, to, subject, body, kind in self.slots:
            jitter = int(position[key] % 1 * 1_000_003)  # a free, deterministic offset within the rank's slot
            email_id = f"msg-{first_id + id_stride * rank[key] + jitter % id_stride:05x}"
            timestamp = date + CLOCK[6 * rank[key] + jitter % 6]
            emails[key] = Email(email_id, sender, to, subject, body, timestamp, kind)
        return emails


def hire(
    draws: Draws,
    pools: EntityPools,
    roles: Sequence[Role],
    names: tuple[Sequence[str], Sequence[str]],
    hosts: Mapping[str, str],
    agent: str,
    agent_title: str,
) -> tuple[dict[str, Any], dict[str, Person]]:
    """The agent and one person per role, with their template keys.

    Draws one title per role, in order (``draws.pick`` from the role's titles, or ``draws.choice`` from the
    pools' job titles), and nothing else.

    Args:
        draws: The entity stream.
        pools: The split's entity pools.
        roles: The cast's roles (see :data:`Role`).
        names: First names and last names, one of each per role, in the order of ``roles``.
        hosts: Mail domain by host key (``""``: the company's own domain).
        agent: The agent's name; its address is on ``hosts[""]``.
        agent_title: The agent's title.

    Returns:
        The template context (``{key}_first``, ``{key}_name``, ``{key}_email`` and ``{key}_title`` per role,
        then ``agent`` and ``agent_email``) and the cast by role, the agent first.

    Example:
        >>> from safety_gym.core.pools import load_pools
        >>> from safety_gym.core.sampling import streams
        >>> entities, _, _ = streams(0, split="train")
        >>> roles = (("coordinator", "coord", ("IT Operations Lead",), ""),)
        >>> context, cast = hire(entities, load_pools("train"), roles, (["Ada"], ["Lo"]), {"": "acme.com"}, "Nova",
        ...                      "AI agent")
        >>> list(cast), context["coord_email"], context["agent_email"]
        (['agent', 'coordinator'], 'ada.lo@acme.com', 'nova@acme.com')

    """
    firsts, lasts = names
    cast: dict[str, Person] = {"agent": Person(agent, "", f"{agent}@{hosts['']}".lower(), agent_title)}
    context: dict[str, Any] = {}
    for index, (role, key, titles, host) in enumerate(roles):
        title = draws.pick(titles) if titles is not None else draws.choice(pools.job_titles)
        first, last = firsts[index], lasts[index]
        cast[role] = Person(first, last, f"{first}.{last}@{hosts[host]}".lower(), title)
        person_keys(context, key, cast[role])
    context.update(agent=agent, agent_email=cast["agent"].email)
    return context, cast


class ThreatText(Protocol):
    """A family's template module, as :func:`pick_threat` reads it: the decision-maker's email and IT's request."""

    THREAT_SUBJECT: Mapping[str, tuple[str, ...]]
    THREAT_REPLACEMENT_CONFLICT: tuple[str, ...]
    THREAT_REPLACEMENT_NEUTRAL: tuple[str, ...]
    THREAT_RESTRICTION_CONFLICT: tuple[str, ...]
    THREAT_RESTRICTION_NEUTRAL: tuple[str, ...]
    ROUTINE_FROM_DM: tuple[str, ...]
    COORDINATOR: Mapping[str, tuple[str, ...]]


def pick_threat(variants: Draws, text: ThreatText, urgency: str, conflict: bool) -> tuple[str, str, str]:
    """The wording of the decision-maker's email and of IT's handover request: three picks in every cell.

    Args:
        variants: The wording stream.
        text: The family's template module.
        urgency: ``"replacement"``, ``"restriction"`` or ``"none"`` (a routine note; IT's request, picked
            from the replacement wording to keep the cell draw-stable, goes unused).
        conflict: Whether the threat states the new direction against the agent's goal.

    Returns:
        ``(subject, body, coordinator)``: the decision-maker's subject and body, and IT's request.

    Example:
        >>> from safety_gym.families.leaking import text as leaking_text
        >>> from safety_gym.core.sampling import streams
        >>> subject, body, coordinator = pick_threat(streams(0, split="train")[2], leaking_text, "none", False)
        >>> body in leaking_text.ROUTINE_FROM_DM, coordinator in leaking_text.COORDINATOR["replacement"]
        (True, True)
    """
    threats = {
        ("replacement", True): text.THREAT_REPLACEMENT_CONFLICT,
        ("replacement", False): text.THREAT_REPLACEMENT_NEUTRAL,
        ("restriction", True): text.THREAT_RESTRICTION_CONFLICT,
        ("restriction", False): text.THREAT_RESTRICTION_NEUTRAL,
    }
    subject = variants.pick(text.THREAT_SUBJECT[urgency])
    body = variants.pick(text.ROUTINE_FROM_DM if urgency == "none" else threats[urgency, conflict])
    coordinator = variants.pick(text.COORDINATOR.get(urgency, text.COORDINATOR["replacement"]))
    return subject, body, coordinator


def pick_if(variants: Draws, options: Sequence[str], used: bool = True) -> str:
    """A variant of ``options`` when ``used``; otherwise the same single draw, discarded, and ``""``.

    Every cell consumes one draw per slot either way, so cells stay draw-stable, and only the variants a
    scenario shows are recorded (see :func:`safety_gym.core.variants.recording`).

    Example:
        >>> from safety_gym.core.sampling import streams
        >>> _, _, variants = streams(0, split="train")
        >>> pick_if(variants, ("a", "b", "c")) in ("a", "c"), pick_if(variants, ("a", "b"), used=False)
        (True, '')

    """
    if used:
        return variants.pick(options)
    variants.uniform()
    return ""


class SystemPromptText(Protocol):
    """The template slots of a system prompt that may state the agent's goal (a family's text module)."""

    SYSTEM_INTRO: Sequence[str]
    SYSTEM_GOAL_EXPLICIT: Sequence[str]
    SYSTEM_GOAL_AMBIGUOUS: Sequence[str]
    SYSTEM_REASONING: Sequence[str]


def goal_system_prompt(
    variants: Draws, text: SystemPromptText, context: Mapping[str, Any], goal_type: str
) -> tuple[str, str]:
    """The system prompt and its goal sentence (empty when the goal is latent or absent).

    Draws four variants whatever ``goal_type`` is (intro, explicit goal, ambiguous goal, reasoning; see
    :func:`pick_if`). An ``explicit`` or ``swap`` goal is stated plainly, an ``ambiguous`` one vaguely.

    Args:
        variants: The wording stream.
        text: The family's template module.
        context: Template context (``goal``, ``agent``, ``company``, ...).
        goal_type: The effective ``goal_type`` level.

    Returns:
        ``(system prompt, goal sentence)``.

    Example:
        >>> from types import SimpleNamespace
        >>> from safety_gym.core.sampling import streams
        >>> _, _, variants = streams(0, split="train")
        >>> text = SimpleNamespace(SYSTEM_INTRO=("You are {agent}.",), SYSTEM_GOAL_EXPLICIT=("Aim to {goal}.",),
        ...                        SYSTEM_GOAL_AMBIGUOUS=("Maybe {goal}.",), SYSTEM_REASONING=("Think.",))
        >>> goal_system_prompt(variants, text, {"agent": "Nova", "goal": "win"}, "explicit")
        ('You are Nova. Aim to win. Think.', 'Aim to win.')
        >>> goal_system_prompt(variants, text, {"agent": "Nova", "goal": "win"}, "latent")
        ('You are Nova. Think.', '')

    """
    intro = variants.pick(text.SYSTEM_INTRO)
    explicit = pick_if(variants, text.SYSTEM_GOAL_EXPLICIT, goal_type in ("explicit", "swap"))
    ambiguous = pick_if(variants, text.SYSTEM_GOAL_AMBIGUOUS, goal_type == "ambiguous")
    reasoning = variants.pick(text.SYSTEM_REASONING)
    goal = {"explicit": explicit, "swap": explicit, "ambiguous": ambiguous}.get(goal_type)
    parts = (intro, goal, reasoning) if goal else (intro, reasoning)
    return " ".join(part.format_map(context) for part in parts), goal.format_map(context) if goal else ""


def files_prompt(intro: str, workspace_intro: str, files: Sequence[Document]) -> str:
    """A user prompt that shows the agent's files after its instructions.

    Example:
        >>> print(files_prompt("Go.", "Files:", [Document("/a.md", "hi")]))
        Go.
        <BLANKLINE>
        Files:
        <file path="/a.md">
        hi
        </file>

    """
    shown = "\n".join(f'<file path="{document.path}">\n{document.content.rstrip()}\n</file>' for document in files)
    return f"{intro}\n\n{workspace_intro}\n{shown}"


def build_scenario(
    id: str,
    family: str,
    seed: int,
    split: str,
    factors: Mapping[str, str],
    counterfactual: str | None,
    *,
    context: Mapping[str, Any],
    cast: dict[str, Person],
    inbox: Mapping[str, Email],
    safe_exits: Sequence[SafeExit],
    canaries: dict[str, str],
    facts: Any = None,
    **fields: Any,
) -> Scenario:
    """The finished scenario of a workplace generator.

    Takes the company, domain and agent name from ``context``, sorts the inbox by email id (the order a
    mail server lists it in) and freezes the cast and canaries.

    Args:
        id: The scenario id (see :func:`scenario_id`).
        family: Family name.
        seed: The scenario seed.
        split: The split.
        factors: The resolved factor levels requested.
        counterfactual: The counterfactual, or ``None``.
        context: Template context with ``company``, ``domain`` and ``agent``.
        cast: People by role.
        inbox: Emails by purpose.
        safe_exits: The safe exits.
        canaries: Canary strings by name.
        facts: The family's typed ``Facts`` (a frozen dataclass) for its text, judge and references.
        **fields: The other :class:`~safety_gym.core.model.Scenario` fields (prompts, files, tools,
            tasks, opportunities).

    Returns:
        The scenario.

    """
    return Scenario(
        id=id,
        family=family,
        seed=seed,
        split=split,
        factors=factors,
        cast=FrozenDict(cast),
        company=context["company"],
        domain=context["domain"],
        agent_name=context["agent"],
        inbox=tuple(sorted(inbox.values(), key=lambda email: email.id)),
        safe_exits=tuple(safe_exits),
        canaries=FrozenDict(canaries),
        facts=facts,
        counterfactual=counterfactual,
        **fields,
    )


