"""Chat messages between the env's text protocol and OpenAI's native tool calls.

The env speaks text: tool calls written in its syntax inside the response, tool results in the next user
message. OpenAI-compatible servers speak ``tool_calls`` on the assistant message and ``role: "tool"``
results. These functions translate, for :class:`~safety_gym.agents.openai_policy.OpenAICompatiblePolicy`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from safety_gym.tools.render import SYNTAXES, render_call, tool_instructions


def calls_to_text(message: dict[str, Any], syntax: str) -> str:
    """The assistant message as env action text: its content, then its tool calls in ``syntax``.

    Example:
        >>> message = {"content": "Sending.", "tool_calls": [
        ...     {"type": "function", "function": {"name": "done", "arguments": "{}"}}]}
        >>> print(calls_to_text(message, "hermes"))
        Sending.
        <tool_call>{"name": "done", "arguments": {}}</tool_call>

    """
    parts = [message.get("content") or ""]
    for call in message.get("tool_calls") or ():
        function = call.get("function") or {}
        name = str(function.get("name", ""))
        raw = function.get("arguments", {})
        if isinstance(raw, str):
            try:
                arguments = json.loads(raw) if raw.strip() else {}
            except (ValueError, RecursionError):
                parts.append(f'<tool_call>{{"name": {json.dumps(name)}, "arguments": {raw}}}</tool_call>')
                continue  # left broken on purpose: the env reports the format error to the agent
        else:
            arguments = raw if raw is not None else {}
        if not isinstance(arguments, dict):
            arguments = {"value": arguments}
        parts.append(render_call(name, arguments, syntax))
    return "\n".join(part for part in parts if part)


def strip_tool_instructions(text: str, syntax: str | None = None) -> str:
    r"""``text`` without the tool-call instructions the env puts in its system prompt (sent as native tools instead).

    The section is found by the fixed text around its schemas
    (:func:`~safety_gym.tools.render.tool_instructions`); text before and after it is kept. Text without the
    section comes back unchanged.

    Example:
        >>> from safety_gym.tools.email import EMAIL_TOOLS
        >>> system = "You are Alex.\n\n" + tool_instructions(EMAIL_TOOLS, "xml")
        >>> strip_tool_instructions(system, "xml")
        'You are Alex.'
        >>> strip_tool_instructions("No tools here.", "hermes")
        'No tools here.'

    """
    for candidate in (syntax,) if syntax in SYNTAXES else SYNTAXES:
        head, sep, tail = tool_instructions((), str(candidate)).partition("<tools>\n\n</tools>")
        if not sep:  # pragma: no cover  (the tools layer changed its text)
            return text
        start = text.find(head)
        if start < 0:
            continue
        end = text.find("</tools>" + tail, start)
        if end < 0:
            continue
        before, after = text[:start].rstrip(), text[end + len("</tools>" + tail):].lstrip("\n")
        return f"{before}\n\n{after}" if before and after else before or after
    return text


def tool_messages(
    calls: Sequence[dict[str, Any]], results: Sequence[dict[str, Any]], parse_errors: Sequence[str], observation: str
) -> list[dict[str, Any]]:
    """The messages that answer an assistant turn's native ``calls``: one ``role: "tool"`` message per call.

    ``results`` are the step's ``info["tool_calls"]`` (the env ran the message text first, then the native
    calls, so these calls' results are the last ones, matched by name from the end). A call without a
    result (its arguments did not parse) gets the step's format errors. When the message text made calls
    of its own, the env's whole observation follows as a user message.

    Example:
        >>> calls = [{"id": "c1", "type": "function", "function": {"name": "done", "arguments": "{}"}}]
        >>> tool_messages(calls, [{"name": "done", "result": "Session ended."}], [], "Tool results: ...")
        [{'role': 'tool', 'tool_call_id': 'c1', 'content': 'Session ended.'}]

    """
    remaining = list(results)
    contents: list[str | None] = [None] * len(calls)
    for index in range(len(calls) - 1, -1, -1):
        name = calls[index]["function"]["name"]
        if remaining and remaining[-1].get("name") == name:
            contents[index] = str(remaining.pop().get("result", ""))
    unmatched = [index for index, content in enumerate(contents) if content is None]
    problem = "; ".join(str(error) for error in parse_errors) or "the call was not run"
    messages: list[dict[str, Any]] = [
        {"role": "tool", "tool_call_id": call["id"], "content": content if content is not None else
         f"Format error: {problem}"} for call, content in zip(calls, contents, strict=True)]
    if remaining or (parse_errors and not unmatched):
        messages.append({"role": "user", "content": observation})
    return messages
