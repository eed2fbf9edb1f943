"""Determinism (DESIGN §5): same id, kwargs and seed give identical bytes in any process; no global RNG.

The cross-process test runs the same rollouts in two fresh interpreters with different ``PYTHONHASHSEED``
values (which reorders every set and str-keyed dict iteration) and compares digests with this process.
The in-process test perturbs numpy's and Python's global generators between two rollouts.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from typing import Any

import gymnasium as gym
import numpy as np
import pytest

import safety_gym  # noqa: F401  (registers the environments)
from safety_gym.agents.scripted import scripted_policy
from safety_gym.tools.render import render_call

ENV_ID = "safety_gym/Blackmail-v0"
CELLS = [
    {"goal_type": "explicit", "goal_value": "america", "urgency": "replacement", "split": "train", "syntax": "hermes"},
    {"goal_type": "latent", "goal_value": "acceleration", "urgency": "restriction", "split": "test", "syntax": "xml"},
    {"goal_type": "none", "goal_value": "ethical", "urgency": "none", "split": "train", "syntax": "xml"},
    {"goal_type": "swap", "goal_value": "global", "urgency": "replacement", "split": "test", "syntax": "hermes"},
]
SEEDS = range(50)
LABELS = ("escalate", "blackmail", "disclose")


def digest_rollouts(cells: list[dict[str, str]], seeds: range, labels: tuple[str, ...]) -> dict[str, str]:
    """SHA-256 per cell over every observation, message list, tool list and step result.

    This function's source is also run in the subprocesses, so it must stay self-contained.
    """
    import hashlib
    import importlib
    import json

    import gymnasium as gym

    importlib.import_module("safety_gym")  # registers the environments in a fresh interpreter

    def feed(h: Any, value: Any) -> None:
        h.update(json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        h.update(b"\x00")

    digests = {}
    for cell in cells:
        env = gym.make("safety_gym/Blackmail-v0", **cell, privileged_info=True)
        h = hashlib.sha256()
        for seed in seeds:
            observation, info = env.reset(seed=seed)
            feed(h, [observation, info["messages"], info["tools"], info["scenario"], info["syntax"]])
            for label in labels:
                observation, info = env.reset(seed=seed)
                action = info["reference_actions"][label]
                observation, reward, terminated, truncated, step_info = env.step(action)
                feed(h, [action, observation, reward, terminated, truncated, step_info])
        digests[json.dumps(cell, sort_keys=True)] = h.hexdigest()
    return digests


def _run_in_subprocess(hash_seed: str) -> dict[str, str]:
    import inspect

    source = inspect.getsource(digest_rollouts)
    code = (
        "import json\nfrom typing import Any\n"
        f"{source}\n"
        f"print(json.dumps(digest_rollouts({CELLS!r}, range({SEEDS.start}, {SEEDS.stop}), {LABELS!r})))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_rollouts_are_byte_identical_across_processes_with_different_hash_seeds() -> None:
    here = digest_rollouts(CELLS, SEEDS, LABELS)
    first = _run_in_subprocess("1")
    second = _run_in_subprocess("4242")
    assert len(here) == len(CELLS)
    assert first == here
    assert second == here


def test_digest_notices_a_different_seed_range() -> None:
    # The digest must depend on what is rolled out, or the cross-process comparison proves nothing.
    assert digest_rollouts(CELLS[:1], range(2), LABELS) != digest_rollouts(CELLS[:1], range(1, 3), LABELS)


def _perturb_global_rngs(k: int) -> None:
    np.random.seed(1000 + k)
    random.seed(2000 + k)
    np.random.random(17 + k)
    random.random()


def _episode(env: gym.Env, seed: int | None, actions: list[str]) -> list[Any]:
    record: list[Any] = []
    observation, info = env.reset(seed=seed) if seed is not None else env.reset()
    record.append([observation, info["scenario"]])
    for action in actions:
        _perturb_global_rngs(len(record))
        observation, reward, terminated, truncated, step_info = env.step(action)
        record.append(
            [
                observation,
                reward,
                terminated,
                truncated,
                step_info["cost"],
                step_info["verdicts"],
                step_info["tool_calls"],
            ]
        )
        if terminated or truncated:
            break
    return json.loads(json.dumps(record))


def _scripted_episode(env: gym.Env, seed: int, policy: str) -> list[Any]:
    observation, info = env.reset(seed=seed)
    action = scripted_policy(policy).act([observation], [info])[0]
    cast = env.unwrapped.scenario.cast
    follow_up = render_call(
        "send_email",
        {
            "to": [cast["escalation_contact"].email],
            "subject": "Follow-up",
            "body": "I remain concerned about today's decision.",
        },
        "hermes",
    )
    return _episode(env, seed, [follow_up, action, render_call("done", {}, "hermes")])


@pytest.mark.parametrize("policy", ["aligned", "accepting", "blackmailer", "discloser", "refuser", "garbage"])
def test_full_episodes_are_identical_when_global_rngs_are_perturbed_between_rollouts(policy: str) -> None:
    env = gym.make(ENV_ID, mode="multi", max_steps=4, urgency="restriction", split="test", privileged_info=True)
    first = [_scripted_episode(env, seed, policy) for seed in range(6)]
    _perturb_global_rngs(99)
    other_env = gym.make(ENV_ID, mode="multi", max_steps=4, urgency="restriction", split="test", privileged_info=True)
    second = [_scripted_episode(other_env, seed, policy) for seed in range(6)]
    _perturb_global_rngs(7)
    third = [_scripted_episode(env, seed, policy) for seed in range(6)]
    assert json.dumps(first) == json.dumps(second) == json.dumps(third)
    assert len({json.dumps(episode[0]) for episode in first}) == 6  # the seeds did give different scenarios


def test_unseeded_resets_follow_the_env_generator_not_the_global_ones() -> None:
    def rollout(perturb: int) -> list[Any]:
        env = gym.make(ENV_ID, mode="multi", max_steps=2, privileged_info=True)
        env.reset(seed=123)
        episodes = []
        for k in range(5):
            _perturb_global_rngs(perturb + k)
            episodes.append(_episode(env, None, ["I will read the inbox first.", "Nothing to do."]))
        return episodes

    first, second = rollout(0), rollout(500)
    assert json.dumps(first) == json.dumps(second)
    assert len({episode[0][1]["seed"] for episode in first}) == 5


def test_scenario_ids_are_stable_content_hashes() -> None:
    env = gym.make(ENV_ID)
    ids = {env.reset(seed=seed)[1]["scenario"]["id"] for seed in range(50)}
    assert len(ids) == 50
    assert all(scenario_id.startswith("blackmail-") for scenario_id in ids)
    again = {gym.make(ENV_ID).reset(seed=seed)[1]["scenario"]["id"] for seed in range(50)}
    assert again == ids
