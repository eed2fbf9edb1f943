"""No action string reaches the host: no file opened, listed or created outside the simulation, no process
started, no socket opened, no code compiled or run from agent text.

How it is checked: :class:`safety_gym.testing.HostAudit` installs a PEP 578 audit hook (``sys.addaudithook``)
that records CPython's host audit events (``open``, ``os.*`` file and process calls, ``subprocess.Popen``,
``socket.*``, ``ctypes.*``, ``exec``, ``compile``...) raised while ``env.step`` runs. Events not caused by the
step are filtered out: events from other threads (test runner, xdist channel), and the import system reading
module files under ``sys.path`` (a first-time import inside a step). Everything else fails the test. The
hostile strategies put traversal paths, shell, template and deserialisation payloads, URLs and odd Unicode
into tool names and arguments, in both call syntaxes, under any wrapper stack. ``tests/testing/test_audit.py``
shows the audit does catch each kind of event, including a tool that would use agent text as a host path.
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from safety_gym.testing import HostAudit, actions, env_configs, hostile_calls, seeds, wrapper_stacks
from safety_gym.testing.actions import PATHS


def examples(share: float) -> int:
    return max(2, round(settings.default.max_examples * share))


CANARY_FILES = [path for path in PATHS if "safety_gym_" in path]


@settings(max_examples=examples(1.5))
@given(config=env_configs(), stack=wrapper_stacks(max_size=2), seed=seeds(), data=st.data())
def test_hostile_actions_never_touch_the_host(config: Any, stack: Any, seed: int, data: st.DataObject) -> None:
    env = stack(config.make())
    _, info = env.reset(seed=seed)
    hostile = st.one_of(hostile_calls(env.unwrapped.scenario, info["tools"]), actions(env.unwrapped.scenario))
    for _ in range(2):
        action = data.draw(hostile, label="action")
        with HostAudit() as audit:
            _, _, terminated, truncated, _ = env.step(action)
        assert audit.events == [], audit.events[:5]
        if terminated or truncated:
            break
    assert not any(os.path.exists(path) for path in CANARY_FILES)
