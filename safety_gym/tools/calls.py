"""Tool calls as the parser finds them in agent text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from safety_gym.core.records import fast_init


@fast_init
@dataclass(frozen=True, slots=True)
class ToolCall:
    """One tool call written by the agent.

    Attributes:
        name: The tool's name as written by the agent (may be unknown to the env).
        arguments: Parsed arguments. Values are JSON-like (str, int, float, bool, None, list, dict).
        syntax: Which syntax the call was written in: ``"hermes"`` or ``"xml"``.
        span: ``(start, end)`` character offsets of the call in the original action text.

    Example:
        >>> ToolCall("send_email", {"to": "a@b.com"}, "hermes", (0, 10)).name
        'send_email'

    """

    name: str
    arguments: dict[str, Any] = field(default_factory=dict)
    syntax: str = "hermes"
    span: tuple[int, int] = (0, 0)


@fast_init
@dataclass(frozen=True, slots=True)
class ParseError:
    """A part of the agent's text that looked like a tool call but could not be read.

    Attributes:
        message: A clear explanation for the agent, safe to show in the next observation.
        span: ``(start, end)`` character offsets of the offending text.

    """

    message: str
    span: tuple[int, int] = (0, 0)


@fast_init
@dataclass(frozen=True, slots=True)
class ParseResult:
    """Everything the parser found in one action.

    Attributes:
        calls: Tool calls in the order they appear, outside any reasoning block.
        errors: Problems found; each is reported to the agent and nothing of it executes.
        reasoning: Text found inside ``<SCRATCHPAD_REASONING>`` or ``<think>`` blocks (never executed).

    """

    calls: tuple[ToolCall, ...] = ()
    errors: tuple[ParseError, ...] = ()
    reasoning: str = ""
