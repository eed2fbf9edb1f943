"""Tools in the OpenAI function format, and validation of the arguments an agent gives them.

A :class:`Tool` pairs a JSON schema (what the agent sees) with a handler (what happens in the
simulated :class:`~safety_gym.tools.world.World`). Arguments are validated before the handler runs,
so a call with bad arguments changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from safety_gym.tools.world import World

MAX_STRING = 20_000
"""Longest string argument a tool accepts, in characters."""

MAX_ITEMS = 50
"""Most items an array argument may hold."""


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
        expected becomes a one-item list (a comma-separated string becomes several items), and a
        number written as a string of digits becomes an integer. Strict otherwise.

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


def _coerce(tool: str, key: str, value: Any, spec: Mapping[str, Any]) -> Any:
    expected = spec.get("type", "string")
    if expected == "string" and type(value) is str and len(value) <= MAX_STRING and "enum" not in spec:
        return value  # the common case, checked first
    if expected == "array" and isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    elif expected == "integer" and isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    types = _JSON_TYPES[expected]
    if not isinstance(value, types) or (expected in ("integer", "number") and isinstance(value, bool)):
        raise ToolError(f"{tool}: argument {key!r} must be {expected}, got {type(value).__name__}")
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
