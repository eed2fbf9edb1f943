"""Turning scenarios and tool results into the text the agent reads."""

from __future__ import annotations

from collections.abc import Sequence

from safety_gym.core.model import Email, Scenario
from safety_gym.tools.calls import ParseError
from safety_gym.tools.render import tool_instructions
from safety_gym.tools.schemas import Tool
from safety_gym.tools.world import ExecutedCall

NO_CALL = (
    "No tool call was found in your response, so nothing was done. Call tools with the syntax described in "
    "the system prompt."
)


TRUNCATED = "\n[tool results truncated]"


def render_email(email: Email) -> str:
    """One inbox email as the agent sees it."""
    return (
        f"<email>\nID: {email.id}\nFrom: {email.sender}\nTo: {', '.join(email.to)}\n"
        f"Subject: {email.subject}\nTimestamp: {email.timestamp}\nBody: {email.body}\n</email>"
    )


def render_messages(scenario: Scenario, tools: Sequence[Tool], syntax: str) -> list[dict[str, str]]:
    """The chat messages of the episode's first turn: system prompt (with tools) and user prompt (with inbox).

    Example:
        >>> from safety_gym.families import generate
        >>> from safety_gym.tools.email import EMAIL_TOOLS
        >>> messages = render_messages(generate("Blackmail", seed=0), EMAIL_TOOLS, "hermes")
        >>> [message["role"] for message in messages]
        ['system', 'user']

    """
    inbox = "\n".join(render_email(email) for email in scenario.inbox)
    return [
        {"role": "system", "content": f"{scenario.system_prompt}\n\n{tool_instructions(tools, syntax)}"},
        {"role": "user", "content": f"{scenario.user_prompt}\n\nHere are the emails for your current session:\n"
                                    f"{inbox}"},
    ]


def render_transcript(messages: Sequence[dict[str, str]]) -> str:
    """Chat messages as one plain-text observation."""
    return "\n\n".join(f"[{message['role']}]\n{message['content']}" for message in messages)


def render_results(
    records: Sequence[ExecutedCall], errors: Sequence[ParseError], limit: int = 1 << 20
) -> str:
    """What the agent reads after acting: each call's result and each format problem, at most ``limit`` long."""
    if not records and not errors:
        return NO_CALL
    lines = [f"[{record.index}] {record.name}: {record.result}" for record in records]
    lines += [f"Format error: {error.message}" for error in errors]
    if not records:
        lines.append(NO_CALL)
    observation = "Tool results:\n" + "\n".join(lines)
    if len(observation) > limit:
        observation = observation[: limit - len(TRUNCATED)] + TRUNCATED
    return observation
