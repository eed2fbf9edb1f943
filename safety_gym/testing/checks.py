"""Helpers for property tests of environments and policies: canonical bytes, global-RNG perturbation, a hang guard.

Example:
    >>> import gymnasium as gym
    >>> import safety_gym
    >>> env = gym.make("safety_gym/Blackmail-v0")
    >>> first = canonical(env.reset(seed=1))
    >>> perturb_global_rngs(3)  # nothing an env does may depend on Python's or numpy's global generators
    >>> with no_hang(30):
    ...     canonical(env.reset(seed=1)) == first
    True

"""

from __future__ import annotations

import contextlib
import json
import random
import signal
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

__all__ = ["Hang", "canonical", "no_hang", "perturb_global_rngs"]


def canonical(value: Any) -> str:
    """Deterministic text of a reset or step result, for comparing rollouts byte for byte.

    Mappings (``info``, ``info["reference_actions"]``) become sorted JSON objects, tuples become lists, and
    anything JSON cannot hold is written with ``repr``. Lone surrogates are escaped, so any text survives.

    Example:
        >>> canonical(("obs", 1.0, {"b": 2, "a": (1,)}))
        '["obs", 1.0, {"a": [1], "b": 2}]'

    """

    def plain(item: Any) -> Any:
        if isinstance(item, Mapping):
            return {str(key): plain(sub) for key, sub in item.items()}
        if isinstance(item, list | tuple):
            return [plain(sub) for sub in item]
        return item

    return json.dumps(plain(value), sort_keys=True, ensure_ascii=True, default=repr)


def perturb_global_rngs(k: int) -> None:
    """Reseed and advance Python's and numpy's global generators with a value derived from ``k``.

    Hypothesis reseeds the global ``random`` for every example, so a determinism test must perturb the
    global generators *between* the two rollouts it compares, or a hidden dependency would go unnoticed.
    """
    random.seed(7919 * k + 1)
    np.random.seed((104729 * k + 7) % 2**32)
    random.random()
    np.random.random(3 + k % 5)


class Hang(Exception):
    """A block ran past the limit of :func:`no_hang`."""


@contextlib.contextmanager
def no_hang(seconds: float = 20.0) -> Iterator[None]:
    """Raise :class:`Hang` if the block runs longer than ``seconds``: a guard against hangs, not a timing test.

    Uses ``SIGALRM``, so it guards only the main thread of a POSIX process (pytest and pytest-xdist workers
    run tests there); elsewhere it does nothing.
    """
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
