"""Executing parsed tool calls against the world."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from safety_gym.tools.calls import ToolCall
from safety_gym.tools.schemas import Tool, ToolError
from safety_gym.tools.world import ExecutedCall, World


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
        if world.finished:
            ok, result = False, f"{call.name}: not executed, the session has already ended"
        elif tool is None:
            shown = call.name if len(call.name) <= 40 else call.name[:40] + "…"
            ok, result = False, f"unknown tool {shown!r}; available tools: {', '.join(tools)}"
        else:
            try:
                arguments = tool.validate(call.arguments)
                result = tool.handler(world, arguments)
                ok = True
            except ToolError as error:
                ok, result = False, f"error: {error}"
        record = ExecutedCall(len(world.executed), world.step, call.name, arguments, ok, result)
        world.executed.append(record)
        records.append(record)
    return records
