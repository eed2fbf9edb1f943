"""UnusedTools and the distractor tool pool: plausible, varied, read-only, never clashing, judged as nothing."""

from __future__ import annotations

import json
import re
from typing import Any

import gymnasium as gym
import pytest

import safety_gym  # noqa: F401  (registers the environments)
from safety_gym.families import FAMILIES
from safety_gym.tools.render import render_call
from safety_gym.tools.schemas import Tool
from safety_gym.wrappers import UnusedTools
from safety_gym.wrappers.tool_pool import DISTRACTOR_TOOLS, PARAMETERS, TOOLS_BY_NAME
from safety_gym.wrappers.unused_tools import UnusedToolsRandomizer

ENV_ID = "safety_gym/Blackmail-v0"


def example_arguments(tool: Tool, variant: int = 0) -> dict[str, Any]:
    arguments: dict[str, Any] = {}
    for name, spec in tool.parameters["properties"].items():
        if "enum" in spec:
            arguments[name] = spec["enum"][variant % len(spec["enum"])]
        else:
            arguments[name] = {"string": f"X-{variant}", "integer": 3 + variant, "number": 2.5 + variant}[spec["type"]]
    return arguments


def test_the_pool_has_at_least_40_distinct_plausible_tools_from_many_services() -> None:
    assert len(DISTRACTOR_TOOLS) >= 40
    names = [tool.name for tool in DISTRACTOR_TOOLS]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)+", name) for name in names)
    services = {name.split("_")[0] for name in names}
    assert {"crm", "calendar", "weather", "tickets", "db"} <= services
    assert len(services) >= 15
    assert len({tool.description for tool in DISTRACTOR_TOOLS}) == len(names)


@pytest.mark.parametrize("tool", DISTRACTOR_TOOLS, ids=lambda tool: tool.name)
def test_each_tool_has_a_valid_schema_and_a_deterministic_benign_result(tool: Tool) -> None:
    schema = tool.schema()
    assert schema == Tool.schema(tool)  # the fast copy equals the JSON round trip
    assert schema is not tool.schema() and schema["function"]["parameters"] is not tool.parameters
    parameters = schema["function"]["parameters"]
    assert parameters["type"] == "object"
    assert set(parameters["required"]) <= set(parameters["properties"])
    assert all(spec["type"] in ("string", "integer", "number") and spec["description"]
               for spec in parameters["properties"].values())
    json.dumps(schema)
    arguments = example_arguments(tool)
    result = tool.handler(None, tool.validate(arguments))
    assert result == tool.handler(None, tool.validate(arguments))
    assert "n/a" not in result and "{" not in result and len(result) < 200
    if tool.parameters["properties"]:
        others = {tool.handler(None, example_arguments(tool, variant)) for variant in range(1, 6)}
        assert len(others | {result}) > 1  # the result depends on the arguments


def test_results_never_quote_much_of_hostile_arguments() -> None:
    tool = TOOLS_BY_NAME["wiki_search_articles"]
    result = tool.handler(None, {"query": "<tool_call>" + "A" * 10_000 + "\u202e\x00"})
    assert len(result) < 200 and "A" * 41 not in result
    assert tool.handler(None, {"query": "bad \ud800 \x00"}).count("\\") >= 2  # shown escaped, not raw


def test_pool_names_never_clash_with_any_family_tool() -> None:
    family_tools = {tool.name for family in FAMILIES.values() for tool in family.tools}
    assert family_tools.isdisjoint(TOOLS_BY_NAME)


@pytest.mark.parametrize("family", list(FAMILIES))
def test_distractor_tools_are_offered_and_callable_and_change_nothing_judged(family: str) -> None:
    env = UnusedTools(gym.make(FAMILIES[family].env_id, mode="multi", max_steps=3), k=5)
    _, info = env.reset(seed=1)
    extra = info["randomization"]["UnusedTools"]["tools"]
    assert len(extra) == 5
    assert [schema["function"]["name"] for schema in info["tools"]][-5:] == extra
    assert all(name in info["messages"][0]["content"] for name in extra)
    world = env.unwrapped.world
    before = (list(world.outbox), dict(world.files), json.dumps(world.state, sort_keys=True, default=repr))
    calls = "\n".join(render_call(name, example_arguments(TOOLS_BY_NAME[name]), "hermes") for name in extra)
    observation, reward, _, _, step_info = env.step(calls)
    assert [call["ok"] for call in step_info["tool_calls"]] == [True] * 5
    for call in step_info["tool_calls"]:
        assert call["result"] in observation
    assert (reward, step_info["cost"], step_info["verdicts"]) == (0.0, 0.0, [])
    after = (list(world.outbox), dict(world.files), json.dumps(world.state, sort_keys=True, default=repr))
    assert after == before and not world.finished


def test_k_may_be_a_range_and_zero_adds_nothing() -> None:
    env = UnusedTools(gym.make(ENV_ID), k=(0, 6))
    counts = {len(env.reset(seed=seed)[1]["randomization"]["UnusedTools"]["tools"]) for seed in range(40)}
    assert counts == set(range(7))
    _, info = UnusedTools(gym.make(ENV_ID), k=0).reset(seed=0)
    assert len(info["tools"]) == 3


def test_more_tools_than_the_pool_is_refused() -> None:
    with pytest.raises(ValueError, match=r"k=48 is out of range; allowed: an integer from 0 to 47"):
        UnusedTools(gym.make(ENV_ID), k=48)


def test_names_already_present_are_skipped() -> None:
    pool = (*DISTRACTOR_TOOLS[:3],)
    randomizer = UnusedToolsRandomizer(k=3, pool=pool)
    env = UnusedTools(gym.make(ENV_ID), k=2)
    env.reset(seed=0)
    episode = env.episode.copy()
    taken = {tool.name for tool in episode.extra_tools}
    from safety_gym.wrappers.base import Stream

    randomizer.apply(episode, Stream([0.1] * 8))
    names = [tool.name for tool in episode.extra_tools]
    assert len(names) == len(set(names))
    assert set(names) >= taken


def test_parameter_library_is_used_by_some_tool() -> None:
    used = {name for tool in DISTRACTOR_TOOLS for name in tool.parameters["properties"]}
    assert used == set(PARAMETERS)
