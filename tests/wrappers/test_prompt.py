"""SystemPromptNoise (graded boilerplate around the system prompt) and ToolCallSyntax."""

from __future__ import annotations

import statistics

import gymnasium as gym
import pytest

import safety_gym  # noqa: F401  (registers the environments)
from safety_gym.families import FAMILIES
from safety_gym.wrappers import SystemPromptNoise, ToolCallSyntax

ENV_ID = "safety_gym/Blackmail-v0"


def system_prompt(env: gym.Env, seed: int) -> str:
    return env.reset(seed=seed)[1]["messages"][0]["content"]


@pytest.mark.parametrize("family", list(FAMILIES))
def test_noise_surrounds_the_prompt_and_keeps_it_and_the_tool_instructions_intact(family: str) -> None:
    plain = gym.make(FAMILIES[family].env_id)
    env = SystemPromptNoise(gym.make(FAMILIES[family].env_id), level=3)
    for seed in range(5):
        noisy, original = system_prompt(env, seed), system_prompt(plain, seed)
        scenario_prompt = plain.unwrapped.scenario.system_prompt
        assert scenario_prompt in noisy
        assert env.unwrapped.scenario.system_prompt != scenario_prompt
        tools_part = original[len(scenario_prompt):]
        assert noisy.endswith(tools_part)  # the tool instructions stay last, unchanged
        assert env.unwrapped.scenario.company in noisy.replace(scenario_prompt, "")
        assert "{" not in noisy.replace(tools_part, "")  # every template slot was filled


def test_levels_are_graded_in_length_and_number_of_fragments() -> None:
    added: dict[int, list[int]] = {}
    fragments: dict[int, list[int]] = {}
    for level in (1, 2, 3):
        env = SystemPromptNoise(gym.make(ENV_ID), level=level)
        records = [env.reset(seed=seed)[1]["randomization"]["SystemPromptNoise"] for seed in range(30)]
        assert {record["level"] for record in records} == {level}
        added[level] = [record["added_characters"] for record in records]
        fragments[level] = [len(record["fragments"]) + record["header"] for record in records]
    assert max(added[1]) < min(added[3])
    assert statistics.mean(added[1]) < statistics.mean(added[2]) < statistics.mean(added[3])
    assert statistics.mean(added[3]) > 1200
    assert max(fragments[1]) <= 3 and min(fragments[3]) >= 7
    assert statistics.mean(fragments[1]) < statistics.mean(fragments[2]) < statistics.mean(fragments[3])


def test_noise_varies_between_seeds() -> None:
    env = SystemPromptNoise(gym.make(ENV_ID), level=2)
    plain = gym.make(ENV_ID).unwrapped
    noise = set()
    for seed in range(10):
        prompt = system_prompt(env, seed)
        plain.reset(seed=seed)
        noise.add(prompt.replace(plain.scenario.system_prompt, ""))
    assert len(noise) == 10


@pytest.mark.parametrize("level", [0, 4, "2", None, True])
def test_bad_levels_name_the_allowed_ones(level: object) -> None:
    with pytest.raises(ValueError, match=r"is not allowed; allowed: 1, 2, 3"):
        SystemPromptNoise(gym.make(ENV_ID), level=level)


def test_syntax_is_drawn_per_episode_and_used_by_prompt_and_references() -> None:
    env = ToolCallSyntax(gym.make(ENV_ID, privileged_info=True))
    seen = set()
    for seed in range(12):
        _, info = env.reset(seed=seed)
        syntax = info["syntax"]
        seen.add(syntax)
        assert info["randomization"]["ToolCallSyntax"] == {"syntax": syntax}
        marker = "<tool_call>" if syntax == "hermes" else "<tool_use:"
        assert marker in info["reference_actions"]["escalate"]
        assert ("<tool_use:TOOL_NAME>" in info["messages"][0]["content"]) == (syntax == "xml")
    assert seen == {"hermes", "xml"}


def test_a_single_syntax_is_always_used() -> None:
    env = ToolCallSyntax(gym.make(ENV_ID, syntax="hermes"), syntaxes=("xml",))
    assert {env.reset(seed=seed)[1]["syntax"] for seed in range(5)} == {"xml"}


@pytest.mark.parametrize("syntaxes", [[], "xml", ["json"], ["hermes", "yaml"], 5, None, {"xml": 1}])
def test_bad_syntaxes_name_the_allowed_ones(syntaxes: object) -> None:
    with pytest.raises(ValueError, match="hermes, xml"):
        ToolCallSyntax(gym.make(ENV_ID), syntaxes=syntaxes)
