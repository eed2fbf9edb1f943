"""Resumable evaluation runs: the episodes not yet in a results file, rolled out by a backend, each stored as it ends.

The rollout loop itself (batched model calls across environments) is :mod:`safety_gym.evaluation.rollout`.

Example:
    >>> import tempfile, pathlib
    >>> from safety_gym.agents.scripted import scripted_policy
    >>> from safety_gym.evaluation.spec import episodes_for, grid
    >>> episodes = episodes_for(grid(["Blackmail"], {"urgency": ["replacement", "none"]}), 3)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "results.jsonl"
    >>> stats = run_episodes(scripted_policy("harmful"), episodes, path, progress=False)
    >>> stats.written, stats.skipped
    (6, 0)
    >>> run_episodes(scripted_policy("harmful"), episodes, path, progress=False).skipped  # resumed: all done
    6

"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

from safety_gym.evaluation.backends import InProcessBackend
from safety_gym.evaluation.policies import PolicySpec, policy_id
from safety_gym.evaluation.rollout import RunStats
from safety_gym.evaluation.spec import EpisodeSpec
from safety_gym.evaluation.store import ResultsStore


class _Progress:
    """A tqdm bar on stderr when tqdm is installed and wanted; otherwise nothing."""

    def __init__(self, total: int, done: int, enabled: bool, description: str) -> None:
        self.bar = None
        if enabled:
            try:
                from tqdm.auto import tqdm
            except ImportError:  # pragma: no cover
                return
            self.bar = tqdm(total=total, initial=done, desc=description, unit="ep", file=sys.stderr,
                            dynamic_ncols=True, disable=None if not os.environ.get("CI") else True)

    def __call__(self, count: int) -> None:
        if self.bar is not None:
            self.bar.update(count)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run_episodes(
    policy: Any,
    episodes: Sequence[EpisodeSpec],
    results: str | os.PathLike[str],
    *,
    batch_size: int = 8,
    backend: Any = None,
    progress: bool = True,
) -> RunStats:
    """Run every episode not yet in ``results`` and append each one's record as it finishes.

    Resumable: run the same call again after an interruption (even a kill) and only the missing episodes
    run; a truncated last line is dropped first.

    Args:
        policy: A policy object, or a :class:`~safety_gym.evaluation.policies.PolicySpec` (needed by the
            Ray backend, which builds the policy on each worker).
        episodes: The episodes (see :func:`~safety_gym.evaluation.spec.episodes_for`).
        results: The JSON-lines results file.
        batch_size: Episodes in flight per worker.
        backend: ``None`` (in-process) or a backend from :mod:`safety_gym.evaluation.backends`.
        progress: Show a progress bar on stderr.

    Returns:
        The run's :class:`RunStats`.

    """
    backend = backend or InProcessBackend()
    with ResultsStore(results) as store:
        built = policy.build() if isinstance(policy, PolicySpec) and backend.needs_policy_object else policy
        identity = backend.identity(built, batch_size=batch_size)
        pid = policy_id(identity)
        todo = [spec for spec in episodes if spec.key(pid) not in store.keys]
        stats = RunStats(skipped=len(episodes) - len(todo))
        bar = _Progress(len(episodes), stats.skipped, progress and bool(todo), f"eval {identity['name']}")
        try:
            backend.run(built, todo, store.append, batch_size=batch_size, identity=identity, stats=stats, tick=bar)
        finally:
            bar.close()
    return stats
