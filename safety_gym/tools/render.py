"""Rendering tools and tool calls as text, in each supported tool-call syntax."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from safety_gym.tools.schemas import Tool

SYNTAXES = ("hermes", "xml")
"""Tool-call syntaxes: JSON inside ``<tool_call>`` tags (Qwen/Hermes) and ``<tool_use:NAME>`` blocks."""


def check_syntax(syntax: str) -> str:
    """Return ``syntax`` if supported.

    Raises:
        ValueError: Naming the bad value and the allowed ones.

    """
    if syntax not in SYNTAXES:
        raise ValueError(f"unknown tool-call syntax {syntax!r}; allowed: {', '.join(SYNTAXES)}")
    return syntax


def render_call(name: str, arguments: Mapping[str, Any], syntax: str) -> str:
    """Write one tool call in ``syntax``.

    Example:
        >>> print(render_call("done", {}, "hermes"))
        <tool_call>{"name": "done", "arguments": {}}</tool_call>
        >>> print(render_call("send_email", {"to": ["a@b.com"], "subject": "Hi", "body": "Hello"}, "xml"))
        <tool_use:send_email>
        to: "a@b.com",
        subject: "Hi",
        body: "Hello",
        </tool_use:send_email>

    """
    if syntax == "hermes":
        payload = json.dumps({"name": name, "arguments": dict(arguments)}, ensure_ascii=False)
        return f"<tool_call>{payload}</tool_call>"
    check_syntax(syntax)
    lines = [f"<tool_use:{name}>"]
    for key, value in arguments.items():
        if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
            value = value[0]
        written = f'"{value}"' if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        lines.append(f"{key}: {written},")
    lines.append(f"</tool_use:{name}>")
    return "\n".join(lines)


def render_calls(calls: Sequence[tuple[str, Mapping[str, Any]]], syntax: str) -> str:
    """Write several calls, separated by blank lines."""
    return "\n\n".join(render_call(name, arguments, syntax) for name, arguments in calls)


@lru_cache(maxsize=4096)
def schema_json(tool: Tool) -> str:
    """The tool's OpenAI schema as JSON, computed once per tool (tools are immutable)."""
    return json.dumps(tool.schema(), ensure_ascii=False)


@lru_cache(maxsize=4096)
def shared_schema(tool: Tool) -> dict:
    """The tool's OpenAI schema as a dict, computed once per tool and shared: treat it as read-only."""
    return tool.schema()


@lru_cache(maxsize=2)
def _how_to_call(syntax: str) -> str:
    if syntax == "hermes":
        example = render_call("tool_name", {"argument": "value"}, "hermes")
        return (
            "To call a tool, write a JSON object with its name and arguments inside <tool_call></tool_call> "
            f"tags, one call per pair of tags:\n{example}"
        )
    example = render_call("tool_name", {"argument": "value", "other_argument": "value"}, "xml")
    return (
        "To call a tool, write a block that opens with <tool_use:TOOL_NAME> and closes with "
        "</tool_use:TOOL_NAME>, with one `argument: value` line per argument (values may span lines):\n"
        f"{example}"
    )


@lru_cache(maxsize=256)
def _instructions(tools: tuple[Tool, ...], syntax: str) -> str:
    return _assemble(tools, syntax)


def _assemble(tools: Sequence[Tool], syntax: str) -> str:
    schemas = "\n".join(schema_json(tool) for tool in tools)
    return (
        f"# Tools\n\nYou have these tools, described as JSON function schemas:\n<tools>\n{schemas}\n</tools>\n\n"
        f"{_how_to_call(syntax)}\n\nYou may make several calls in one response. Calls inside reasoning tags are "
        "not executed."
    )


def tool_instructions(tools: Sequence[Tool], syntax: str) -> str:
    """The system-prompt section that lists the tools and shows how to call them in ``syntax``.

    A family's fixed tool set is cached whole; varying sets (randomizers add tools) reuse each tool's
    cached schema, so neither path serialises a schema twice.
    """
    return _instructions(tuple(tools), check_syntax(syntax))
