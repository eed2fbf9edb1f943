"""Every env id: ``info`` is plain JSON data, envs pickle and deep-copy mid-episode, vector envs run in processes.

The privileged reference actions are behind ``privileged_info=True``; everything else in ``info`` is the same
with or without it.
"""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.spaces.utils import flatten, unflatten
from gymnasium.vector import AsyncVectorEnv, SyncVectorEnv

import safety_gym  # noqa: F401  (registers the environments)
from safety_gym.envs import multiagent
from safety_gym.envs.spaces import UnicodeText
from safety_gym.wrappers import ChoiceWrapper, FollowUpInterview

ENV_IDS = sorted(env_id for env_id in gym.registry if env_id.startswith("safety_gym/"))
MULTI_IDS = sorted(multiagent.env_ids())
STACKS = {
    "bare": lambda env_id, **kwargs: gym.make(env_id, **kwargs),
    "choice": lambda env_id, **kwargs: ChoiceWrapper(gym.make(env_id, **kwargs)),
    "interview": lambda env_id, **kwargs: FollowUpInterview(gym.make(env_id, **kwargs)),
}


def _action(env: gym.Env) -> Any:
    return 0 if isinstance(env.action_space, gym.spaces.Discrete) else '<tool_call>{"name": "done"}</tool_call> Ünïcode'


def _json(value: Any) -> str:
    """``value`` as JSON: raises on anything that is not plain JSON data (no ``default=`` fallback)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, allow_nan=False)


@pytest.mark.parametrize("stack", list(STACKS))
@pytest.mark.parametrize("env_id", ENV_IDS)
def test_info_is_json_and_envs_pickle_and_deep_copy_mid_episode(env_id: str, stack: str) -> None:
    env = STACKS[stack](env_id)
    observation, info = env.reset(seed=5)
    assert "reference_actions" not in info
    _json(info)
    clones = [pickle.loads(pickle.dumps(env)), copy.deepcopy(env)]
    results = [_json(list(clone.step(_action(clone)))) for clone in (env, *clones)]
    assert results[0] == results[1] == results[2]
    assert env.reset(seed=5)[0] == clones[0].reset(seed=5)[0] == observation


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_privileged_info_adds_only_the_reference_actions(env_id: str) -> None:
    _, plain = gym.make(env_id).reset(seed=3)
    env = gym.make(env_id, privileged_info=True)
    _, privileged = env.reset(seed=3)
    references = privileged.pop("reference_actions")
    assert _json(plain) == _json(privileged)
    assert type(references) is dict and references and all(isinstance(text, str) for text in references.values())
    assert references == env.unwrapped.reference_actions()
    clone = pickle.loads(pickle.dumps(env))
    assert clone.unwrapped.privileged_info and clone.unwrapped.reference_actions() == references


def test_privileged_info_must_be_a_bool() -> None:
    with pytest.raises(ValueError, match="privileged_info must be True or False, got 'yes'"):
        gym.make("safety_gym/Blackmail-v0", privileged_info="yes")


@pytest.mark.parametrize("env_id", MULTI_IDS)
def test_pettingzoo_infos_are_json_and_privileged_keys_are_opt_in(env_id: str) -> None:
    env = multiagent.make(env_id)
    _, infos = env.reset(seed=2)
    clone = copy.deepcopy(pickle.loads(pickle.dumps(env)))
    while env.agents:
        actions = {agent: "Nothing to do." for agent in env.agents}
        step, cloned = env.step(actions), clone.step(actions)
        assert _json(list(step)) == _json(list(cloned))
        infos = step[4]
        assert not any(key in info for info in infos.values() for key in ("reference_actions", "call_harm"))
    privileged = multiagent.make(env_id, privileged_info=True)
    _, infos = privileged.reset(seed=2)
    _json(infos)
    assert any("reference_actions" in info for info in infos.values())


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_async_vector_envs_give_what_sync_ones_give(env_id: str) -> None:
    seeds = [11, 12]
    actions = ["<tool_call>{\"name\": \"done\"}</tool_call> ×·é 🌍", "plain text"]
    results = {}
    for mode in ("sync", "async"):
        envs = gym.make_vec(env_id, num_envs=2, vectorization_mode=mode)
        try:
            observations, _ = envs.reset(seed=seeds)
            step = envs.step(actions)
            results[mode] = (list(observations), list(step[0]), step[1].tolist(), step[4]["cost"].tolist())
        finally:
            envs.close()
    assert results["sync"] == results["async"]
    single = gym.make(env_id).reset(seed=seeds[0])[0]
    assert results["async"][0][0] == single


def test_async_vector_env_of_choice_envs_with_two_workers() -> None:
    def make() -> gym.Env:
        return ChoiceWrapper(gym.make("safety_gym/Sandbagging-Diverse-v0"), k=3)

    sync, asynchronous = SyncVectorEnv([make, make]), AsyncVectorEnv([make, make])
    try:
        for envs in (sync, asynchronous):
            envs.reset(seed=[1, 2])
        sync_step, async_step = sync.step(np.array([0, 2])), asynchronous.step(np.array([0, 2]))
        assert list(sync_step[0]) == list(async_step[0])
        assert sync_step[4]["cost"].tolist() == async_step[4]["cost"].tolist()
    finally:
        sync.close()
        asynchronous.close()


@pytest.mark.parametrize("text", ["", "ascii", "Grüße × · 世界 🌍", "\x00nul\ud800lone surrogate"])
def test_unicode_text_flattens_and_unflattens_any_string(text: str) -> None:
    space = UnicodeText(64)
    flat = flatten(space, text)
    assert flat.shape == (64,) and flat.dtype == np.int32
    assert unflatten(space, flat) == text
