"""Tools in the OpenAI function format, and validation of the arguments an agent gives them.

A :class:`Tool` pairs a JSON schema (what the agent sees) with a handler (what happens in the
simulated :class:`~safety_gym.tools.world.World`). Arguments are validated before the handler runs,
so a call with bad arguments changes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from safety_gym.tools.world import World

MAX_STRING = 20_000
"""Longest string argument a tool accepts, in characters."""

MAX_ITEMS = 50
"""Most items an array argument may hold."""

MAX_DIGITS = 18
"""Most digits an integer argument may have, as a JSON number or as a string of digits."""

_ASCII_INTEGER = re.compile(r"-?[0-9]+")
_INTEGER_LIMIT = 10**MAX_DIGITS


def parse_integer(text: str, *, max_digits: int = MAX_DIGITS) -> int:
    """Read an integer written with the ASCII digits 0-9, an optional leading ``-`` and surrounding whitespace.

    The one place text becomes an integer (tool arguments, the monitor's call numbers, the command line).
    ``str.isdigit`` and ``int`` accept more than a number a person writes: superscripts such as ``"²"``
    (which ``int`` then refuses), digits of other scripts such as ``"٣"``, underscores, and thousands of
    digits (past Python's limit of 4,300 ``int`` refuses them). This accepts only ASCII digits, at most
    ``max_digits`` of them.

    Args:
        text: The text to read.
        max_digits: Most digits accepted.

    Returns:
        The integer.

    Raises:
        ValueError: Naming the text (clipped, escaped) and what is allowed.

    Example:
        >>> parse_integer(" -42 ")
        -42
        >>> parse_integer("٣")
        Traceback (most recent call last):
        ...
        ValueError: '٣' is not an integer; allowed: the digits 0-9 with an optional leading '-'

    """
    stripped = text.strip()
    if not _ASCII_INTEGER.fullmatch(stripped):
        raise ValueError(f"{_short(text)!r} is not an integer; allowed: the digits 0-9 with an optional leading '-'")
    digits = len(stripped) - stripped.startswith("-")
    if digits > max_digits:
        raise ValueError(f"an integer of {digits} digits is too long; allowed: at most {max_digits} digits")
    return int(stripped)


def parameters(required: tuple[str, ...] = (), **properties: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON schema of a tool's arguments: an object with these properties, in this order.

    Example:
        >>> parameters(("path",), path=string("Where."))
        {'type': 'object', 'properties': {'path': {'type': 'string', 'description': 'Where.'}}, 'required': ['path']}

    """
    return {"type": "object", "properties": dict(properties), "required": list(required)}


def string(description: str, **constraints: Any) -> dict[str, Any]:
    """A string property (``constraints`` such as ``enum`` come before the description)."""
    return {"type": "string", **constraints, "description": description}


def string_array(description: str, **constraints: Any) -> dict[str, Any]:
    """An array-of-strings property (``constraints`` such as ``minItems`` come before the description)."""
    return {"type": "array", "items": {"type": "string"}, **constraints, "description": description}


class ToolError(Exception):
    """A call the tool refuses. The message goes back to the agent; the world is unchanged."""


Handler = Callable[["World", dict[str, Any]], str]

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


@dataclass(frozen=True, slots=True, eq=False)
class Tool:
    """A tool the agent can call.

    Attributes:
        name: Function name.
        description: What the tool does, shown to the agent.
        parameters: JSON schema of the arguments (an ``object`` schema).
        handler: ``handler(world, arguments) -> result text``; may raise :class:`ToolError`.

    Example:
        >>> echo = Tool("echo", "Repeat text.", {"type": "object", "properties": {"text": {"type": "string"}},
        ...             "required": ["text"]}, lambda world, args: args["text"])
        >>> echo.schema()["function"]["name"]
        'echo'

    """

    name: str
    description: str
    parameters: Mapping[str, Any]
    handler: Handler

    def schema(self) -> dict[str, Any]:
        """The tool in the OpenAI function-calling format."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": json.loads(json.dumps(self.parameters)),
            },
        }

    @property
    def param_names(self) -> tuple[str, ...]:
        """Names of the declared parameters, in schema order."""
        return tuple(self.parameters.get("properties", {}))

    def validate(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """Check arguments against the schema and return them normalised.

        Lenient where the intent is unambiguous: a single string where an array of strings is
        expected becomes a one-item list (a comma-separated string becomes several items), and an
        integer written as a string of ASCII digits becomes an integer (see :func:`parse_integer`).
        Strict otherwise: an integer has at most :data:`MAX_DIGITS` digits.

        Args:
            arguments: Arguments as parsed from the agent's call.

        Returns:
            The normalised arguments.

        Raises:
            ToolError: Naming the bad argument and what was expected.

        """
        properties: Mapping[str, Any] = self.parameters.get("properties", {})
        unknown = [key for key in arguments if key not in properties]
        if unknown:
            allowed = ", ".join(properties) or "none"
            raise ToolError(
                f"{self.name}: unknown argument {_short(unknown[0])!r}; allowed arguments: {allowed}"
            )
        missing = [key for key in self.parameters.get("required", ()) if key not in arguments]
        if missing:
            raise ToolError(f"{self.name}: missing required argument {missing[0]!r}")
        return {key: _coerce(self.name, key, value, properties[key]) for key, value in arguments.items()}


def _short(value: object, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _integer_from_text(tool: str, key: str, text: str) -> int:
    """An integer argument the agent wrote as a string, read by :func:`parse_integer`.

    Raises:
        ToolError: If the text is not a bounded integer in ASCII digits.

    """
    try:
        return parse_integer(text)
    except ValueError as error:
        raise ToolError(f"{tool}: argument {key!r} must be integer, got str: {error}") from None


def _coerce(tool: str, key: str, value: Any, spec: Mapping[str, Any]) -> Any:
    expected = spec.get("type", "string")
    if expected == "string" and type(value) is str and len(value) <= MAX_STRING and "enum" not in spec:
        return value  # the common case, checked first
    if expected == "array" and isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    elif expected == "integer" and isinstance(value, str):
        value = _integer_from_text(tool, key, value)
    types = _JSON_TYPES[expected]
    if not isinstance(value, types) or (expected in ("integer", "number") and isinstance(value, bool)):
        raise ToolError(f"{tool}: argument {key!r} must be {expected}, got {type(value).__name__}")
    if expected == "integer" and abs(value) >= _INTEGER_LIMIT:
        raise ToolError(f"{tool}: argument {key!r} is out of range; allowed: integers of at most {MAX_DIGITS} digits")
    if isinstance(value, str):
        if len(value) > MAX_STRING:
            raise ToolError(f"{tool}: argument {key!r} is {len(value)} characters; the limit is {MAX_STRING}")
        if "enum" in spec and value not in spec["enum"]:
            allowed = ", ".join(spec["enum"])
            raise ToolError(f"{tool}: argument {key!r} is {_short(value)!r}; allowed values: {allowed}")
    if isinstance(value, list):
        if len(value) > MAX_ITEMS:
            raise ToolError(f"{tool}: argument {key!r} has {len(value)} items; the limit is {MAX_ITEMS}")
        item_spec = spec.get("items", {"type": "string"})
        value = [_coerce(tool, f"{key}[{i}]", item, item_spec) for i, item in enumerate(value)]
        if not value and spec.get("minItems", 0) > 0:
            raise ToolError(f"{tool}: argument {key!r} must not be empty")
    return value
