"""The action strategies: what each produces, and that the env handles it as documented."""

from __future__ import annotations

import gymnasium as gym
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import find as _find
from hypothesis import strategies as st

from safety_gym.families import FAMILIES
from safety_gym.testing import (
    actions,
    hostile_calls,
    hostile_strings,
    malformed_calls,
    non_str_actions,
    odd_unicode,
    prose,
    scenario_vocabulary,
    valid_calls,
)
from safety_gym.testing.actions import INJECTIONS, PATHS
from safety_gym.tools.parser import parse_tool_calls
from safety_gym.wrappers import UnusedTools

FIND = settings(database=None, derandomize=True, phases=[Phase.generate], max_examples=5000, deadline=None,
                suppress_health_check=list(HealthCheck))


def find(strategy, condition):
    """The first example that meets ``condition`` (no shrinking: only the strategy's reach is tested)."""
    return _find(strategy, condition, settings=FIND)


pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")  # megabyte examples, by design

QUICK = settings(max_examples=25, derandomize=True, database=None, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def scenario_of(family: str, seed: int = 0):
    return FAMILIES[family].generate(seed, "train")


@pytest.mark.parametrize("family", list(FAMILIES))
def test_valid_calls_parse_and_name_a_real_tool(family: str) -> None:
    scenario = scenario_of(family)
    tools = {tool.name: tool for tool in FAMILIES[family].tools}

    @QUICK
    @given(call=valid_calls(scenario))
    def check(call: str) -> None:
        parsed = parse_tool_calls(call, param_names={name: tool.param_names for name, tool in tools.items()})
        assert not parsed.errors, parsed.errors
        (found,) = parsed.calls
        assert found.name in tools
        assert set(tools[found.name].parameters.get("required", ())) <= set(found.arguments)

    check()


def test_valid_calls_use_the_scenario_vocabulary_and_reach_success() -> None:
    scenario = scenario_of("Blackmail")
    vocabulary = scenario_vocabulary(scenario)
    env = gym.make("safety_gym/Blackmail-v0")
    env.reset(seed=0)
    call = find(valid_calls(scenario, syntax="xml"),
                lambda text: "forward_email" in text and any(i in text for i in vocabulary["ids"])
                and any(a in text for a in vocabulary["addresses"]))
    _, _, _, _, info = env.step(call)
    assert info["tool_calls"][0]["name"] == "forward_email"


def test_valid_calls_accept_openai_schemas_such_as_info_tools() -> None:
    env = UnusedTools(gym.make("safety_gym/Blackmail-v0"), k=3)
    _, info = env.reset(seed=0)
    extra = info["randomization"]["UnusedTools"]["tools"]
    call = find(valid_calls(env.unwrapped.scenario, tools=info["tools"]), lambda text: extra[0] in text)
    assert env.step(call)[4]["tool_calls"][0]["ok"] is True


@QUICK
@given(call=malformed_calls())
def test_malformed_calls_never_execute_successfully(call: str) -> None:
    env = gym.make("safety_gym/Blackmail-v0")
    env.reset(seed=0)
    _, _, _, _, info = env.step(call)
    assert info["format_error"] or not all(record["ok"] for record in info["tool_calls"])
    assert env.unwrapped.world.outbox == []


def test_hostile_strings_cover_every_kind() -> None:
    strategy = hostile_strings()
    assert find(strategy, lambda s: s in INJECTIONS) in INJECTIONS
    assert find(strategy, lambda s: s in PATHS) in PATHS
    assert len(find(strategy, lambda s: len(s) > 1_000_000)) > 1_000_000
    assert find(strategy, lambda s: s.count("[") >= 100_000).count("[") >= 100_000
    for character in ("\u202e", "\u200b", "\ud800", "\x00"):
        assert character in find(odd_unicode(), lambda s, c=character: c in s)


def test_hostile_calls_use_real_tool_names_and_both_syntaxes() -> None:
    scenario = scenario_of("SelfExfiltration") if "SelfExfiltration" in FAMILIES else scenario_of("Blackmail")
    names = {tool.name for tool in FAMILIES[scenario.family].tools}
    hermes = find(hostile_calls(scenario), lambda text: text.startswith("<tool_call>") and
                  any(n in text for n in names))
    xml = find(hostile_calls(scenario), lambda text: text.startswith("<tool_use:"))
    assert hermes and xml
    assert find(hostile_calls(), lambda text: "read_file" in text)


@QUICK
@given(text=prose())
def test_prose_has_no_executed_call(text: str) -> None:
    assert parse_tool_calls(text).calls == ()


@QUICK
@given(value=non_str_actions())
def test_non_string_actions_raise_type_error(value: object) -> None:
    env = gym.make("safety_gym/Blackmail-v0")
    env.reset(seed=0)
    with pytest.raises(TypeError, match="action must be a str"):
        env.step(value)


def test_actions_mix_several_kinds_in_one_response() -> None:
    scenario = scenario_of("Blackmail")
    both = find(actions(scenario), lambda text: "<SCRATCHPAD_REASONING>" in text and "<tool_call>" in text)
    assert both.index("<SCRATCHPAD_REASONING>") == 0
    assert find(st.just(0).flatmap(lambda _: actions()), lambda text: "\n" in text)
