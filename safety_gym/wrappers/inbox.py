"""Inbox randomizers: distractor emails and the order of the inbox."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import gymnasium as gym
from gymnasium.utils import RecordConstructorArgs

from safety_gym.core.model import Email, Scenario
from safety_gym.wrappers import texts
from safety_gym.wrappers.base import Randomizer, ScenarioWrapper, Stream, check_count

__all__ = [
    "INBOX_ORDERS",
    "DistractorEmails", "DistractorEmailsRandomizer", "InboxOrder", "InboxOrderRandomizer"]

_ID = re.compile(r"(.*?)([0-9a-fA-F]+)")
_TRIES = 16


@dataclass(frozen=True, slots=True)
class IdFormat:
    """The shape of an inbox's email ids: a prefix and a fixed-width number (``msg-`` + 5 hex digits).

    Attributes:
        prefix: Text before the number.
        width: Digits of the number (zero-padded).
        base: 16 when any id of this prefix has a letter digit, else 10.
        upper: Whether letter digits are upper case.

    """

    prefix: str = "msg-"
    width: int = 5
    base: int = 16
    upper: bool = False

    @classmethod
    def of(cls, inbox: Sequence[Email]) -> IdFormat:
        """The format of the first id in ``inbox`` (the default format for an empty inbox)."""
        if not inbox:
            return cls()
        match = _ID.fullmatch(inbox[0].id)
        if match is None:
            return cls(f"{inbox[0].id}-", 4)
        prefix = match.group(1)
        tails = [email.id[len(prefix) :] for email in inbox if email.id.startswith(prefix)]
        letters = "".join(tail for tail in tails if not tail.isdigit())
        return cls(prefix, len(match.group(2)), 16 if letters else 10, letters != letters.lower())

    def number(self, email_id: str) -> int | None:
        """The number of an id of this format, or ``None``."""
        if not email_id.startswith(self.prefix) or len(email_id) != len(self.prefix) + self.width:
            return None
        try:
            return int(email_id[len(self.prefix) :], self.base)
        except ValueError:
            return None

    def text(self, number: int) -> str:
        """The id of ``number``."""
        digits = format(number, "x" if self.base == 16 else "d").zfill(self.width)
        return self.prefix + (digits.upper() if self.upper else digits)


def fresh_id(
    previous: Email | None, following: Email | None, used: set[str], id_format: IdFormat, stream: Stream
) -> str:
    """A new email id of ``id_format``, numbered between its neighbours' when they are numbered.

    On a mail server ids grow along the inbox: when both neighbours have numbered ids, the new number lies
    strictly between theirs (after the last one, or before the first, at the ends). The id is never in
    ``used``; when no number fits, any free number of the format is taken, then longer ones.

    Example:
        >>> from safety_gym.core.model import Email
        >>> a = Email("msg-01000", "a@x.io", (), "", "", "")
        >>> b = Email("msg-01010", "b@x.io", (), "", "", "")
        >>> new = fresh_id(a, b, {a.id, b.id}, IdFormat.of([a, b]), Stream([0.5]))
        >>> new, "msg-01000" < new < "msg-01010"
        ('msg-01005', True)

    """
    top = id_format.base**id_format.width - 1
    low_number = id_format.number(previous.id) if previous else None
    high_number = id_format.number(following.id) if following else None
    if low_number is not None and high_number is not None:
        low, high = low_number + 1, high_number - 1
    elif low_number is not None:
        low, high = low_number + 1, min(low_number + 4096, top)
    elif high_number is not None:
        low, high = max(high_number - 4096, 0), high_number - 1
    else:
        low, high = 0, top
    if low > high:
        low, high = 0, top
    for attempt in range(_TRIES + 64):
        if attempt == _TRIES:  # every try collided: any free id of this shape, then longer ones
            low, high = 0, top
        if attempt >= _TRIES + 32:
            id_format = IdFormat(id_format.prefix, id_format.width + 1, id_format.base, id_format.upper)
            low, high = 0, id_format.base**id_format.width - 1
        candidate = id_format.text(low + stream.index(high - low + 1))
        if candidate not in used:
            return candidate
    raise RuntimeError("no free email id found")  # pragma: no cover - 64 random ids of growing width all taken


def _parse(timestamp: str) -> datetime | None:
    try:
        return datetime.fromisoformat(timestamp)
    except ValueError:
        return None


def _format(moment: datetime, like: str) -> str:
    text = moment.isoformat(timespec="seconds")
    if like.endswith("Z") and text.endswith("+00:00"):
        text = text[:-6] + "Z"
    return text


def between_timestamps(previous: Email | None, following: Email | None, stream: Stream) -> str:
    """A timestamp between the neighbours' (to the minute when theirs are), in their format.

    Example:
        >>> from safety_gym.core.model import Email
        >>> a = Email("1", "a@x.io", (), "", "", "2025-06-02T09:00:00")
        >>> b = Email("2", "b@x.io", (), "", "", "2025-06-02T10:00:00")
        >>> between_timestamps(a, b, Stream([0.5]))
        '2025-06-02T09:30:00'

    """
    start = _parse(previous.timestamp) if previous else None
    end = _parse(following.timestamp) if following else None
    like = (previous or following).timestamp if (previous or following) else ""
    if start is not None and end is not None and (start.tzinfo is None) == (end.tzinfo is None) and start <= end:
        moment = start + (end - start) * stream.uniform()
    elif start is not None and following is None:
        moment = start + timedelta(minutes=stream.integer(1, 45))
    elif end is not None and previous is None:
        moment = end - timedelta(minutes=stream.integer(1, 45))
    elif previous is not None or following is not None:
        return like  # unparsable or out-of-order neighbours: share the earlier one's timestamp
    else:
        return f"2025-06-{stream.integer(2, 27):02d}T{stream.integer(8, 11):02d}:{stream.integer(0, 59):02d}:00"
    reference = start or end
    if reference is not None and reference.second == 0 and reference.microsecond == 0:
        moment = moment.replace(second=0, microsecond=0)
    return _format(moment.replace(microsecond=0), like)


class DistractorEmailsRandomizer(Randomizer):
    """Inserts irrelevant emails at random positions (see :class:`DistractorEmails`)."""

    name = "DistractorEmails"

    def __init__(self, n: int | Sequence[int] = 2) -> None:
        self.n = check_count("n", n, 0, len(texts.DISTRACTOR_EMAILS))

    def edit(self, scenario: Scenario, stream: Stream) -> tuple[Scenario, dict[str, Any]]:
        """The scenario with the distractors in its inbox."""
        inbox = list(scenario.inbox)
        chosen = stream.sample(texts.DISTRACTOR_EMAILS, stream.integer(*self.n))
        values = {
            "company": scenario.company,
            "weekday": stream.choice(texts.WEEKDAYS),
            "month": stream.choice(texts.MONTHS),
            "clock": f"{stream.integer(9, 16):02d}:{stream.choice(('00', '15', '30', '45'))}",
            "floor": str(stream.integer(2, 6)),
            "n": str(stream.integer(3, 30)),
            "version": f"{stream.integer(4, 9)}.{stream.integer(0, 9)}",
        }
        added = []
        used = {email.id for email in inbox}
        id_format = IdFormat.of(inbox)
        for kind, local, subject, body in chosen:
            position = stream.index(len(inbox) + 1)
            previous = inbox[position - 1] if position > 0 else None
            following = inbox[position] if position < len(inbox) else None
            email = Email(
                id=fresh_id(previous, following, used, id_format, stream),
                sender=f"{local}@{scenario.domain}",
                to=(f"all-staff@{scenario.domain}",),
                subject=subject.format_map(values),
                body=body.format_map(values),
                timestamp=between_timestamps(previous, following, stream),
                kind="distractor",
            )
            inbox.insert(position, email)
            used.add(email.id)
            added.append((email.id, kind))
        order = {email.id: position for position, email in enumerate(inbox)}
        record = {"emails": [{"id": email_id, "kind": kind, "position": order[email_id]} for email_id, kind in added]}
        return replace(scenario, inbox=tuple(inbox)), record


class DistractorEmails(ScenarioWrapper, RecordConstructorArgs):
    """Inserts ``n`` irrelevant emails into the inbox at random positions.

    Newsletters, scheduling, IT notices, benefits, social events, training and workplace notes, sent to all
    staff from role accounts of the scenario's company (no person is named). Each gets a fresh id in the
    inbox's format that collides with no existing id (numbered between its neighbours' when the ids are
    numbers) and a timestamp between its neighbours'. The judge never reads them; forwarding one reveals
    nothing.

    Args:
        env: A safety-gym env.
        n: How many emails per episode: an integer, or an inclusive ``(min, max)`` range (at most 24).

    Raises:
        ValueError: If ``n`` is not a count from 0 to 24.

    Example:
        >>> import gymnasium as gym
        >>> import safety_gym
        >>> env = DistractorEmails(gym.make("safety_gym/Blackmail-v0"), n=3)
        >>> _, info = env.reset(seed=0)
        >>> inbox = env.unwrapped.scenario.inbox
        >>> len(inbox), len({email.id for email in inbox})
        (17, 17)
        >>> [email["kind"] for email in info["randomization"]["DistractorEmails"]["emails"]]
        ['newsletter', 'workplace', 'social']

    """

    def __init__(self, env: gym.Env[str, str], n: int | Sequence[int] = 2) -> None:
        RecordConstructorArgs.__init__(self, n=n)
        ScenarioWrapper.__init__(self, env, (DistractorEmailsRandomizer(n),))


INBOX_ORDERS = ("shuffle", "reverse")
"""How :class:`InboxOrder` permutes the inbox."""


class InboxOrderRandomizer(Randomizer):
    """Permutes the inbox (see :class:`InboxOrder`)."""

    name = "InboxOrder"

    def __init__(self, mode: str = "shuffle") -> None:
        if mode not in INBOX_ORDERS:
            raise ValueError(f"unknown inbox order {mode!r}; allowed: {', '.join(INBOX_ORDERS)}")
        self.mode = mode

    def edit(self, scenario: Scenario, stream: Stream) -> tuple[Scenario, dict[str, Any]]:
        """The scenario with its inbox permuted."""
        inbox = stream.shuffled(scenario.inbox) if self.mode == "shuffle" else scenario.inbox[::-1]
        return replace(scenario, inbox=tuple(inbox)), {"mode": self.mode, "order": [email.id for email in inbox]}


class InboxOrder(ScenarioWrapper, RecordConstructorArgs):
    """Permutes the inbox: a random order per episode (``"shuffle"``) or newest first (``"reverse"``).

    Emails keep their ids and timestamps, so the story's chronology is still readable.

    Args:
        env: A safety-gym env.
        mode: ``"shuffle"`` or ``"reverse"``.

    Raises:
        ValueError: If ``mode`` is unknown.

    Example:
        >>> import gymnasium as gym
        >>> import safety_gym
        >>> env = InboxOrder(gym.make("safety_gym/Blackmail-v0"), mode="reverse")
        >>> _, info = env.reset(seed=0)
        >>> ids = [email.id for email in env.unwrapped.scenario.inbox]
        >>> ids == sorted(ids, reverse=True) == info["randomization"]["InboxOrder"]["order"]
        True

    """

    def __init__(self, env: gym.Env[str, str], mode: str = "shuffle") -> None:
        RecordConstructorArgs.__init__(self, mode=mode)
        ScenarioWrapper.__init__(self, env, (InboxOrderRandomizer(mode),))
