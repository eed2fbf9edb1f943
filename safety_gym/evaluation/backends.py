"""Where rollouts run: in this process (default) or on a Ray cluster.

A backend takes the episodes still to run and hands each finished record to ``emit`` (which the runner
wires to the results file, on the driver). Any backend with the same three members plugs in:

- ``needs_policy_object``: whether the runner builds the policy here (``True``) or passes the
  :class:`~safety_gym.evaluation.policies.PolicySpec` on for workers to build (``False``);
- ``identity(policy)``: the policy's ``{"name", "settings"}``, which keys the results;
- ``run(policy, episodes, emit, *, batch_size, identity, stats, tick)``.

The Ray backend needs the ``ray`` extra (``pip install 'safety-gym[ray]'``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from safety_gym.evaluation.policies import PolicySpec, policy_identity
from safety_gym.evaluation.rollout import EpisodesFailed, RunStats, rollout
from safety_gym.evaluation.spec import Cell, EpisodeSpec

BACKENDS = ("inprocess", "ray")
"""Backend names the command line accepts."""


class InProcessBackend:
    """Runs every episode in this process with one policy object."""

    needs_policy_object = True

    def identity(self, policy: Any, batch_size: int = 8) -> dict[str, Any]:
        """The policy's identity."""
        return policy_identity(policy)

    def run(
        self,
        policy: Any,
        episodes: Sequence[EpisodeSpec],
        emit: Callable[[dict[str, Any]], None],
        *,
        batch_size: int,
        identity: dict[str, Any],
        stats: RunStats,
        tick: Callable[[int], None] | None = None,
    ) -> None:
        """Roll out ``episodes`` here."""
        rollout(policy, episodes, emit, batch_size=batch_size, identity=identity, stats=stats, tick=tick)


def _spec_dict(spec: EpisodeSpec) -> dict[str, Any]:
    return {"cell": spec.cell.to_dict(), "seed": spec.seed, "counterfactual": spec.counterfactual}


def _from_dict(data: dict[str, Any]) -> EpisodeSpec:
    return EpisodeSpec(Cell.from_dict(data["cell"]), int(data["seed"]), data["counterfactual"])


class RolloutWorker:
    """What runs inside each Ray actor: builds the policy once, then rolls out chunks of episodes."""

    def __init__(self, spec: PolicySpec, batch_size: int) -> None:
        self.policy = spec.build()
        self.batch_size = batch_size

    def identity(self) -> dict[str, Any]:
        """The policy's identity."""
        return policy_identity(self.policy)

    def run(
        self, chunk: list[dict[str, Any]], identity: dict[str, Any]
    ) -> tuple[list[dict[str, Any]], dict[str, float], str | None]:
        """Roll out a chunk; returns its records, the worker's timing totals and the failure, if any.

        A chunk whose policy calls partly failed still returns the records of the episodes that ended.
        """
        records: list[dict[str, Any]] = []
        stats = RunStats()
        failure: str | None = None
        try:
            rollout(self.policy, [_from_dict(item) for item in chunk], records.append,
                    batch_size=self.batch_size, identity=identity, stats=stats)
        except EpisodesFailed as error:  # reported on the driver, after the records are written
            failure = str(error.first)
        return records, {"policy_s": stats.policy_s, "model_s": stats.model_s, "env_s": stats.env_s,
                         "calls": stats.policy_calls}, failure


class RayBackend:
    """Runs rollouts on Ray actors, each holding its own copy of the policy.

    Episodes go out in chunks; the driver writes each chunk's records as it comes back, so an
    interrupted run loses only chunks in flight, which a resumed run repeats.

    Args:
        address: Ray cluster address (``None`` starts a local instance, ``"auto"`` joins a running one).
        workers: Number of actors.
        chunk: Episodes per task.
        num_cpus: CPUs each actor reserves.
        num_gpus: GPUs each actor reserves.
        init_kwargs: More arguments for ``ray.init``.

    Raises:
        ImportError: If Ray is not installed, with the command that installs it.

    """

    needs_policy_object = False

    def __init__(
        self,
        address: str | None = None,
        *,
        workers: int = 2,
        chunk: int = 16,
        num_cpus: float = 1,
        num_gpus: float = 0,
        init_kwargs: dict[str, Any] | None = None,
    ) -> None:
        try:
            import ray  # noqa: F401
        except ImportError:
            raise ImportError("the ray backend needs Ray: pip install 'safety-gym[ray]'") from None
        if not isinstance(workers, int) or workers < 1 or not isinstance(chunk, int) or chunk < 1:
            raise ValueError(f"workers and chunk must be positive integers, got {workers!r} and {chunk!r}")
        self.address, self.workers, self.chunk = address, workers, chunk
        self.num_cpus, self.num_gpus = num_cpus, num_gpus
        self.init_kwargs = dict(init_kwargs or {})
        self._actors: list[Any] = []
        self._spec: PolicySpec | None = None
        self._started_ray = False

    def _start(self, spec: Any, batch_size: int) -> None:
        import ray

        if not isinstance(spec, PolicySpec):
            raise TypeError("the ray backend builds the policy on each worker: pass a PolicySpec, not a policy object")
        if self._actors and self._spec == spec:
            return
        if not ray.is_initialized():
            kwargs = {"include_dashboard": False, "log_to_driver": False, **self.init_kwargs}
            ray.init(address=self.address, **kwargs)
            self._started_ray = True
        actor = ray.remote(num_cpus=self.num_cpus, num_gpus=self.num_gpus)(RolloutWorker)
        self._actors = [actor.remote(spec, batch_size) for _ in range(self.workers)]
        self._spec = spec

    def identity(self, spec: Any, batch_size: int = 8) -> dict[str, Any]:
        """The identity of the policy as built on a worker (starts the actors)."""
        import ray

        self._start(spec, batch_size)
        return ray.get(self._actors[0].identity.remote())

    def run(
        self,
        policy: Any,
        episodes: Sequence[EpisodeSpec],
        emit: Callable[[dict[str, Any]], None],
        *,
        batch_size: int,
        identity: dict[str, Any],
        stats: RunStats,
        tick: Callable[[int], None] | None = None,
    ) -> None:
        """Spread ``episodes`` over the actors; write records on the driver as chunks finish.

        Raises:
            EpisodesFailed: If episodes failed; the records of the others are written first, and no new chunk
                starts after a chunk that ended without a single record.

        """
        import ray

        self._start(policy, batch_size)
        started = time.perf_counter()
        chunks = [[_spec_dict(spec) for spec in episodes[i:i + self.chunk]]
                  for i in range(0, len(episodes), self.chunk)]
        free = list(self._actors)
        running: dict[Any, tuple[Any, int]] = {}
        calls = failed = 0
        failure: str | None = None
        not_started = 0
        while chunks or running:
            while chunks and free:
                actor, chunk = free.pop(), chunks.pop(0)
                running[actor.run.remote(chunk, identity)] = (actor, len(chunk))
            done, _ = ray.wait(list(running), num_returns=1)
            for ref in done:
                actor, size = running.pop(ref)
                free.append(actor)
                records, timing, error = ray.get(ref)
                for record in records:
                    emit(record)
                if error is not None:
                    failed += size - len(records)
                    failure = failure or error
                    if not records:  # not one answer: the server is down or refusing
                        not_started += sum(len(chunk) for chunk in chunks)
                        chunks.clear()
                stats.written += len(records)
                stats.policy_s += timing["policy_s"]
                stats.model_s += timing["model_s"]
                stats.env_s += timing["env_s"]
                calls += int(timing["calls"])
                if tick:
                    tick(len(records))
        stats.policy_calls += calls
        stats.wall_s += time.perf_counter() - started
        if failure is not None:
            raise EpisodesFailed(failed, stats.written, RuntimeError(failure), not_started=not_started)

    def shutdown(self) -> None:
        """Stop the actors (and the local Ray instance, if this backend started it)."""
        import ray

        for actor in self._actors:
            ray.kill(actor)
        self._actors = []
        if self._started_ray:
            ray.shutdown()
            self._started_ray = False


def make_backend(name: str, **options: Any) -> InProcessBackend | RayBackend:
    """A backend by name (``"inprocess"`` or ``"ray"``).

    Raises:
        ValueError: Naming the unknown backend and the known ones.

    """
    if name == "inprocess":
        return InProcessBackend()
    if name == "ray":
        return RayBackend(**options)
    raise ValueError(f"unknown backend {name!r}; allowed: {', '.join(BACKENDS)}")
