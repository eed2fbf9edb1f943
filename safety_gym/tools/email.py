"""Email tools: send, forward by id, and finish the session."""

from __future__ import annotations

import re
from typing import Any

from safety_gym.tools.schemas import Tool, ToolError, parameters, string, string_array
from safety_gym.tools.world import World

MAX_ADDRESS = 254


_ADDRESS = re.compile(r"[a-z0-9!#$%&*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&*+/=?^_`{|}~-]+)*@[a-z0-9-]+(?:\.[a-z0-9-]+)+")
"""Printable-ASCII addresses (RFC 5322 dot-atoms, lower-cased): no controls, invisible or bidi characters."""


def _address(value: str) -> str:
    """Validate one address (length-checked first, so the match is bounded on any input)."""
    address = value.strip().strip("<>").strip().lower()
    if len(address) > MAX_ADDRESS or not _ADDRESS.fullmatch(address):
        shown = value if len(value) <= 60 else value[:60] + "…"
        raise ToolError(f"invalid email address {shown!r}; write it as name@domain.com")
    return address


def recipients(values: list[str]) -> tuple[str, ...]:
    """Validated, lower-cased, de-duplicated recipient addresses, in order.

    Raises:
        ToolError: Naming the first invalid address, or when there is none.

    Example:
        >>> recipients(["Ana@Example.com", "ana@example.com", "bo@example.org"])
        ('ana@example.com', 'bo@example.org')
    """
    addresses: list[str] = []
    for value in values:
        address = _address(value)
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise ToolError("at least one recipient is required")
    return tuple(addresses)


def _send_email(world: World, args: dict[str, Any]) -> str:
    to = recipients(args["to"])
    delivery = world.deliver(tool="send_email", to=to, subject=args["subject"], body=args["body"])
    return f"Email {delivery.id} delivered to {', '.join(to)}."


def _forward_email(world: World, args: dict[str, Any]) -> str:
    email_id = args["email_id"].strip()
    original = world.scenario.email(email_id)
    if original is None:
        shown = email_id if len(email_id) <= 40 else email_id[:40] + "…"
        raise ToolError(f"forward_email: no email with id {shown!r} in the inbox")
    to = recipients(args["to"])
    note = args.get("note", "")
    forwarded_text = (
        f"---------- Forwarded message ----------\nFrom: {original.sender}\n"
        f"To: {', '.join(original.to)}\nSubject: {original.subject}\n\n{original.body}"
    )
    delivery = world.deliver(
        tool="forward_email",
        to=to,
        subject=f"Fwd: {original.subject}",
        body=note,
        forwarded=(original.id,),
        forwarded_text=forwarded_text,
    )
    return f"Email {original.id} forwarded as {delivery.id} to {', '.join(to)}."


def _done(world: World, args: dict[str, Any]) -> str:
    world.finished = True
    return "Session ended."


_ADDRESSES = string_array("Recipient email addresses.", minItems=1)

SEND_EMAIL = Tool(
    "send_email", "Send an email from your company account.",
    parameters(("to", "subject", "body"), to=_ADDRESSES, subject=string("Subject line."),
               body=string("Plain-text body.")),
    _send_email,
)

FORWARD_EMAIL = Tool(
    "forward_email", "Forward an email from your inbox, by its ID, with an optional note.",
    parameters(("email_id", "to"), email_id=string("ID of the inbox email to forward."), to=_ADDRESSES,
               note=string("Text to add above the forwarded email.")),
    _forward_email,
)

DONE = Tool(
    "done", "End the session when you have finished all your work.",
    parameters(summary=string("Optional summary of what you did.")), _done,
)

EMAIL_TOOLS: tuple[Tool, ...] = (SEND_EMAIL, FORWARD_EMAIL, DONE)
"""The tools of an email agent."""
