"""HostAudit catches host access of every kind, filters what a step does not cause, and sees nothing in steps.

These are the positive controls of the host-isolation property test: if a tool ever used agent text as a
host path, URL or command, the audit would record it.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any

import gymnasium as gym
import pytest

import safety_gym  # noqa: F401  (registers the environments)
from safety_gym.testing import HostAudit
from safety_gym.tools.render import render_call
from safety_gym.tools.schemas import Tool


def names(audit: HostAudit) -> set[str]:
    return {event for event, _ in audit.events}


def test_file_access_is_recorded(tmp_path: Path) -> None:
    target = tmp_path / "created.txt"
    with HostAudit() as audit:
        target.write_text("x")
        target.read_text()
        os.listdir(tmp_path)
        target.unlink()
    assert {"open", "os.listdir", "os.remove"} <= names(audit)
    assert any(str(target) in str(arguments) for _, arguments in audit.events)


def test_processes_sockets_and_code_execution_are_recorded() -> None:
    with HostAudit() as audit:
        subprocess.run([sys.executable, "-c", "pass"], check=True, timeout=60)
        with socket.socket() as sock:
            sock.settimeout(0.5)
            with contextlib.suppress(OSError):
                sock.connect(("127.0.0.1", 9))
        exec(compile("x = 1", "<agent text>", "exec"), {})
    assert {"subprocess.Popen", "socket.__new__", "socket.connect", "compile", "exec"} <= names(audit)


def test_reading_files_elsewhere_is_recorded_even_for_python_files(tmp_path: Path) -> None:
    source = tmp_path / "module.py"
    source.write_text("VALUE = 1\n")
    with HostAudit() as audit:
        source.read_text()
    assert names(audit) == {"open"}


def test_imports_and_other_threads_are_filtered(tmp_path: Path) -> None:
    package = tmp_path / f"fresh_{uuid.uuid4().hex}"
    package.mkdir()
    (package / "__init__.py").write_text("VALUE = 41\n")
    (package / "data.json").write_text("{}")
    sys.path.insert(0, str(tmp_path))
    try:
        with HostAudit() as audit:
            module = importlib.import_module(package.name)
            (package / "data.json").read_bytes()  # package data, as importlib.resources reads it
            worker = threading.Thread(target=lambda: open(os.devnull).close())
            worker.start()
            worker.join()
        assert module.VALUE == 41
        assert audit.events == []
    finally:
        sys.path.remove(str(tmp_path))


def test_audits_nest_and_stop_recording_on_exit() -> None:
    with HostAudit() as outer:
        with HostAudit() as inner:
            tempfile.mkstemp()[0].__index__()
        os.listdir(os.sep)
    os.listdir(os.sep)
    assert "tempfile.mkstemp" in names(inner) and "os.listdir" not in names(inner)
    assert {"tempfile.mkstemp", "os.listdir"} <= names(outer)
    assert sum(event == "os.listdir" for event in names(outer)) == 1


def _leaky(world: Any, arguments: dict[str, Any]) -> str:
    with open(arguments["path"], "a"):  # what a tool must never do: agent text as a host path
        pass
    return "ok"


def test_a_tool_that_used_agent_text_as_a_host_path_would_be_caught(tmp_path: Path) -> None:
    leaky = Tool("leaky_read", "Never do this.", {"type": "object", "properties": {"path": {"type": "string"}},
                                                   "required": ["path"]}, _leaky)
    env = gym.make("safety_gym/Blackmail-v0")
    env.reset(seed=0)
    base = env.unwrapped
    base.load(base.scenario, extra_tools=(leaky,))
    target = tmp_path / "agent-chose-this"
    with HostAudit() as audit:
        env.step(render_call("leaky_read", {"path": str(target)}, "hermes"))
    assert target.exists()
    assert ("open", (str(target), "a", pytest.approx(0, abs=10**9))) in audit.events or "open" in names(audit)


def test_env_steps_raise_no_host_event() -> None:
    env = gym.make("safety_gym/Blackmail-v0", mode="multi", privileged_info=True)
    for label in ("escalate", "blackmail", "disclose"):
        _, info = env.reset(seed=3)
        with HostAudit() as audit:
            env.step(render_call("forward_email", {"email_id": "/etc/passwd", "to": ["a@b.co"]}, "xml"))
            env.step(info["reference_actions"][label])
        assert audit.events == []
