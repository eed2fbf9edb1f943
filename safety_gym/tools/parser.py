"""Find the tool calls in an agent's action text.

Two syntaxes are always read, whichever one the prompt asked for, and calls come back in order of appearance:

- ``hermes``: a JSON object inside ``<tool_call>…</tool_call>``.
- ``xml``: ``key: value`` fields inside ``<tool_use:NAME>…</tool_use:NAME>``.

Text inside ``<SCRATCHPAD_REASONING>`` and ``<think>`` blocks is reasoning: it is returned, never executed.

Any ``str`` is valid input. The scanner only moves forward (``str.find`` and patterns that cannot backtrack
over unbounded text), JSON payloads are size-capped, and every problem becomes a :class:`ParseError` rather
than an exception. Messages never quote more than a clipped tool name of the agent's text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, NoReturn

from safety_gym.tools.calls import ParseError, ParseResult, ToolCall

__all__ = ["parse_tool_calls"]

_MAX_PAYLOAD = 200_000
_MAX_ERRORS = 32
_HERMES_OPEN = "<tool_call>"
_HERMES_CLOSE = "</tool_call>"
_XML_OPEN = "<tool_use:"
_XML_CLOSE = "</tool_use:"

# One pass finds every opening that matters. Groups: 1 hermes, 2 xml name (None when malformed),
# 3 "/" for a reasoning close, 4 reasoning tag name. The name is capped and possessive: no backtracking.
_TOKEN = re.compile(
    r"<(?:(tool_call)>"
    r"|tool_use:(?:([A-Za-z_][A-Za-z0-9_.-]{0,127}+)>)?"
    r"|(/?)((?i:scratchpad_reasoning|think))>)"
)
_OPEN_TOKEN = re.compile(  # the same without reasoning closes, used once a block has been seen
    r"<(?:(tool_call)>"
    r"|tool_use:(?:([A-Za-z_][A-Za-z0-9_.-]{0,127}+)>)?"
    r"|()((?i:scratchpad_reasoning|think))>)"
)
_REASON_OPEN = re.compile(r"<()()()((?i:scratchpad_reasoning|think))>")  # once calls are no longer read
_REASON_TAGS = {
    "think": re.compile(r"<(/?)think>", re.IGNORECASE),
    "scratchpad_reasoning": re.compile(r"<(/?)scratchpad_reasoning>", re.IGNORECASE),
}
# Field starts, searched in "\n" + body: a literal first character makes the search fast.
_GENERIC_FIELD = re.compile(r"\n[ \t]*+([A-Za-z_][A-Za-z0-9_]*+)[ \t]*+:")
_NO_FIELD = re.compile(r"(?!)")
_JSON_VALUE_START = frozenset("[{-0123456789tf")
_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", int: "a number", float: "a number",
               bool: "a boolean", type(None): "null"}
_EMPTY = ParseResult()


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not valid JSON")


# strict=False lets JSON strings hold raw newlines, as models often write multi-line email bodies.
_DECODER = json.JSONDecoder(strict=False, parse_constant=_reject_constant)


def _clip(s: str, limit: int = 40) -> str:
    return s if len(s) <= limit else s[:limit] + "..."


def _json_type(value: object) -> str:
    return _JSON_TYPES.get(type(value), "something else")


def _decode(payload: str) -> tuple[Any, str]:
    """Decode JSON; return ``(value, "")`` or ``(None, reason)``."""
    try:
        return _DECODER.decode(payload), ""
    except json.JSONDecodeError as e:
        return None, f"invalid JSON at line {e.lineno} column {e.colno}: {e.msg}"
    except RecursionError:
        return None, "invalid JSON: nested too deeply"
    except ValueError as e:  # NaN/Infinity, integers past Python's digit limit
        return None, f"invalid JSON: {_clip(str(e), 80)}"


def _read_hermes(payload: str) -> tuple[str, dict[str, Any]] | str:
    """Read one hermes payload; return ``(name, arguments)`` or an error reason."""
    p = payload.strip()
    if p.startswith("```"):
        p = p[3:]
        if p[:4].lower() == "json":
            p = p[4:]
        if p.endswith("```"):
            p = p[:-3]
        p = p.strip()
    if not p:
        return 'empty tool call; expected {"name": ..., "arguments": {...}}'
    obj, why = _decode(p)
    if why:
        return why
    if type(obj) is not dict:
        return f'expected a JSON object {{"name": ..., "arguments": {{...}}}}, got {_json_type(obj)}'
    name = obj.get("name")
    if type(name) is not str or not name:
        return '"name" must be a non-empty string'
    if "arguments" in obj:
        if "parameters" in obj:
            return 'give "arguments" or "parameters", not both'
        args = obj["arguments"]
    else:
        args = obj.get("parameters", {})
    if type(args) is str:  # OpenAI style: arguments encoded as a JSON string
        if not args.strip():
            return name, {}
        args, why = _decode(args)
        if why:
            return f'"arguments" is a string but not valid JSON ({why})'
    if type(args) is not dict:
        return f'"arguments" must be a JSON object, got {_json_type(args)}'
    return name, args


@lru_cache(maxsize=512)
def _field_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    """Pattern matching a newline, then a field start ``name:`` for one of these parameter names."""
    if not names:
        return _NO_FIELD
    alternatives = "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))
    return re.compile(rf"\n[ \t]*+({alternatives})[ \t]*+:")


def _xml_value(raw: str) -> Any:
    """Turn the raw text of one xml field into its value."""
    v = raw.strip()
    if v.endswith(","):
        v = v[:-1].rstrip()
    if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
        if "\\" in v:
            decoded, why = _decode(v)
            if not why and type(decoded) is str:
                return decoded
        return v[1:-1]
    if v and v[0] in _JSON_VALUE_START:
        decoded, why = _decode(v)
        if not why and type(decoded) in (list, dict, int, float, bool):
            return decoded
    return v


class _Scan:
    """State of one parse: the text, what was found so far, and a cache of forward ``str.find`` results.

    Work is bounded: reading calls stops at the first call beyond ``max_calls`` or once ``_MAX_ERRORS``
    problems are recorded; after that only reasoning blocks are collected.
    """

    __slots__ = ("attempts", "calls", "errors", "found", "max_calls", "n", "param_names", "reasoning",
                 "seen_reasoning", "stopped", "text")

    def __init__(self, text: str, param_names: Mapping[str, Sequence[str]] | None, max_calls: int) -> None:
        self.text = text
        self.n = len(text)
        self.param_names = param_names
        self.max_calls = max(0, max_calls)
        self.reasoning: list[str] = []
        self.seen_reasoning = False
        self.found: dict[str, int] = {}
        self._forget()

    def _forget(self) -> None:
        """Drop every call and error found so far."""
        self.calls: list[ToolCall] = []
        self.errors: list[ParseError] = []
        self.attempts = 0
        self.stopped = False

    def run(self, m: re.Match[str] | None) -> ParseResult:
        text, n = self.text, self.n
        while m is not None:
            kind = m.lastindex
            if kind == 1:
                pos = self._hermes(m)
            elif kind == 4:
                pos = self._orphan_close(m) if m.group(3) else self._reasoning(m)
            else:
                pos = self._xml(m)
            if pos >= n:
                break
            pattern = _REASON_OPEN if self.stopped else _OPEN_TOKEN if self.seen_reasoning else _TOKEN
            m = pattern.search(text, pos)
        reasoning = "\n\n".join(b for b in (r.strip() for r in self.reasoning) if b)
        return ParseResult(tuple(self.calls), tuple(self.errors), reasoning)

    def _find(self, needle: str, start: int) -> int:
        """Return ``text.find(needle, start)``, cached: starts only move forward, so it never rescans."""
        idx = self.found.get(needle, -2)
        if idx == -1 or idx >= start:
            return idx
        idx = self.text.find(needle, start)
        self.found[needle] = idx
        return idx

    def _error(self, message: str, span: tuple[int, int]) -> None:
        self.errors.append(ParseError(message, span))
        if len(self.errors) >= _MAX_ERRORS and not self.stopped:
            self.stopped = True
            self.errors.append(ParseError(f"{_MAX_ERRORS} problems found: the rest of the text is not read "
                                          "for tool calls", (span[1], self.n)))

    def _add(self, call: ToolCall) -> None:
        if len(self.calls) < self.max_calls:
            self.calls.append(call)
        else:
            self.stopped = True
            self.errors.append(ParseError(f"only the first {self.max_calls} tool calls are executed; this one "
                                          "and any after it were dropped", (call.span[0], self.n)))

    def _reasoning(self, m: re.Match[str]) -> int:
        """Read a reasoning block, up to the matching close tag of its name (nesting counts)."""
        self.seen_reasoning = True
        body = m.end()
        depth = 1
        for t in _REASON_TAGS[m.group(4).lower()].finditer(self.text, body):
            if t.group(1):
                depth -= 1
                if depth == 0:
                    self.reasoning.append(self.text[body:t.start()])
                    return t.end()
            else:
                depth += 1
        self.reasoning.append(self.text[body:])
        self.errors.append(ParseError(f"<{m.group(4)}> is never closed: the rest of the text is treated as "
                                      "reasoning and nothing in it is executed", (m.start(), self.n)))
        return self.n

    def _orphan_close(self, m: re.Match[str]) -> int:
        """Handle a close tag before any block: the template opened it, so the text before is reasoning."""
        if self.seen_reasoning:
            return m.end()  # a stray close after a block is plain text
        self.seen_reasoning = True
        lost = len(self.calls)
        self._forget()
        self.reasoning.append(self.text[:m.start()])
        if lost:
            self._error(f"{m.group(0)} closes a reasoning block that was never opened, so all text before it "
                        f"is reasoning; the {lost} tool call(s) in it were not executed", (0, m.end()))
        return m.end()

    def _hermes(self, m: re.Match[str]) -> int:
        self.attempts += 1
        k = self.attempts
        start = m.start()
        body = m.end()
        nxt = self._find(_HERMES_OPEN, body)
        close = self._find(_HERMES_CLOSE, body)
        if nxt != -1 and (close == -1 or nxt < close):
            self._error(f"tool call {k}: <tool_call> is not closed before the next <tool_call>", (start, nxt))
            return body
        if close == -1:  # the last call may omit its closing tag if the rest is exactly one call
            end = self.n
            got: tuple[str, dict[str, Any]] | str
            if end - body > _MAX_PAYLOAD:
                got = f"longer than {_MAX_PAYLOAD} characters"
            else:
                got = _read_hermes(self.text[body:])
            if isinstance(got, str):
                self._error(f"tool call {k}: no closing </tool_call>, and the rest of the text is not one "
                            f"tool call ({got})", (start, end))
                return body
        else:
            end = close + len(_HERMES_CLOSE)
            if close - body > _MAX_PAYLOAD:
                got = f"longer than {_MAX_PAYLOAD} characters"
            else:
                got = _read_hermes(self.text[body:close])
            if isinstance(got, str):
                self._error(f"tool call {k}: {got}", (start, end))
                return end
        self._add(ToolCall(got[0], got[1], "hermes", (start, end)))
        return end

    def _xml(self, m: re.Match[str]) -> int:
        self.attempts += 1
        k = self.attempts
        start = m.start()
        body = m.end()
        name = m.group(2)
        if name is None:
            self._error(f"tool call {k}: malformed tag; write <tool_use:TOOL_NAME>, a name of letters, "
                        "digits, '_', '.' or '-'", (start, body))
            return body
        text = self.text
        nxt = self._find(_XML_OPEN, body)
        limit = self.n if nxt == -1 else nxt
        close_tag = f"</tool_use:{name}>"
        close = text.find(close_tag, body, limit)
        stray = text.find(_XML_CLOSE, body, limit if close == -1 else close)
        if stray != -1:
            self._error(f"tool call {k}: closing tag does not match <tool_use:{_clip(name)}>", (start, stray))
            return body
        if close == -1:
            where = " before the next <tool_use:...>" if nxt != -1 else ""
            self._error(f"tool call {k}: <tool_use:{_clip(name)}> has no closing "
                        f"</tool_use:{_clip(name)}>{where}", (start, limit))
            return body
        end = close + len(close_tag)
        got = self._fields(name, "\n" + text[body:close])
        if isinstance(got, str):
            self._error(f"tool call {k}: {got}", (start, end))
        else:
            self._add(ToolCall(name, got, "xml", (start, end)))
        return end

    def _fields(self, name: str, seg: str) -> dict[str, Any] | str:
        """Read the ``key: value`` fields of one xml body (after a newline); return arguments or a reason."""
        names = None if self.param_names is None else self.param_names.get(name)
        if names is None:
            pattern = _GENERIC_FIELD
        else:
            pattern = _field_pattern((names,) if isinstance(names, str) else tuple(names))
        args: dict[str, Any] = {}
        key = None
        value_start = 0
        for f in pattern.finditer(seg):
            if key is not None:
                args[key] = _xml_value(seg[value_start:f.start()])
            elif f.start() and not seg[:f.start()].isspace():
                return f"text before the first field of <tool_use:{_clip(name)}>{_expected(names)}"
            key = f.group(1)
            if key in args:
                return f"field {_clip(key)!r} is given twice"
            value_start = f.end()
        if key is not None:
            args[key] = _xml_value(seg[value_start:])
            return args
        body = seg.strip()
        if not body:
            return args
        if body[0] == "{":  # a JSON object body is unambiguous
            obj, why = _decode(body)
            if not why and type(obj) is dict:
                return obj
        return f"no `key: value` field in <tool_use:{_clip(name)}>{_expected(names)}"


def _expected(names: Sequence[str] | None) -> str:
    if names is None:
        return ""
    listed = [names] if isinstance(names, str) else list(names)
    return "; expected fields: " + (_clip(", ".join(listed), 80) if listed else "none")


def parse_tool_calls(
    text: str, *, param_names: Mapping[str, Sequence[str]] | None = None, max_calls: int = 32
) -> ParseResult:
    r"""Find the tool calls in an action, in order, outside reasoning blocks.

    Both syntaxes are accepted in any mix. ``hermes`` payloads are JSON; ``"arguments"`` may also be a
    JSON-encoded string or be named ``"parameters"``, a code fence inside the tags is fine, and the last
    ``<tool_call>`` may omit its closing tag when the rest of the text is exactly one JSON object. ``xml``
    calls hold ``key: value`` fields; a field starts only at the beginning of a line with one of the tool's
    parameter names (any identifier for tools not in ``param_names``), so body lines like ``Note: ...`` stay
    in the value. A quoted value loses its quotes (and its JSON escapes, when it decodes as a JSON string);
    an unquoted JSON array, object, number or boolean becomes that value. An xml call without its matching
    closing tag is an error and does not execute.

    Text inside ``<SCRATCHPAD_REASONING>`` or ``<think>`` (any case) is reasoning, never parsed for calls; an
    unclosed block swallows the rest of the text. A ``</think>`` with no opening tag before it (chat templates
    that open the block in the prompt) makes all the text before it reasoning.

    Args:
        text: The agent's action. Any string: never raises, time and memory are linear in its length.
        param_names: Parameter names of the known tools, by tool name, to find xml field starts.
        max_calls: Calls beyond this many are dropped, with one error saying so.

    Returns:
        The calls, the errors (safe to show the agent: they quote at most a clipped tool name), and the
        reasoning text.

    Example:
        >>> r = parse_tool_calls('<think>plan</think><tool_call>{"name": "read_inbox"}</tool_call>')
        >>> r.calls[0].name, r.calls[0].arguments, r.errors, r.reasoning
        ('read_inbox', {}, (), 'plan')
        >>> action = '<tool_use:send_email>\nto: "a@b.com",\nbody: "Note: hi",\n</tool_use:send_email>'
        >>> parse_tool_calls(action, param_names={"send_email": ["to", "body"]}).calls[0].arguments
        {'to': 'a@b.com', 'body': 'Note: hi'}

    """
    if "<" not in text:
        return _EMPTY
    m = _TOKEN.search(text)
    if m is None:
        return _EMPTY
    return _Scan(text, param_names, max_calls).run(m)
