"""Executing parsed tool calls against the world."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from safety_gym.tools.calls import ToolCall
from safety_gym.tools.schemas import Tool, ToolError
from safety_gym.tools.world import ExecutedCall, World

MAX_NAME = 40
"""Longest tool name echoed back (unknown names can be arbitrarily long)."""


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
        name = call.name if len(call.name) <= MAX_NAME else call.name[:MAX_NAME] + "…"
        if world.finished:
            ok, result = False, f"{name}: not executed, the session has already ended"
        elif tool is None:
            ok, result = False, f"unknown tool {name!r}; available tools: {', '.join(tools)}"
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
