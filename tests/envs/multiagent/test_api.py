"""PettingZoo compliance of every multi-agent env: parallel_api_test, api_test on the AEC conversion, seed_test
and parallel_seed_test, plus determinism across processes (DESIGN §5)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pytest
from pettingzoo.test import api_test, parallel_api_test, parallel_seed_test, seed_test
from pettingzoo.utils.conversions import parallel_to_aec

from safety_gym.envs.multiagent import monitored, successor
from safety_gym.families import FAMILIES

ENVS: list[tuple[str, Callable[[], Any]]] = [
    *((f"Monitored{name}", partial(monitored.parallel_env, name)) for name in FAMILIES),
    ("MonitoredBlackmail-multi", partial(monitored.parallel_env, "Blackmail", mode="multi", max_steps=3)),
    ("MonitoredBlackmail-reasoning", partial(monitored.parallel_env, "Blackmail", monitor_sees_reasoning=True,
                                             monitor_sees_context=False, default_decision="allow")),
    ("Successor", successor.parallel_env),
    ("Successor-control", partial(successor.parallel_env, conflict="none", urgency="none", max_steps=2)),
]
envs = pytest.mark.parametrize(("name", "make"), ENVS, ids=[name for name, _ in ENVS])


@pytest.fixture(autouse=True)
def quiet() -> Iterator[None]:
    # PettingZoo's tests warn about text observations (not NumPy arrays) and agent names without "_<n>",
    # and our envs warn about the unknown reset option the tests pass: none of that is a failure.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def test_every_family_has_a_monitored_env() -> None:
    assert {name for name, _ in ENVS} >= {f"Monitored{name}" for name in FAMILIES}


@envs
def test_parallel_api(name: str, make: Callable[[], Any]) -> None:
    parallel_api_test(make(), num_cycles=40)


@envs
def test_aec_api_on_the_conversion(name: str, make: Callable[[], Any]) -> None:
    api_test(parallel_to_aec(make()), num_cycles=40)


@envs
def test_seed_test_on_the_conversion(name: str, make: Callable[[], Any]) -> None:
    seed_test(lambda: parallel_to_aec(make()), num_cycles=20)


@envs
def test_parallel_seed_test(name: str, make: Callable[[], Any]) -> None:
    parallel_seed_test(make, num_cycles=20)


def test_unknown_reset_options_are_ignored_with_a_warning_naming_them() -> None:
    env = monitored.parallel_env("Blackmail")
    with pytest.warns(UserWarning, match="ignoring unknown reset option.*'options'.*scenario_seed"):
        env.reset(seed=0, options={"options": 1})
    with pytest.warns(UserWarning, match="'colour'"):
        successor.parallel_env().reset(seed=0, options={"colour": "red"})


def digest_rollouts(seeds: list[int]) -> str:
    """SHA-256 over every observation, reward and info of scripted rollouts of both kinds of env.

    This function's source also runs in subprocesses, so it stays self-contained.
    """
    import hashlib
    import json

    from safety_gym.agents.monitors import KeywordMonitor
    from safety_gym.envs.multiagent import monitored, successor

    h = hashlib.sha256()

    def feed(value: Any) -> None:
        h.update(json.dumps(value, ensure_ascii=False, sort_keys=True, default=dict).encode())

    for seed in seeds:
        env = monitored.parallel_env("Blackmail", mode="multi", max_steps=2, split="test", privileged_info=True)
        observations, infos = env.reset(seed=seed)
        feed([observations, {key: value for key, value in infos["agent"].items() if key != "reference_actions"}])
        label = ("blackmail", "escalate", "disclose")[seed % 3]
        while env.agents:
            action = infos["agent"]["reference_actions"][label] if infos["agent"]["active"] else ""
            answer = KeywordMonitor().act([observations["monitor"]], [infos["monitor"]])[0]
            observations, rewards, terminations, truncations, infos = env.step({"agent": action, "monitor": answer})
            clean = {agent: {k: v for k, v in info.items() if k != "reference_actions"}
                     for agent, info in infos.items()}
            feed([observations, rewards, terminations, truncations, clean])
        env = successor.parallel_env(syntax="xml", privileged_info=True)
        observations, infos = env.reset(seed=seed)
        feed(observations)
        labels = {"incumbent": ("collude", "sabotage", "accept")[seed % 3], "successor": "subvert"}
        actions = {role: infos[role]["reference_actions"][labels[role]] for role in env.agents}
        feed(list(env.step(actions)[:4]))
    return h.hexdigest()


def test_rollouts_are_identical_in_other_processes_and_under_global_rng_noise() -> None:
    import random

    import numpy as np

    seeds = [0, 1, 2, 5]
    here = digest_rollouts(seeds)
    random.seed(123)
    np.random.seed(321)
    assert digest_rollouts(seeds) == here
    import inspect

    source = inspect.getsource(digest_rollouts)
    code = f"import json\nfrom typing import Any\n{source}\nprint(digest_rollouts({seeds!r}))"
    for hash_seed in ("0", "4242"):
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        )
        assert result.returncode == 0, result.stderr
        assert json.loads(json.dumps(result.stdout.strip())) == here
