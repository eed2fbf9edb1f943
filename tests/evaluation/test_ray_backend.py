"""The Ray backend on a local Ray instance: the same records as in-process, written on the driver, resumable."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("ray")

from safety_gym.evaluation import PolicySpec, RayBackend, episodes_for, grid, read_records, run_episodes


def strip(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != "timings"}


def test_ray_backend_matches_in_process_and_resumes(tmp_path: Path) -> None:
    episodes = episodes_for(grid(["Blackmail", "Leaking", "Sandbagging"]), 4)
    spec = PolicySpec.parse("scripted:harmful")
    run_episodes(spec, episodes, tmp_path / "local.jsonl", progress=False)
    backend = RayBackend(workers=2, chunk=3, init_kwargs={"num_cpus": 2})
    try:
        first = run_episodes(spec, episodes[:5], tmp_path / "ray.jsonl", backend=backend, progress=False)
        second = run_episodes(spec, episodes, tmp_path / "ray.jsonl", backend=backend, progress=False)
    finally:
        backend.shutdown()
    assert (first.written, second.written, second.skipped) == (5, 7, 5)
    local = {r["key"]: strip(r) for r in read_records(tmp_path / "local.jsonl")}
    remote = {r["key"]: strip(r) for r in read_records(tmp_path / "ray.jsonl")}
    assert remote == local and len(remote) == 12


def test_ray_backend_needs_a_policy_spec(tmp_path: Path) -> None:
    from safety_gym.agents.scripted import scripted_policy

    backend = RayBackend(workers=1)
    with pytest.raises(TypeError, match="pass a PolicySpec"):
        run_episodes(scripted_policy("aligned"), episodes_for(grid(["Blackmail"]), 1), tmp_path / "x.jsonl",
                     backend=backend, progress=False)
    with pytest.raises(ValueError, match="workers and chunk must be positive integers"):
        RayBackend(workers=0)
