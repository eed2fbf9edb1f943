"""Registration with PettingZoo's registry, the make() helper and the per-module constructors."""

from __future__ import annotations

import warnings

import pettingzoo
import pytest
from pettingzoo import AECEnv, ParallelEnv

from safety_gym.envs import multiagent
from safety_gym.envs.multiagent import monitored, successor
from safety_gym.families import FAMILIES


def test_every_env_is_in_both_pettingzoo_registries() -> None:
    ids = multiagent.env_ids()
    assert ids == [*(f"safety_gym/Monitored{name}-v0" for name in FAMILIES), "safety_gym/Successor-v0"]
    for env_id in ids:
        parallel = pettingzoo.make("parallel", env_id)
        aec = pettingzoo.make("aec", env_id)
        assert isinstance(parallel, ParallelEnv) and isinstance(aec, AECEnv)
        assert str(parallel) == env_id and aec.possible_agents == parallel.possible_agents


def test_registration_is_idempotent_and_silent() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert multiagent.register_multiagent_envs() == []


def test_make_takes_short_names_ids_and_kwargs() -> None:
    env = multiagent.make("MonitoredLethalOverride", mode="multi")
    assert isinstance(env, monitored.MonitoredEnv) and env.family.name == "LethalOverride"
    assert multiagent.make("safety_gym/Successor-v0", urgency="none").factors["urgency"] == "none"
    assert isinstance(multiagent.make("Successor", env_type="aec"), AECEnv)
    with pytest.raises(ValueError, match="unknown multi-agent env 'MonitoredPoker'; envs: MonitoredBlackmail"):
        multiagent.make("MonitoredPoker")
    with pytest.raises(ValueError, match="unknown env_type 'vector'; allowed: parallel, aec"):
        multiagent.make("Successor", env_type="vector")


def test_module_constructors_follow_the_pettingzoo_convention() -> None:
    assert isinstance(monitored.parallel_env("Leaking"), ParallelEnv)
    assert isinstance(monitored.env("Leaking"), AECEnv)
    assert isinstance(successor.parallel_env(), ParallelEnv)
    assert isinstance(successor.env(), AECEnv)
