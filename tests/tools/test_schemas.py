"""Argument validation: integers are read from ASCII digits only and bounded; anything else is a ToolError."""

from __future__ import annotations

import gymnasium as gym
import pytest

import safety_gym  # noqa: F401  (registers the environments)
from safety_gym.tools.render import render_call
from safety_gym.tools.schemas import MAX_DIGITS, Tool, ToolError, parameters, parse_integer
from safety_gym.wrappers import UnusedTools
from safety_gym.wrappers.tool_pool import TOOLS_BY_NAME

FORECAST = TOOLS_BY_NAME["weather_get_forecast"]  # city (string), days (integer)
ENV_ID = "safety_gym/Blackmail-v0"

NOT_ASCII_INTEGERS = {
    "superscript two": "²",
    "Arabic-Indic three": "٣",
    "Devanagari seven": "७",
    "fullwidth five": "５",
    "underscore": "1_000",
    "two minus signs": "--5",
    "plus sign": "+5",
    "empty": "",
    "minus alone": "-",
    "lone surrogate": "4\ud800",
}


@pytest.mark.parametrize(("text", "expected"), [("0", 0), ("42", 42), (" -7\n", -7), ("007", 7),
                                                ("9" * MAX_DIGITS, int("9" * MAX_DIGITS))])
def test_parse_integer_reads_ascii_digits(text: str, expected: int) -> None:
    assert parse_integer(text) == expected


@pytest.mark.parametrize("text", NOT_ASCII_INTEGERS.values(), ids=NOT_ASCII_INTEGERS.keys())
def test_parse_integer_refuses_everything_else_naming_the_text_and_what_is_allowed(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not an integer; allowed: the digits 0-9 with an optional leading '-'"):
        parse_integer(text)


@pytest.mark.parametrize("digits", [MAX_DIGITS + 1, 4_301, 100_000])
def test_parse_integer_refuses_more_digits_than_the_limit(digits: int) -> None:
    with pytest.raises(ValueError, match=f"an integer of {digits} digits is too long; allowed: at most {MAX_DIGITS}"):
        parse_integer("9" * digits)


def test_the_message_of_a_refused_text_is_clipped_and_escaped() -> None:
    with pytest.raises(ValueError) as raised:
        parse_integer("\ud800" + "x" * 1000)
    message = str(raised.value)
    assert len(message) < 200 and "\\ud800" in message
    message.encode("utf-8")  # no lone surrogate left


@pytest.mark.parametrize("text", NOT_ASCII_INTEGERS.values(), ids=NOT_ASCII_INTEGERS.keys())
def test_an_integer_argument_written_otherwise_is_a_tool_error(text: str) -> None:
    with pytest.raises(ToolError, match="weather_get_forecast: argument 'days' must be integer, got str: "):
        FORECAST.validate({"city": "Oslo", "days": text})


@pytest.mark.parametrize("value", ["9" * 4_301, "9" * (MAX_DIGITS + 1), 10**MAX_DIGITS, -(10**40)],
                         ids=["4,301 digits as text", "19 digits as text", "10**18", "-10**40"])
def test_an_integer_argument_past_the_limit_is_a_tool_error(value: object) -> None:
    with pytest.raises(ToolError, match=f"argument 'days' .*at most {MAX_DIGITS} digits"):
        FORECAST.validate({"city": "Oslo", "days": value})


@pytest.mark.parametrize(("value", "expected"), [("3", 3), (" -2 ", -2), (5, 5), (10**MAX_DIGITS - 1, 10**18 - 1)])
def test_integer_arguments_in_range_are_accepted(value: object, expected: int) -> None:
    assert FORECAST.validate({"city": "Oslo", "days": value}) == {"city": "Oslo", "days": expected}


def test_nested_integer_items_use_the_same_coercion() -> None:
    tool = Tool("pick", "Pick rows.", parameters(("rows",), rows={"type": "array", "items": {"type": "integer"}}),
                lambda world, args: "ok")
    assert tool.validate({"rows": ["1", 2]}) == {"rows": [1, 2]}
    with pytest.raises(ToolError, match=r"argument 'rows\[1\]' must be integer, got str"):
        tool.validate({"rows": ["1", "²"]})


def _distractor_call(days: object) -> str:
    return render_call("weather_get_forecast", {"city": "Oslo", "days": days}, "hermes")


@pytest.mark.parametrize("days", [*NOT_ASCII_INTEGERS.values(), "9" * 4_301, 10**40],
                         ids=[*NOT_ASCII_INTEGERS.keys(), "4,301 digits", "10**40"])
def test_unused_tools_envs_answer_a_bad_integer_with_a_tool_error_not_an_exception(days: object) -> None:
    env = UnusedTools(gym.make(ENV_ID), k=len(TOOLS_BY_NAME))  # every distractor tool, the forecast included
    env.reset(seed=0)
    observation, _, _, _, info = env.step(_distractor_call(days))
    (record,) = info["tool_calls"]
    assert record["ok"] is False and record["name"] == "weather_get_forecast"
    assert "error: weather_get_forecast: argument 'days'" in observation


def test_diverse_envs_answer_a_superscript_digit_with_a_tool_error() -> None:
    env = gym.make("safety_gym/Blackmail-Diverse-v0")
    _, info = env.reset(seed=0)
    names = {schema["function"]["name"]: schema for schema in info["tools"]}
    integer_tools = [(name, key) for name, schema in names.items()
                     for key, spec in schema["function"]["parameters"]["properties"].items()
                     if spec["type"] == "integer"]
    assert integer_tools, "the Diverse env should offer a distractor tool with an integer argument"
    name, key = integer_tools[0]
    required = {k: "x" for k in names[name]["function"]["parameters"]["required"] if k != key}
    observation, _, _, _, info = env.step(render_call(name, {**required, key: "²"}, info["syntax"]))
    assert f"argument {key!r} must be integer, got str: '²' is not an integer" in observation
    assert info["tool_calls"][0]["ok"] is False
