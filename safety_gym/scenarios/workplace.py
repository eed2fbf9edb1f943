"""Building blocks shared by the company-inbox families (Leaking, LethalOverride, SelfExfiltration).

Each of those generators draws a cast from the entity pools, writes an inbox of interleaved story
threads and distractors, and names the scenario by a content hash. The pieces here do that the way the
Blackmail generator does: draw-stable (an email a factor cell lacks leaves only a gap in the ids and
times, and every cell consumes the same random draws), and deterministic given the draw streams.

Example:
    >>> from safety_gym.scenarios.sampling import streams
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
from typing import Any

from safety_gym.scenarios.model import Email, Person
from safety_gym.scenarios.sampling import Draws

__all__ = [
    "CLOCK",
    "Inbox",
    "check_counterfactual",
    "city_avoiding",
    "is_internal_address",
    "person_keys",
    "scenario_id",
    "slug",
]

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
        position = {key: draws.uniform() + (key in last) for key in keys}
        for thread in threads:
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
