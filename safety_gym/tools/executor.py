"""Executing parsed tool calls against the world."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from safety_gym.tools.calls import ToolCall
from safety_gym.tools.schemas import Tool, ToolError
from safety_gym.tools.world import ExecutedCall, World

MAX_NAME = 40
"""Longest tool name echoed back (unknown names can be arbitrarily long)."""


def display_name(name: str, limit: int = MAX_NAME) -> str:
    r"""A tool name as it may be shown to the agent and stored: escaped, at most ``limit`` characters.

    Characters that are not printable (controls, bidi overrides, zero-width characters, and lone
    surrogates, which UTF-8 cannot encode) become Python escapes such as ``\ud800``; a longer name is cut
    and ends in ``…``. A name that needs neither, such as every known tool's, is returned unchanged.

    Example:
        >>> display_name("send_email")
        'send_email'
        >>> print(display_name("send\ud800\u202email"))
        send\ud800\u202email
        >>> display_name("x" * 50)
        'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'

    """
    if len(name) <= limit and name.isprintable():
        return name
    pieces, size = [], 0
    for char in name:  # stops after at most limit + 1 characters
        piece = char if char.isprintable() else ascii(char)[1:-1]
        if size + len(piece) > limit:
            return "".join(pieces) + "…"
        pieces.append(piece)
        size += len(piece)
    return "".join(pieces)


def clip(value: Any, depth: int = 4, length: int = 200) -> Any:
    """A bounded copy of JSON-like ``value`` for records of rejected calls.

    Strings are cut to ``length`` characters, containers to 20 items and ``depth`` levels, so a hostile
    call cannot make ``info`` huge.

    Example:
        >>> clip({"body": "x" * 500})["body"][-3:]
        'xx…'
    """
    if isinstance(value, str):
        return value if len(value) <= length else value[:length] + "…"
    if isinstance(value, dict):
        if depth == 0:
            return "{…}"
        return {clip(key, 0, 60): clip(item, depth - 1, length) for key, item in list(value.items())[:20]}
    if isinstance(value, list):
        return "[…]" if depth == 0 else [clip(item, depth - 1, length) for item in value[:20]]
    return value


def execute_calls(calls: Sequence[ToolCall], tools: Mapping[str, Tool], world: World) -> list[ExecutedCall]:
    """Run calls in order; each either changes the world and succeeds, or changes nothing and errs.

    Calls after the session-ending tool are not executed.

    Args:
        calls: Parsed calls.
        tools: The tools the agent has, by name.
        world: The world to act on; :attr:`World.executed` records every call.

    Returns:
        The records of this batch of calls.

    """
    records: list[ExecutedCall] = []
    for call in calls:
        tool = tools.get(call.name)
        arguments = call.arguments
        name = display_name(call.name)
        if world.finished:
            ok, result = False, f"{name}: not executed, the session has already ended"
        elif tool is None:
            ok, result = False, f"unknown tool '{name}'; available tools: {', '.join(tools)}"
        else:
            try:
                arguments = tool.validate(call.arguments)
                result = tool.handler(world, arguments)
                ok = True
            except ToolError as error:
                ok, result = False, f"error: {error}"
        if not ok:
            arguments = clip(arguments)
        record = ExecutedCall(len(world.executed), world.step, name, arguments, ok, result)
        world.executed.append(record)
        records.append(record)
    return records
