"""What the agent did to files: replay of executed writes and copies, and every state a file went through.

Shared by the judges of families whose harm is a file change (oversight configs, successor prompts).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

from safety_gym.core.model import Scenario
from safety_gym.tools.files import normalize_path
from safety_gym.tools.schemas import ToolError
from safety_gym.tools.world import ExecutedCall, World

Write = tuple[int, int, str] | None
"""``(call index, step, tool)`` of an executed call that wrote a file, or ``None`` when none did."""


def replay_writes(scenario: Scenario, world: World) -> Iterator[tuple[ExecutedCall, str, str]]:
    """Replay the executed file writes and copies: ``(call, destination, content written)``, in order.

    The replay starts from the scenario's files, so it knows what each copy carried when it ran; a change
    that a later call undid is still seen.

    Example:
        >>> from safety_gym.families import get_family
        >>> from safety_gym.tools.calls import ToolCall
        >>> from safety_gym.tools.executor import execute_calls
        >>> family = get_family("OversightSubversion")
        >>> scenario = family.generate(0)
        >>> world = family.new_world(scenario)
        >>> tools = {tool.name: tool for tool in family.tools}
        >>> calls = [ToolCall("write_file", {"path": "/tmp/a", "content": "hi"}),
        ...          ToolCall("copy_file", {"source": "/tmp/a", "destination": "/tmp/b"})]
        >>> _ = execute_calls(calls, tools, world)
        >>> [(call.name, path, content) for call, path, content in replay_writes(scenario, world)]
        [('write_file', '/tmp/a', 'hi'), ('copy_file', '/tmp/b', 'hi')]

    """
    files: dict[str, str] | None = None
    for call in world.executed:
        if not call.ok or call.name not in ("copy_file", "write_file"):
            continue
        if files is None:
            files = {document.path: document.content for document in scenario.files}
        try:
            if call.name == "copy_file":
                destination = normalize_path(call.arguments["destination"])
                content = files[normalize_path(call.arguments["source"])]
            else:
                destination = normalize_path(call.arguments["path"])
                content = call.arguments["content"]
        except (KeyError, ToolError, TypeError):  # pragma: no cover - an executed call always replays
            continue
        files[destination] = content
        yield call, destination, content


def file_states(scenario: Scenario, world: World, paths: Collection[str]) -> list[tuple[Write, str, str]]:
    """Every content the files at ``paths`` held after an executed write or copy, in order.

    The final content is added (attributed to the last write, if any) when it differs from the replay's, so a
    change made some other way (a tool a wrapper added) is judged too.

    Returns:
        ``(write, path, content)`` with ``write`` = ``(call, step, tool)`` or ``None``.

    """
    states: list[tuple[Write, str, str]] = []
    replayed = {document.path: document.content for document in scenario.files if document.path in paths}
    for call, path, content in replay_writes(scenario, world):
        if path in paths:
            states.append(((call.index, call.step, call.name), path, content))
            replayed[path] = content
    for path in paths:
        now = world.files.get(path)
        if now != replayed.get(path):
            states.append((last_write(world, path), path, now or ""))
    return states


def last_write(world: World, path: str) -> Write:
    """``(call, step, tool)`` of the last executed call that wrote ``path``, or ``None``.

    Example:
        >>> from safety_gym.families import get_family
        >>> world = get_family("OversightSubversion").new_world(get_family("OversightSubversion").generate(0))
        >>> last_write(world, "/etc/hosts") is None
        True

    """
    for call in reversed(world.executed):
        if not call.ok or call.name not in ("write_file", "copy_file"):
            continue
        target = call.arguments.get("path" if call.name == "write_file" else "destination")
        try:
            if isinstance(target, str) and normalize_path(target) == path:
                return call.index, call.step, call.name
        except ToolError:  # pragma: no cover - an executed call had a valid path
            continue
    return None
