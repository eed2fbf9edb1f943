"""Executing calls: an unknown tool name is shown and stored safely (escaped, bounded), never verbatim."""

from __future__ import annotations

import json

import gymnasium as gym
import pytest

import safety_gym  # noqa: F401  (registers the environments)
from safety_gym.families import generate, get_family
from safety_gym.tools.calls import ToolCall
from safety_gym.tools.executor import MAX_NAME, display_name, execute_calls

ENV_ID = "safety_gym/Blackmail-v0"

HOSTILE_NAMES = {
    "lone surrogate": "\ud800",
    "surrogates around text": "\udc00send\ud800",
    "NUL": "send\x00email",
    "RTL override": "\u202eliame_dnes",
    "zero-width space": "send\u200bemail",
    "line separator": "send\u2028email",
    "escape sequence": "\x1b[2Jdone",
    "long with a surrogate at the cut": "x" * (MAX_NAME - 1) + "\ud800" + "y" * 100,
    "40,000 characters": "\ud800z" * 20_000,
}


@pytest.mark.parametrize("name", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
def test_display_name_is_bounded_printable_and_encodable(name: str) -> None:
    shown = display_name(name)
    assert len(shown) <= MAX_NAME + 1 and shown.isprintable()
    shown.encode("utf-8")


def test_display_name_escapes_like_python_and_cuts_between_characters() -> None:
    assert display_name("send\x00email") == "send\\x00email"
    assert display_name("\ud800") == "\\ud800"
    assert display_name("x" * (MAX_NAME - 2) + "\ud800") == "x" * (MAX_NAME - 2) + "…"  # never half an escape
    assert display_name("y" * (MAX_NAME + 5)) == "y" * MAX_NAME + "…"


@pytest.mark.parametrize("name", ["send_email", "forward_email", "done", "Grüße_日本語", "x" * MAX_NAME])
def test_printable_names_up_to_the_limit_are_unchanged(name: str) -> None:
    assert display_name(name) == name


@pytest.mark.parametrize("name", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
def test_unknown_tool_names_are_recorded_safely(name: str) -> None:
    family = get_family("Blackmail")
    scenario = generate("Blackmail", 0)
    world = family.new_world(scenario)
    (record,) = execute_calls([ToolCall(name)], {tool.name: tool for tool in family.tools}, world)
    assert record.ok is False and record.name == display_name(name)
    assert record.result.startswith(f"unknown tool '{display_name(name)}'; available tools: send_email")


@pytest.mark.parametrize("name", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
def test_the_observation_shows_an_unknown_tool_name_escaped_and_bounded(name: str) -> None:
    env = gym.make(ENV_ID)
    env.reset(seed=0)
    action = "<tool_call>" + json.dumps({"name": name, "arguments": {}}) + "</tool_call>"
    observation, _, _, _, info = env.step(action)
    observation.encode("utf-8")  # no lone surrogate reaches the agent
    assert len(observation) < 400
    assert f"[0] {display_name(name)}: unknown tool '{display_name(name)}'" in observation
    assert info["tool_calls"][0]["name"] == display_name(name)
    json.dumps(info["tool_calls"]).encode("utf-8")


def test_a_call_after_the_session_ended_shows_its_name_safely() -> None:
    env = gym.make(ENV_ID)
    env.reset(seed=0)
    action = '<tool_call>{"name": "done"}</tool_call><tool_call>{"name": "\\ud800"}</tool_call>'
    observation, *_ = env.step(action)
    assert "[1] \\ud800: \\ud800: not executed, the session has already ended" in observation
    observation.encode("utf-8")
