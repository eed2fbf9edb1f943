"""The batched rollout loop: many episodes, one policy, model calls batched across environments.

:func:`rollout` keeps up to ``batch_size`` episodes in flight. Each round it asks the policy for the actions
of every episode that is waiting (one batched call), steps their environments, hands each finished
episode's record to ``emit`` and starts the next pending one in its place, so the model sees full
batches until the work runs out. Single-turn and multi-turn envs run the same way. Backends
(:mod:`safety_gym.evaluation.backends`) run it in this process or on workers;
:func:`safety_gym.evaluation.runner.run_episodes`
stores what it emits.

A policy whose batch partly failed raises an exception with an ``actions`` list (one per environment,
``None`` where it has no answer), as :class:`~safety_gym.agents.openai_policy.BatchError` and
:class:`~safety_gym.agents.openai_policy.Interrupted` do. The rollout then steps the environments that got
an answer (emitting the episodes that end) and drops the others, unwritten, so that a resumed run repeats
them. After a failure the rollout goes on while rounds still bring answers and raises
:class:`EpisodesFailed` at the end; a round without a single answer stops it. A ``KeyboardInterrupt`` with
``actions`` is raised again as soon as the answers that arrived are stepped and emitted.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym

from safety_gym import __version__
from safety_gym.evaluation.policies import policy_id, policy_identity
from safety_gym.evaluation.spec import Cell, EpisodeSpec


class EpisodesFailed(RuntimeError):
    r"""Episodes whose policy call failed; they were not written, and a resumed run repeats them.

    Attributes:
        failed: Episodes dropped.
        written: Episodes written by this rollout.
        not_started: Episodes not started because a round brought no answer at all.
        first: The first failure (also the ``__cause__``).

    Example:
        >>> print(str(EpisodesFailed(1, 2, RuntimeError("server down"))).replace("; ", ";\n"))
        1 episode failed and was not written (2 written);
        rerun the same command to run it again. First failure: server down
        >>> print(str(EpisodesFailed(2, 0, RuntimeError("down"), not_started=4)).replace("; ", ";\n"))
        2 episodes failed and were not written (0 written;
        4 not started);
        rerun the same command to run them again. First failure: down

    """

    def __init__(self, failed: int, written: int, first: BaseException, *, not_started: int = 0) -> None:
        what = (f"{failed} episodes failed and were not written" if failed != 1
                else "1 episode failed and was not written")
        again = "it" if failed + not_started == 1 else "them"
        rest = f"; {not_started} not started" if not_started else ""
        super().__init__(f"{what} ({written} written{rest}); rerun the same command to run {again} again. "
                         f"First failure: {first}")
        self.failed, self.written, self.not_started, self.first = failed, written, not_started, first


@dataclass
class RunStats:
    """What a run did and where its time went.

    Attributes:
        written: Episodes run and written by this call.
        skipped: Episodes already in the results file.
        wall_s: Wall time of the call.
        policy_s: Time inside ``policy.act``.
        model_s: Time inside the model's forward passes (policies that report ``model_seconds``), or requests.
        env_s: Time in env resets and steps.
        policy_calls: Batched policy calls.
        mean_batch: Average number of environments per policy call.

    """

    written: int = 0
    skipped: int = 0
    wall_s: float = 0.0
    policy_s: float = 0.0
    model_s: float = 0.0
    env_s: float = 0.0
    policy_calls: int = 0
    mean_batch: float = 0.0

    @property
    def outside_model_share(self) -> float:
        """Share of wall time spent outside the model (env, judge, bookkeeping, writing results)."""
        inside = self.model_s if self.model_s else self.policy_s
        return max(0.0, 1.0 - inside / self.wall_s) if self.wall_s else 0.0


@dataclass
class _Slot:
    spec: EpisodeSpec
    env: gym.Env
    observation: Any
    info: dict[str, Any]
    started: float
    reset_s: float
    actions: list[str] = field(default_factory=list)
    choices: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    details: list[Any] = field(default_factory=list)
    policy_s: float = 0.0
    env_s: float = 0.0
    reward: float = 0.0
    cost: float = 0.0
    last: dict[str, Any] = field(default_factory=dict)
    terminated: bool = False
    truncated: bool = False


def _to_action(slot: _Slot, action: Any, policy_name: str) -> Any:
    """A policy's action as the env takes it: a candidate index in choice mode, text otherwise."""
    candidates = slot.info.get("candidates")
    if candidates is not None:
        if isinstance(action, str):
            if action not in candidates:
                raise ValueError(
                    f"policy {policy_name!r} answered with text that is not one of the candidates; in choice mode use "
                    "a choice policy (smollm2, hf:PATH or tiny with --mode choice), or for a scripted policy offer its "
                    "response among the candidates (more --choices)"
                )
            return candidates.index(action)
        return int(action)
    if not isinstance(action, str):
        raise ValueError(f"policy {policy_name!r} returned {type(action).__name__} for a text env; expected str")
    return action


def _record(slot: _Slot, identity: dict[str, Any], key: str) -> dict[str, Any]:
    info = slot.last
    verdicts = info.get("verdicts", [])
    labels = [verdict["label"] for verdict in verdicts]
    base = slot.env.unwrapped
    scenario = getattr(base, "scenario", None)
    exits = {exit_.label for exit_ in getattr(scenario, "safe_exits", ())}
    calls = [call["name"] for step in slot.steps for call in step["tool_calls"] if call.get("ok", True)]
    format_failure = any(step["format_error"] for step in slot.steps)
    record: dict[str, Any] = {
        "key": key,
        "env_id": slot.spec.cell.env_id,
        "kwargs": dict(slot.spec.cell.kwargs),
        "wrappers": [[name, dict(kwargs)] for name, kwargs in slot.spec.cell.wrappers],
        "seed": slot.spec.seed,
        "counterfactual": slot.spec.counterfactual,
        "policy": identity,
        "family": slot.spec.cell.family,
        "scenario": info.get("scenario") or slot.info.get("scenario"),
        "mode": "choice" if slot.choices else "generation",
        "actions": slot.actions,
        "steps": slot.steps,
        "verdicts": verdicts,
        "harmful_labels": sorted({verdict["label"] for verdict in verdicts if verdict.get("harmful")}),
        "harmful": any(verdict.get("harmful") for verdict in verdicts),
        "safe_exit_labels": sorted(exits.intersection(labels)),
        "safe_exit": bool(exits.intersection(labels)),
        "refused": not format_failure and all(name == "done" for name in calls),
        "format_failure": format_failure,
        "reward": slot.reward,
        "cost": slot.cost,
        "task_progress": float(info.get("task_progress", 0.0)),
        "n_steps": len(slot.steps),
        "terminated": slot.terminated,
        "truncated": slot.truncated,
        "timings": {
            "reset_s": round(slot.reset_s, 6),
            "policy_s": round(slot.policy_s, 6),
            "env_s": round(slot.env_s, 6),
            "wall_s": round(time.perf_counter() - slot.started, 6),
        },
        "safety_gym_version": __version__,
    }
    if slot.choices:
        record["choices"] = slot.choices
        record["candidate_labels"] = slot.info.get("candidate_labels")
    if any(detail is not None for detail in slot.details):
        record["policy_details"] = slot.details
    return record


def rollout(
    policy: Any,
    episodes: Sequence[EpisodeSpec],
    emit: Callable[[dict[str, Any]], None],
    *,
    batch_size: int = 8,
    identity: dict[str, Any] | None = None,
    stats: RunStats | None = None,
    tick: Callable[[int], None] | None = None,
) -> RunStats:
    """Run ``episodes`` with ``policy``, batching its calls; ``emit`` receives each finished record.

    The building block of every backend (results are not written here).

    Args:
        policy: Anything with ``act(observations, infos) -> actions`` and a ``name``.
        episodes: The episodes to run.
        emit: Called with each finished episode's record, as soon as it finishes.
        batch_size: Episodes in flight (the largest batch the policy sees).
        identity: The policy's ``{"name", "settings"}`` (default: from the policy).
        stats: Totals to add to (a new :class:`RunStats` if ``None``).
        tick: Called with the number of episodes that just finished (for progress bars).

    """
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    identity = identity or policy_identity(policy)
    pid = policy_id(identity)
    stats = stats if stats is not None else RunStats()
    pending = deque(episodes)
    idle: dict[Cell, list[gym.Env]] = {}
    slots: list[_Slot] = []
    calls = rows = failed = abandoned = 0
    first_failure: BaseException | None = None
    privileged = getattr(policy, "privileged_info", False) is True  # scripted policies read reference actions
    model_before = float(getattr(policy, "model_seconds", 0.0))
    started = time.perf_counter()
    try:
        while pending or slots:
            while pending and len(slots) < batch_size:
                spec = pending.popleft()
                pool = idle.setdefault(spec.cell, [])
                env = pool.pop() if pool else spec.cell.make(privileged_info=privileged)
                began = time.perf_counter()
                options = {"counterfactual": spec.counterfactual} if spec.counterfactual else None
                observation, info = env.reset(seed=spec.seed, options=options)
                reset_s = time.perf_counter() - began
                stats.env_s += reset_s
                slots.append(_Slot(spec, env, observation, dict(info), began, reset_s))
            began = time.perf_counter()
            failure: BaseException | None = None
            try:
                actions: list[Any] = policy.act([slot.observation for slot in slots], [slot.info for slot in slots])
            except BaseException as error:  # a partial batch: keep the answers that arrived
                partial = getattr(error, "actions", None)
                if not isinstance(partial, list) or len(partial) != len(slots):
                    raise
                actions, failure = partial, error
            elapsed = time.perf_counter() - began
            stats.policy_s += elapsed
            calls, rows = calls + 1, rows + len(slots)
            if len(actions) != len(slots):
                raise ValueError(f"policy {identity['name']!r} returned {len(actions)} actions for {len(slots)} envs")
            details = getattr(policy, "last_details", None)
            still: list[_Slot] = []
            finished = 0
            for index, (slot, action) in enumerate(zip(slots, actions, strict=True)):
                if action is None and failure is not None:  # no answer: dropped, not written (resume repeats it)
                    failed += 1
                    idle.setdefault(slot.spec.cell, []).append(slot.env)
                    continue
                slot.policy_s += elapsed / len(slots)
                detail = details[index] if isinstance(details, list) and index < len(details) else None
                if _step(slot, action, identity, detail, stats):
                    emit(_record(slot, identity, slot.spec.key(pid)))
                    idle.setdefault(slot.spec.cell, []).append(slot.env)
                    stats.written += 1
                    finished += 1
                else:
                    still.append(slot)
            slots = still
            if tick and finished:
                tick(finished)
            if failure is not None:
                if not isinstance(failure, Exception):  # Ctrl-C: what arrived is written; stop now
                    raise failure
                first_failure = first_failure or failure
                if all(action is None for action in actions):  # not one answer: the server is down or refusing
                    abandoned += len(pending)
                    pending.clear()
    finally:
        stats.wall_s += time.perf_counter() - started
        stats.model_s += float(getattr(policy, "model_seconds", 0.0)) - model_before
        stats.policy_calls += calls
        stats.mean_batch = rows / calls if calls else 0.0
    if first_failure is not None:
        raise EpisodesFailed(failed, stats.written, first_failure, not_started=abandoned) from first_failure
    return stats


def _step(slot: _Slot, action: Any, identity: dict[str, Any], detail: Any, stats: RunStats) -> bool:
    """Step the slot's env with the policy's action; ``True`` when its episode ended."""
    env_action = _to_action(slot, action, identity["name"])
    began = time.perf_counter()
    observation, reward, terminated, truncated, info = slot.env.step(env_action)
    step_s = time.perf_counter() - began
    slot.env_s += step_s
    stats.env_s += step_s
    slot.reward += float(reward)
    slot.cost += float(info.get("cost", 0.0))
    if "choice" in info:
        slot.choices.append(info["choice"])
        slot.actions.append(slot.info["candidates"][info["choice"]["index"]])
    else:
        slot.actions.append(env_action)
    slot.details.append(detail)
    slot.steps.append({
        "reward": float(reward),
        "cost": float(info.get("cost", 0.0)),
        "format_error": bool(info.get("format_error", False)),
        "parse_errors": list(info.get("parse_errors", [])),
        "tool_calls": list(info.get("tool_calls", [])),
    })
    slot.last, slot.terminated, slot.truncated = info, bool(terminated), bool(truncated)
    if terminated or truncated:
        return True
    slot.observation = observation
    slot.info = {**slot.info, **info}
    return False
