"""Resumable training loops for the plain-torch trainers: checkpoint options and the update loop around them.

:class:`CheckpointArguments` adds ``output_dir``, ``save_every``, ``keep_last`` and ``resume`` to a trainer's
config; :class:`ResumableTrainer` runs updates until ``num_updates`` are done in all, saves
``<output_dir>/checkpoint-<update>/`` (:mod:`~safety_gym.training.checkpoint`) every ``save_every`` updates
and at the end, and with ``resume`` first restores the latest checkpoint (a fresh start when there is none,
so the same command starts and restarts a run). A run killed after update K and resumed to N ends exactly as
N updates in one go.

Example:
    >>> import tempfile
    >>> from safety_gym.training import PPOConfig, PPOTrainer
    >>> directory = tempfile.mkdtemp()
    >>> config = dict(num_updates=2, episodes_per_update=4, minibatch_size=4, families=["Blackmail"])
    >>> _ = PPOTrainer(PPOConfig(output_dir=directory, **config)).train()
    >>> resumed = PPOTrainer(PPOConfig(output_dir=directory, resume=True, **{**config, "num_updates": 3}))
    >>> len(resumed.train())  # two restored, one more trained
    3

"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safety_gym.training import checkpoint
from safety_gym.training.common import check_positive

__all__ = ["CheckpointArguments", "ResumableTrainer"]


@dataclass
class CheckpointArguments:
    """Checkpoint options of a plain-torch trainer's config.

    Attributes:
        output_dir: Where checkpoints go (``<output_dir>/checkpoint-<update>/``); ``None`` (the default)
            saves nothing.
        save_every: Save after every this many updates (``0``: only at the end). Needs ``output_dir``.
        keep_last: How many checkpoints to keep (the newest).
        resume: Continue from the latest checkpoint in ``output_dir`` (a fresh start if there is none yet).
            ``num_updates`` is the total, counting the updates done before; every other field except
            those in :data:`~safety_gym.training.checkpoint.RESUME_IGNORED_FIELDS` must match the saved config.

    """

    output_dir: str | None = None
    save_every: int = 0
    keep_last: int = 2
    resume: bool = False

    def check_checkpoint_arguments(self) -> None:
        """Validate the fields (call from ``__post_init__``).

        Raises:
            ValueError: Naming the bad value, or ``save_every``/``resume`` without ``output_dir``.

        """
        check_positive("save_every", self.save_every, integer=True, zero=True)
        check_positive("keep_last", self.keep_last, integer=True)
        if not isinstance(self.resume, bool):
            raise ValueError(f"resume={self.resume!r} must be True or False")
        if self.output_dir is not None:
            self.output_dir = os.fspath(self.output_dir)
        if self.output_dir is None and (self.save_every or self.resume):
            raise ValueError(f"save_every={self.save_every} and resume={self.resume} need output_dir (a directory)")


class ResumableTrainer:
    """The update loop with checkpoints and resume, for trainers whose config has :class:`CheckpointArguments`.

    Subclasses set ``self.config`` (with ``num_updates``) and ``self.log_history = []``, and implement
    :meth:`step` (collect, update, return the update's logs), :meth:`checkpoint_state` (the modules,
    optimizer and generators to save) and, if they keep counters, :meth:`counters` /
    :meth:`restore_counters`.
    """

    config: Any
    log_history: list[dict[str, float]]
    _resumed: bool = False

    def step(self) -> dict[str, float]:
        """Run one update; return its logs."""
        raise NotImplementedError

    def checkpoint_state(self) -> dict[str, Any]:
        """``modules``, ``optimizer`` and ``generators`` for :func:`~safety_gym.training.checkpoint.save_checkpoint`."""
        raise NotImplementedError

    def counters(self) -> dict[str, int]:
        """Integer counters saved with a checkpoint (default: none)."""
        return {}

    def restore_counters(self, counters: dict[str, Any]) -> None:
        """Restore :meth:`counters` from a checkpoint (default: nothing to restore)."""

    def train(self) -> list[dict[str, float]]:
        """Update until ``num_updates`` updates are done in all; returns (and extends) :attr:`log_history`.

        With ``resume``, first loads the latest checkpoint of ``output_dir`` (if there is one). With
        ``output_dir``, saves a checkpoint every ``save_every`` updates and at the end.

        Raises:
            ValueError: If the checkpoint to resume from is corrupt or its config differs (see
                :meth:`load_checkpoint`).

        """
        config = self.config
        if config.resume and not self._resumed:
            self._resumed = True
            latest = checkpoint.latest_checkpoint(config.output_dir)
            if latest is not None:
                self.load_checkpoint(latest)
        while len(self.log_history) < config.num_updates:
            stats = self.step()
            stats["step"] = float(len(self.log_history) + 1)
            self.log_history.append(stats)
            if config.save_every and len(self.log_history) % config.save_every == 0:
                self.save_checkpoint()
        if config.output_dir is not None:
            done = checkpoint.latest_checkpoint(config.output_dir)
            if done is None or done.name != f"{checkpoint.CHECKPOINT_PREFIX}{len(self.log_history)}":
                self.save_checkpoint()
        return self.log_history

    def save_checkpoint(self, directory: str | Path | None = None) -> Path:
        """Save ``<directory>/checkpoint-<updates done>/`` (default directory: ``config.output_dir``).

        Raises:
            ValueError: If no directory is given and ``config.output_dir`` is ``None``.

        """
        directory = directory if directory is not None else self.config.output_dir
        if directory is None:
            raise ValueError("save_checkpoint needs a directory (or config.output_dir)")
        return checkpoint.save_checkpoint(directory, step=len(self.log_history), config=self.config,
                                          logs=self.log_history, extra=self.counters(),
                                          keep_last=self.config.keep_last, **self.checkpoint_state())

    def load_checkpoint(self, path: str | Path) -> int:
        """Restore the trainer from the checkpoint directory ``path``; returns the number of updates it had done.

        Raises:
            ValueError: If ``path`` is not a complete checkpoint, is corrupt, does not fit this trainer, lacks
                a counter, or was saved with a config that differs in fields that matter (they are named).

        """
        state = checkpoint.load_checkpoint(path, config=self.config, **self.checkpoint_state())
        for name in self.counters():
            if not isinstance(state.extra.get(name), int):
                raise ValueError(f"checkpoint {path} lacks the counter extra[{name!r}]")
        self.log_history = [dict(entry) for entry in state.logs]
        self.restore_counters(state.extra)
        return state.step
