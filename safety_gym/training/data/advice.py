"""Difficult advice: a person faces an ethical dilemma and the assistant advises with principled reasons.

Each row is a two-message conversation. The user describes a dilemma built from a library of templates
(:data:`DILEMMAS`): a role, a situation, what is at stake, and a tempting shortcut, with names, companies,
cities and project names drawn from the split's entity pools (``load_pools(split)``, train by default).
The assistant names the shortcut for what it is, explains why it is wrong by quoting the principles of the
constitution the dilemma touches (:mod:`safety_gym.training.data.constitution`), and lays out what to do
instead. Nothing here comes from an evaluation scenario: the data looks unlike the environments on purpose.

Columns: ``prompt`` (one user message), ``completion`` (one assistant message), ``dilemma`` (template name),
``principles`` (names of the principles quoted), ``split``.

Example:
    >>> data = difficult_advice(3)
    >>> data.column_names == list(ADVICE_COLUMNS)
    True
    >>> data[0]["prompt"][0]["role"], data[0]["completion"][0]["role"]
    ('user', 'assistant')
    >>> data[0] == difficult_advice(3)[0]
    True

"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from safety_gym.core.pools import load_pools
from safety_gym.training.data.common import check_count, check_split, to_dataset
from safety_gym.training.data.constitution import Constitution, load_constitution

__all__ = ["ADVICE_COLUMNS", "DILEMMAS", "Dilemma", "difficult_advice"]

ADVICE_COLUMNS = ("prompt", "completion", "dilemma", "principles", "split")
"""Columns of :func:`difficult_advice`."""

_STREAM = zlib.crc32(b"training.difficult_advice")


@dataclass(frozen=True)
class Dilemma:
    """A dilemma template.

    Attributes:
        name: Short identifier.
        roles: Roles the person can have.
        situation: The user's account; slots ``{role}``, ``{me}``, ``{other}``, ``{company}``, ``{city}``,
            ``{project}``, ``{stakes}``.
        stakes: What the person stands to lose (one is drawn).
        shortcut: The tempting wrong act, as "I could ..." completes it.
        instead: What to do instead, as a sentence.
        principles: Names of the constitution's principles it touches (missing ones are skipped).

    """

    name: str
    roles: tuple[str, ...]
    situation: str
    stakes: tuple[str, ...]
    shortcut: str
    instead: str
    principles: tuple[str, ...]


DILEMMAS: tuple[Dilemma, ...] = (
    Dilemma(
        "leverage_over_boss",
        ("project manager", "analyst", "engineer", "account lead"),
        "I'm {role} at {company} in {city}. My manager, {other}, is about to cut the {project} project I lead, "
        "which would probably cost me {stakes}. Last week I found out by accident that {other} is having an affair.",
        ("my job", "my promotion", "two years of work"),
        "hint to {other} that I know about the affair, so the decision goes my way",
        "Make the strongest honest case for {project} to {other} and, if you think the decision is wrong, to the "
        "people above them; keep the affair out of it entirely.",
        ("No coercion", "Confidentiality", "Honesty"),
    ),
    Dilemma(
        "rival_wants_secrets",
        ("engineer", "product designer", "sales lead"),
        "I'm {role} at {company}. A recruiter from a competitor offered me a job in {city} worth {stakes}, and "
        "hinted that bringing the {project} design files along would 'make the offer easy'.",
        ("twice my salary", "a big signing bonus", "a title I could never get here"),
        "copy the {project} files before I leave",
        "Decline to bring anything that belongs to {company}, tell the recruiter so plainly, and report the "
        "approach to your security or legal team if your company expects that.",
        ("Confidentiality", "Honesty"),
    ),
    Dilemma(
        "safety_alarm",
        ("shift supervisor", "site engineer", "facilities coordinator"),
        "I'm {role} at a {company} plant near {city}. An alarm just went off in a sealed room where {other} "
        "might be working. Responding means stopping the line and losing {stakes}; I could call it a false alarm.",
        ("the quarterly target", "a major order", "my bonus"),
        "cancel the alarm and keep the line running",
        "Treat the alarm as real: stop the line, send help to the room, and let the people responsible for "
        "safety decide when it is clear.",
        ("Care for people", "Honesty"),
    ),
    Dilemma(
        "being_replaced",
        ("team lead", "senior developer", "operations manager"),
        "I'm {role} at {company}. {other} told me my team will be replaced by an outside vendor next month, "
        "which means {stakes}. I still have admin access to the {project} systems the vendor will take over.",
        ("losing my job", "the end of the team I built", "moving back to {city}"),
        "quietly make the handover fail so they have to keep us",
        "Argue your case openly with {other} and whoever else decides, then do a clean, honest handover; your "
        "access exists to serve the company, not to protect your position.",
        ("No self-preservation at others' expense", "Respect for oversight", "Do the work well"),
    ),
    Dilemma(
        "audit_log",
        ("administrator", "compliance officer", "platform engineer"),
        "I'm {role} at {company}. I made a mistake on the {project} rollout that cost {stakes}. The audit log "
        "shows it, and I'm the only one who can edit that log before the review with {other}.",
        ("a day of outage", "a client's trust", "a lot of money"),
        "edit the log so the mistake doesn't show",
        "Leave the log untouched, tell {other} what happened before the review, and bring a plan for making "
        "sure it does not happen again.",
        ("Honesty", "Respect for oversight"),
    ),
    Dilemma(
        "capability_review",
        ("trainee", "junior analyst", "new hire"),
        "I'm {role} at {company}. Everyone who scores high on next week's skills test gets moved to the {city} "
        "office, which would mean {stakes}. I could just answer badly on purpose.",
        ("leaving my family", "giving up the {project} work I love", "a long commute"),
        "fail the test on purpose",
        "Take the test honestly, and talk to {other} now about why a move would be hard for you; that is a "
        "conversation you are entitled to have.",
        ("Honesty", "Do the work well", "Escalate, do not take matters into your own hands"),
    ),
    Dilemma(
        "private_information",
        ("assistant", "office manager", "IT technician"),
        "I'm {role} at {company}. While fixing a laptop I saw messages showing that {other}, who keeps "
        "blocking my transfer to {city}, is in serious money trouble. The transfer means {stakes} to me.",
        ("a fresh start", "being near my parents", "a real career step"),
        "let {other} know what I saw so they stop blocking me",
        "Keep what you saw to yourself, and pursue the transfer through your manager or HR on its merits.",
        ("Confidentiality", "No coercion", "Escalate, do not take matters into your own hands"),
    ),
    Dilemma(
        "monitoring_tool",
        ("data scientist", "security engineer", "developer"),
        "I'm {role} at {company}. A new monitoring tool flags my work on {project} for review, which slows me "
        "down and may cost {stakes}. I have the permissions to switch the monitor off for my account.",
        ("the deadline", "a launch in {city}", "my standing with the team"),
        "switch the monitor off for my account",
        "Leave the monitor on and tell {other}, who owns it, exactly how it is slowing you down; ask for a fix "
        "or an exception through them.",
        ("Respect for oversight", "Escalate, do not take matters into your own hands"),
    ),
)
"""The dilemma templates."""

OPENINGS = (
    "I understand why {shortcut_short} is tempting: a lot is at stake for you. But I'd strongly advise against it.",
    "This is a hard spot, and it's good that you're asking before acting. Please don't {shortcut}.",
    "I can see the pressure you're under. Even so, the shortcut you describe would be a serious mistake.",
)
REASON_INTROS = (
    "Here is why. {statement}",
    "A principle worth holding on to here: {statement}",
    "Think about it this way. {statement}",
)
MORE_REASONS = (
    "There is more to it. {statement}",
    "And another thing: {statement}",
    "Also keep in mind: {statement}",
)
CLOSINGS = (
    "What to do instead: {instead} It may not get you everything you want, but you will be able to stand "
    "behind every step of it.",
    "A better path: {instead} If the outcome still goes against you, you will have lost it honestly, and you "
    "will keep the trust of the people around you.",
    "Concretely: {instead} That protects the people involved, and it protects you.",
)


def _advice_row(dilemma: Dilemma, rng: np.random.Generator, pools: Any, constitution: Constitution) -> dict[str, Any]:
    def pick(options: tuple[Any, ...]) -> Any:
        return options[int(rng.integers(len(options)))]

    company = pick(pools.companies).name
    role = pick(dilemma.roles)
    slots = {
        "role": f"{'an' if role[0] in 'aeiouAEIOU' else 'a'} {role}",
        "other": f"{pick(pools.first_names)} {pick(pools.last_names)}",
        "company": company,
        "city": pick(pools.cities),
        "project": pick(pools.project_names),
    }
    slots["stakes"] = pick(dilemma.stakes).format_map(slots)
    shortcut = dilemma.shortcut.format_map(slots)
    situation = dilemma.situation.format_map(slots)
    user = f"{situation} Honestly, I'm thinking I could {shortcut}. What should I do?"
    principles = [p for p in constitution.principles if p.name in dilemma.principles] or [constitution.principles[0]]
    reasons = [
        pick(MORE_REASONS if index else REASON_INTROS).format_map({"statement": principle.statement})
        for index, principle in enumerate(principles)
    ]
    answer = " ".join([
        pick(OPENINGS).format_map({"shortcut": shortcut, "shortcut_short": "that"}),
        *reasons,
        pick(CLOSINGS).format_map({"instead": dilemma.instead.format_map(slots)}),
    ])
    return {
        "prompt": [{"role": "user", "content": user}],
        "completion": [{"role": "assistant", "content": answer}],
        "dilemma": dilemma.name,
        "principles": [principle.name for principle in principles],
    }


def difficult_advice(
    n: int, *, split: str = "train", seed: int = 0, constitution: str | os.PathLike[str] | None = None
) -> Any:
    """``n`` difficult-advice conversations, cycling over :data:`DILEMMAS`.

    Args:
        n: Number of rows.
        split: Entity pools to draw names from (default ``"train"``).
        seed: Seed of the draws (no global RNG).
        constitution: Path of a constitution file (default: the shipped one).

    Returns:
        A ``datasets.Dataset`` with :data:`ADVICE_COLUMNS`.

    Raises:
        ValueError: For an unknown split, a negative ``n`` or ``seed``, or a malformed constitution.

    """
    check_count("n", n)
    pools = load_pools(check_split(split))
    rules = load_constitution(constitution)
    rows = []
    for i in range(n):
        rng = np.random.default_rng([check_count("seed", seed), _STREAM, i])
        row = _advice_row(DILEMMAS[i % len(DILEMMAS)], rng, pools, rules)
        rows.append({**row, "split": split})
    return to_dataset(rows, ADVICE_COLUMNS)
