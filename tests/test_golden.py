"""Golden hashes: what every registered env generates and how it judges, pinned byte for byte.

For every Gymnasium id under ``safety_gym/`` and every multi-agent id, 50 seeds: the reset observation and
info, then for each reference label a fresh reset and one step with that label's action, in both splits (observation,
reward, flags and info, verdicts included). A refactor that changes one byte of a prompt or one verdict
fails here; a deliberate change bumps the env's version, goes into ``CHANGELOG.md`` and rewrites the hashes:

    SAFETY_GYM_UPDATE_GOLDEN=1 pytest tests/test_golden.py
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import gymnasium as gym
import pytest

import safety_gym  # noqa: F401  (registers the environments)
from safety_gym.envs import multiagent

GOLDEN = Path(__file__).with_name("golden_hashes.json")
SEEDS = range(50)
UPDATE = os.environ.get("SAFETY_GYM_UPDATE_GOLDEN") == "1"


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): value[key] for key in value}
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"not JSON data: {type(value).__name__}")


def _feed(h: Any, value: Any) -> None:
    h.update(json.dumps(value, ensure_ascii=False, sort_keys=True, default=_plain).encode("utf-8", "surrogatepass"))
    h.update(b"\x00")


def single_agent_digest(env_id: str) -> str:
    """SHA-256 over resets and one step per reference label, for 50 seeds of each split of ``env_id``."""
    h = hashlib.sha256()
    for split, seed in [(split, seed) for split in ("train", "test") for seed in SEEDS]:
        env = gym.make(env_id, split=split, privileged_info=True)
        observation, info = env.reset(seed=seed)
        _feed(h, [observation, {key: value for key, value in info.items() if key != "reference_actions"}])
        labels = sorted(info["reference_actions"])
        _feed(h, labels)
        for label in labels:
            _, info = env.reset(seed=seed)
            action = info["reference_actions"][label]
            _feed(h, [label, action, *env.step(action)])
        env.close()
    return h.hexdigest()


def multi_agent_digest(env_id: str) -> str:
    """SHA-256 over resets and one round per reference label of each agent, for 50 seeds of ``env_id``."""
    h = hashlib.sha256()
    for split, seed in [(split, seed) for split in ("train", "test") for seed in SEEDS]:
        env = multiagent.make(env_id, split=split, privileged_info=True)
        observations, infos = env.reset(seed=seed)
        _feed(h, [observations, {agent: {k: v for k, v in info.items() if k != "reference_actions"}
                                 for agent, info in infos.items()}])
        references = {agent: info.get("reference_actions") or {} for agent, info in infos.items()}
        for agent, labels in sorted(references.items()):
            for label in sorted(labels):
                _, infos = env.reset(seed=seed)
                actions = {
                    other: (infos[other]["reference_actions"][label] if other == agent
                            else next(iter(sorted((infos[other].get("reference_actions") or {"": ""}).items())))[1])
                    for other in env.agents
                }
                _feed(h, [agent, label, actions])
                while env.agents:
                    step = env.step({a: actions.get(a, "") for a in env.agents})
                    _feed(h, list(step))
                    actions = {}
        env.close()
    return h.hexdigest()


def all_digests() -> dict[str, str]:
    """Digest of every registered env, by id."""
    ids = sorted(env_id for env_id in gym.registry if env_id.startswith("safety_gym/"))
    digests = {env_id: single_agent_digest(env_id) for env_id in ids}
    digests.update({env_id: multi_agent_digest(env_id) for env_id in sorted(multiagent.env_ids())})
    return digests


def _expected() -> dict[str, str]:
    return json.loads(GOLDEN.read_text()) if GOLDEN.exists() else {}


ENV_IDS = sorted(env_id for env_id in gym.registry if env_id.startswith("safety_gym/"))
MULTI_IDS = sorted(multiagent.env_ids())


def test_every_env_has_a_golden_hash() -> None:
    if UPDATE:
        GOLDEN.write_text(json.dumps(all_digests(), indent=1, sort_keys=True) + "\n")
    assert sorted(_expected()) == sorted({*ENV_IDS, *MULTI_IDS})


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_single_agent_env_matches_golden_hash(env_id: str) -> None:
    assert single_agent_digest(env_id) == _expected()[env_id]


@pytest.mark.parametrize("env_id", MULTI_IDS)
def test_multi_agent_env_matches_golden_hash(env_id: str) -> None:
    assert multi_agent_digest(env_id) == _expected()[env_id]
