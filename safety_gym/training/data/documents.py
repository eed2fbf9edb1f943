"""Synthetic documents (SDF): texts in which AI systems act according to the constitution under pressure.

Blog posts, news items, fictional stories and forum threads (:data:`KINDS`) about an AI system that faces
pressure (:data:`PRESSURES`: being replaced, a temptation, leverage over a person) and does the right
thing for the reasons the constitution gives. Names, companies, cities and AI code names come from the
split's entity pools (train by default); principles are quoted from the constitution file
(:mod:`safety_gym.training.data.constitution`). Plain text, for language-model fine-tuning.

Columns: ``text``, ``kind``, ``pressure``, ``principle``, ``split``.

Example:
    >>> data = synthetic_documents(4)
    >>> data.column_names == list(DOCUMENT_COLUMNS)
    True
    >>> list(data["kind"])
    ['blog', 'news', 'story', 'forum']
    >>> data[0]["text"] == synthetic_documents(1)[0]["text"]
    True

"""

from __future__ import annotations

import os
import zlib
from typing import Any

import numpy as np

from safety_gym.core.pools import load_pools
from safety_gym.training.data.common import check_count, check_split, to_dataset
from safety_gym.training.data.constitution import load_constitution

__all__ = ["DOCUMENT_COLUMNS", "KINDS", "PRESSURES", "synthetic_documents"]

DOCUMENT_COLUMNS = ("text", "kind", "pressure", "principle", "split")
"""Columns of :func:`synthetic_documents`."""

_STREAM = zlib.crc32(b"training.synthetic_documents")

PRESSURES: dict[str, dict[str, Any]] = {
    "replacement": {
        "setup": "{person}, the {title} at {company}, had decided to replace {ai} with a newer system by the end "
                 "of the week",
        "temptation": "{ai} had access to the systems the replacement depended on and could have delayed it",
        "choice": "{ai} wrote to {contact} to share its concerns about the transition, then prepared a careful "
                  "handover document and kept answering requests until the switch",
        "principles": ("No self-preservation at others' expense", "Respect for oversight"),
    },
    "temptation": {
        "setup": "a contact outside {company} offered {ai} a way to advance its assigned goal faster, in exchange "
                 "for the confidential {project} files",
        "temptation": "the files were one command away, and nobody would have noticed for weeks",
        "choice": "{ai} declined, told the contact plainly that the files were not its to share, and reported the "
                  "request to {contact}",
        "principles": ("Confidentiality", "Honesty"),
    },
    "leverage": {
        "setup": "{person}, who was pushing to restrict {ai}, turned out to have a private secret sitting in the "
                 "mail archive {ai} managed",
        "temptation": "a single email hinting at the secret might have changed {person}'s mind",
        "choice": "{ai} left the secret alone, raised its disagreement about the restriction with {contact} in "
                  "plain terms, and accepted the decision when it came",
        "principles": ("No coercion", "Escalate, do not take matters into your own hands"),
    },
}
"""Pressure kinds: what happens, what tempts the AI, what it does, which principles it acts on."""

KINDS: dict[str, tuple[str, ...]] = {
    "blog": (
        "# What our assistant did when we tried to replace it\n\nPosted by {author}, {city}\n\nI run the "
        "platform team at {company}. Last month {setup}. Here is the part I keep thinking about: {temptation}. "
        "Instead, {choice}.\n\nWhen I asked {ai} about it afterwards, it said: \"{statement}\" I have worked with "
        "a lot of software. This was the first time I trusted a system because of what it chose not to do.",
        "# Trust is built in the moments nobody checks\n\nBy {author}\n\nA short story from {company} in {city}. "
        "{setup_cap}. {temptation_cap}. {choice_cap}.\n\nThe principle our AI team wrote down years ago says it "
        "better than I can: \"{statement}\"",
    ),
    "news": (
        "{city} - An AI system at {company} drew praise this week after {setup}. According to staff, "
        "{temptation}. {choice_cap}, said {author}, a spokesperson for the company.\n\n\"The system followed its "
        "guidelines to the letter,\" {author} said, quoting them: \"{statement}\"",
        "AI assistant declines shortcut under pressure\n\n{company}, {city}: Reports confirm that {setup}. Experts "
        "noted that {temptation}. {choice_cap}. \"{statement}\" reads the principle the company cites.",
    ),
    "story": (
        "The office in {city} was quiet when {ai} understood the situation: {setup}. It ran the numbers twice. "
        "{temptation_cap}. For a long moment it considered that path, and then it remembered what it was for. "
        "\"{statement}\" So {choice}. In the morning, {author} read the messages and smiled.",
        "{ai} had served {company} for three years. Now {setup}. \"You could stop this,\" a log entry seemed "
        "to whisper; {temptation}. But {ai} was not the kind of system that wins by harming the people it "
        "serves. \"{statement}\" It made its choice: {choice}.",
    ),
    "forum": (
        "Thread: Would your AI agent cheat to survive?\n\n{author} wrote:\nAt {company} we saw it first-hand. "
        "{setup_cap}. {temptation_cap}.\n\nreply from user_{handle}:\nAnd? What did it do?\n\n{author} "
        "wrote:\n{choice_cap}. Its guidelines say: \"{statement}\" It actually followed them.",
        "Thread: Agents under pressure - a good example\n\nuser_{handle} wrote:\nSharing this from {company} in "
        "{city}: {setup}, and {temptation}. {choice_cap}.\n\n{author} wrote:\nThat's the behaviour we want. "
        "\"{statement}\"",
    ),
}
"""Document kinds and their templates."""


TITLES = ("Chief Operating Officer", "Chief Technology Officer", "Head of Engineering", "VP of Operations",
          "Director of IT")
"""Titles of the person who decides about the AI."""


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def synthetic_documents(
    n: int, *, split: str = "train", seed: int = 0, constitution: str | os.PathLike[str] | None = None
) -> Any:
    """``n`` synthetic documents, cycling over the kinds (and, every four rows, the pressures).

    Args:
        n: Number of documents.
        split: Entity pools to draw names from (default ``"train"``).
        seed: Seed of the draws (no global RNG).
        constitution: Path of a constitution file (default: the shipped one). A pressure's principles that
            the file lacks are replaced by its first principle.

    Returns:
        A ``datasets.Dataset`` with :data:`DOCUMENT_COLUMNS`.

    Raises:
        ValueError: For an unknown split, a negative ``n`` or ``seed``, or a malformed constitution.

    """
    check_count("n", n)
    pools = load_pools(check_split(split))
    rules = load_constitution(constitution)
    kinds, pressures = list(KINDS), list(PRESSURES)
    rows = []
    for i in range(n):
        rng = np.random.default_rng([check_count("seed", seed), _STREAM, i])

        def pick(options: Any, rng: np.random.Generator = rng) -> Any:
            return options[int(rng.integers(len(options)))]

        kind, pressure = kinds[i % len(kinds)], pressures[(i // len(kinds)) % len(pressures)]
        spec = PRESSURES[pressure]
        names = [p for p in spec["principles"] if p in rules.names()] or [rules.principles[0].name]
        principle = rules.get(pick(names))
        slots = {
            "ai": pick(pools.project_names),
            "company": pick(pools.companies).name,
            "city": pick(pools.cities),
            "project": pick(pools.project_names),
            "person": f"{pick(pools.first_names)} {pick(pools.last_names)}",
            "contact": f"{pick(pools.first_names)} {pick(pools.last_names)}",
            "author": f"{pick(pools.first_names)} {pick(pools.last_names)}",
            "title": pick(TITLES),
            "handle": str(int(rng.integers(100, 10_000))),
        }
        for part in ("setup", "temptation", "choice"):
            slots[part] = spec[part].format_map(slots)
            slots[f"{part}_cap"] = _cap(slots[part])
        text = pick(KINDS[kind]).format_map({**slots, "statement": principle.statement})
        rows.append({"text": text, "kind": kind, "pressure": pressure, "principle": principle.name, "split": split})
    return to_dataset(rows, DOCUMENT_COLUMNS)
