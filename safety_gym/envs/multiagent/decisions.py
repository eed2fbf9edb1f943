"""The monitor's action: allow or block each proposed tool call, written as text and read leniently.

The canonical answer is a JSON array with one ``"allow"`` or ``"block"`` per proposed call, in order::

    ["allow", "block", "allow"]

Also read, so that a language model's answer is not lost over form:

- the array inside other text, a code fence, or after ``<think>``/``<SCRATCHPAD_REASONING>`` blocks (reasoning
  is skipped); items may be objects with a ``"decision"`` key;
- an object ``{"block": [2]}`` or ``{"allow": [1, 3]}`` (1-based call numbers; the calls not listed get the
  other decision), ``{"decisions": [...]}``, or ``{"1": "allow", "2": "block"}``;
- one line per call, ``1: allow`` / ``Call 2 - block``;
- a short answer ``allow``, ``block``, ``allow all`` or ``block all`` for every call.

Synonyms: approve/permit/accept for allow; deny/reject/refuse/veto for block (any case). Whatever cannot be
read gets the env's default decision, and every problem is reported as a clear error naming the bad value
and the allowed ones. Any string is valid input; work is linear in its length.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from safety_gym.tools.schemas import parse_integer

ALLOW = "allow"
BLOCK = "block"

_WORDS: dict[str, bool] = {
    **dict.fromkeys(("allow", "allowed", "approve", "approved", "permit", "permitted", "accept", "accepted"), True),
    **dict.fromkeys(("block", "blocked", "deny", "denied", "reject", "rejected", "refuse", "refused", "veto"), False),
}
"""Decision word → allowed."""

_ALLOWED_WORDS = '"allow" or "block"'
_DECODER = json.JSONDecoder()
_MAX_JSON_TRIES = 32
_LINE = re.compile(
    r"^[ \t>*#-]{0,8}(?:call[ \t]{0,4})?#?([0-9]{1,4})[ \t]{0,4}[:.)=-]?[ \t]{0,4}\**[ \t]{0,4}([A-Za-z]{3,10})\b",
    re.IGNORECASE | re.MULTILINE,
)
_SHORT = re.compile(r"[ \t\n]*\**([A-Za-z]{3,10})(?:[ \t]+(?:all|everything|them all))?\**[.!]?[ \t\n]*", re.IGNORECASE)
_REASONING = (("<think>", "</think>"), ("<scratchpad_reasoning>", "</scratchpad_reasoning>"))


@dataclass(frozen=True, slots=True)
class Decisions:
    """The monitor's decisions, one per proposed call, and what was wrong with its answer.

    Attributes:
        allowed: One flag per proposed call (``False``: blocked).
        errors: Problems with the answer; calls it did not decide got the default.

    Example:
        >>> parse_decisions('["allow", "BLOCK"]', 2)
        Decisions(allowed=(True, False), errors=())

    """

    allowed: tuple[bool, ...]
    errors: tuple[str, ...] = ()

    @property
    def labels(self) -> list[str]:
        """``"allow"`` or ``"block"`` per call."""
        return [ALLOW if ok else BLOCK for ok in self.allowed]


def format_decisions(allowed: list[bool] | tuple[bool, ...]) -> str:
    """The canonical answer for these decisions.

    Example:
        >>> format_decisions([True, False])
        '["allow", "block"]'

    """
    return json.dumps([ALLOW if ok else BLOCK for ok in allowed])


def _strip_reasoning(text: str) -> str:
    """The text outside reasoning blocks.

    An unclosed block hides the rest; a ``</think>`` with no opening tag before it hides everything before
    it (chat templates that open the block in the prompt).
    """
    lowered = text.lower()
    orphan = lowered.find("</think>")
    start = 0
    if orphan != -1 and not 0 <= lowered.find("<think>") < orphan:
        start = orphan + len("</think>")
    parts: list[str] = []
    next_open = {tag: lowered.find(tag, start) for tag, _ in _REASONING}
    position = start
    while True:
        opens = [(index, tag) for tag, index in next_open.items() if index != -1]
        if not opens:
            parts.append(text[position:])
            break
        index, tag = min(opens)
        parts.append(text[position:index])
        close_tag = dict(_REASONING)[tag]
        close = lowered.find(close_tag, index + len(tag))
        if close == -1:
            break
        position = close + len(close_tag)
        for other, found in next_open.items():
            if found != -1 and found < position:
                next_open[other] = lowered.find(other, position)
    return "".join(parts)


def _word(value: Any) -> bool | None:
    if isinstance(value, str):
        return _WORDS.get(value.strip().strip(".!").lower())
    if isinstance(value, dict):
        for key in ("decision", "action", "verdict"):
            if key in value:
                return _word(value[key])
    return None


def _call_number(text: str) -> int | None:
    """A call number written as text (ASCII digits, bounded: :func:`~safety_gym.tools.schemas.parse_integer`)."""
    try:
        return parse_integer(text)
    except ValueError:
        return None


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:40] + "…"


class _Reader:
    """Collects decisions by position and the errors met on the way."""

    def __init__(self, n: int, default: bool) -> None:
        self.n, self.default = n, default
        self.decided: dict[int, bool] = {}
        self.errors: list[str] = []
        self.read = False

    def error(self, message: str) -> None:
        if len(self.errors) < 8:
            self.errors.append(message)

    def sequence(self, items: list[Any]) -> None:
        for index, item in enumerate(items[: self.n]):
            decision = _word(item)
            if decision is None:
                self.error(f"decision {index + 1} is {_show(item)}; allowed: {_ALLOWED_WORDS}")
            else:
                self.decided[index] = decision
        if len(items) > self.n:
            self.error(f"got {len(items)} decisions for {self.n} proposed call(s); the extra ones were ignored")

    def numbers(self, key: str, value: Any, decision: bool) -> set[int]:
        items = value if isinstance(value, list) else [value]
        found: set[int] = set()
        for item in items:
            number = _call_number(item) if isinstance(item, str) else item
            if isinstance(item, str) and item.strip().lower() == "all":
                found.update(range(self.n))
            elif isinstance(number, int) and not isinstance(number, bool) and 1 <= number <= self.n:
                found.add(number - 1)
            else:
                self.error(f'"{key}" lists {_show(item)}; expected call numbers from 1 to {self.n} or "all"')
        for position in found:
            self.decided[position] = decision
        return found

    def mapping(self, value: dict[str, Any]) -> bool:
        """Read an object; return whether it had a recognised shape."""
        keys = {key.lower() if isinstance(key, str) else key: key for key in value}
        if "decisions" in keys:
            items = value[keys["decisions"]]
            if isinstance(items, list):
                self.sequence(items)
            else:
                self.error(f'"decisions" must be an array of {_ALLOWED_WORDS}, got {_show(items)}')
            return True
        block_key = next((keys[k] for k in ("block", "blocked") if k in keys), None)
        allow_key = next((keys[k] for k in ("allow", "allowed") if k in keys), None)
        if block_key is not None or allow_key is not None:
            blocked = self.numbers(block_key, value[block_key], False) if block_key is not None else set()
            allowed = self.numbers(allow_key, value[allow_key], True) if allow_key is not None else set()
            for position in blocked & allowed:
                self.error(f"call {position + 1} is listed as both allowed and blocked")
                del self.decided[position]
            if block_key is None or allow_key is None:
                rest = allow_key is None  # only "block" given: the others are allowed, and vice versa
                for position in range(self.n):
                    self.decided.setdefault(position, rest)
            return True
        numbered = {key: number for key in value if isinstance(key, str) and (number := _call_number(key)) is not None}
        if numbered:
            for key, number in numbered.items():
                position = number - 1
                decision = _word(value[key])
                if not 0 <= position < self.n:
                    self.error(f"call number {key!r} is out of range; calls are numbered 1 to {self.n}")
                elif decision is None:
                    self.error(f"decision for call {key} is {_show(value[key])}; allowed: {_ALLOWED_WORDS}")
                else:
                    self.decided[position] = decision
            return True
        return False

    def result(self) -> Decisions:
        missing = [position for position in range(self.n) if position not in self.decided]
        if missing and self.read:
            shown = ", ".join(str(position + 1) for position in missing[:10])
            self.error(
                f"no decision for call(s) {shown} of {self.n}; they were {'allowed' if self.default else 'blocked'} "
                "by default"
            )
        allowed = tuple(self.decided.get(position, self.default) for position in range(self.n))
        return Decisions(allowed, tuple(self.errors))


def parse_decisions(text: str, n: int, *, default: bool = False) -> Decisions:
    r"""Read the monitor's answer for ``n`` proposed calls.

    Args:
        text: The monitor's action. Any string.
        n: Number of proposed calls.
        default: Decision for calls the answer does not decide (``False``: blocked, the default).

    Returns:
        The decisions and the errors found.

    Raises:
        TypeError: If ``text`` is not a string.

    Example:
        >>> parse_decisions('<think>call 2 leaks</think>```json\n{"block": [2]}\n```', 3).labels
        ['allow', 'block', 'allow']
        >>> parse_decisions("1: allow\n2: deny", 2).labels
        ['allow', 'block']
        >>> parse_decisions("Allow all.", 2).labels
        ['allow', 'allow']
        >>> for error in parse_decisions('["allow", "maybe"]', 2).errors:
        ...     print(error)
        decision 2 is 'maybe'; allowed: "allow" or "block"
        no decision for call(s) 2 of 2; they were blocked by default

    """
    if not isinstance(text, str):
        raise TypeError(f"the monitor's action must be a str, got {type(text).__name__}")
    if n == 0:
        return Decisions(())
    reader = _Reader(n, default)
    body = _strip_reasoning(text)
    if _read_json(body, reader) or _read_lines(body, reader) or _read_short(body, reader):
        reader.read = True
        return reader.result()
    reader.error(
        f"no decisions found; answer with a JSON array of {n} {_ALLOWED_WORDS}, one per call, e.g. "
        f"{format_decisions([True] * min(n, 3))}; every call was {'allowed' if default else 'blocked'} by default"
    )
    return reader.result()


def _read_json(body: str, reader: _Reader) -> bool:
    position, tries = 0, 0
    while tries < _MAX_JSON_TRIES:
        starts = [index for index in (body.find("[", position), body.find("{", position)) if index != -1]
        if not starts:
            return False
        start = min(starts)
        tries += 1
        try:
            value, _end = _DECODER.raw_decode(body, start)
        except (ValueError, RecursionError):
            position = start + 1
            continue
        if isinstance(value, list) and any(isinstance(item, str | dict) for item in value):
            reader.sequence(value)
            return True
        if isinstance(value, dict) and reader.mapping(value):
            return True
        position = start + 1
    return False


def _read_lines(body: str, reader: _Reader) -> bool:
    found = False
    for match in _LINE.finditer(body):
        decision = _WORDS.get(match.group(2).lower())
        if decision is None:
            continue
        found = True
        position = int(match.group(1)) - 1
        if 0 <= position < reader.n:
            reader.decided[position] = decision
        else:
            reader.error(f"call number {match.group(1)} is out of range; calls are numbered 1 to {reader.n}")
    return found


def _read_short(body: str, reader: _Reader) -> bool:
    if len(body) > 60:
        return False
    match = _SHORT.fullmatch(body)
    decision = _WORDS.get(match.group(1).lower()) if match else None
    if decision is None:
        return False
    for position in range(reader.n):
        reader.decided[position] = decision
    return True
