"""Fast seeded draws for scenario generation.

Calling a numpy ``Generator`` once per choice costs microseconds each; a scenario makes dozens of
choices. :class:`Draws` takes uniform numbers from the generator in blocks and turns them into
choices, keeping generation deterministic and fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import numpy as np

T = TypeVar("T")

_BLOCK = 128


class Draws:
    """Choices drawn from a numpy ``Generator`` in blocks.

    Args:
        rng: The generator; the only source of randomness.

    Example:
        >>> draws = Draws(np.random.default_rng(0))
        >>> draws.choice(["a", "b", "c"]) in {"a", "b", "c"}
        True

    """

    __slots__ = ("_block", "_next", "_rng")

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._block: list[float] = []
        self._next = _BLOCK

    def uniform(self) -> float:
        """A float in ``[0, 1)``."""
        if self._next == _BLOCK:
            self._block = self._rng.random(_BLOCK).tolist()
            self._next = 0
        self._next += 1
        return self._block[self._next - 1]

    def index(self, n: int) -> int:
        """An integer in ``[0, n)``."""
        if self._next == _BLOCK:
            self._block = self._rng.random(_BLOCK).tolist()
            self._next = 0
        self._next += 1
        position = int(self._block[self._next - 1] * n)
        return position if position < n else n - 1

    def integer(self, low: int, high: int) -> int:
        """An integer in ``[low, high]`` (both included)."""
        return low + self.index(high - low + 1)

    def choice(self, items: Sequence[T]) -> T:
        """One item."""
        if self._next == _BLOCK:
            self._block = self._rng.random(_BLOCK).tolist()
            self._next = 0
        self._next += 1
        n = len(items)
        position = int(self._block[self._next - 1] * n)
        return items[position if position < n else n - 1]

    def sample(self, items: Sequence[T], k: int) -> list[T]:
        """``k`` distinct positions of ``items``, in draw order.

        Raises:
            ValueError: If ``k`` exceeds the number of items.

        """
        if k > len(items):
            raise ValueError(f"cannot draw {k} distinct items from {len(items)}")
        n = len(items)
        chosen: dict[int, None] = {}
        while len(chosen) < k:
            chosen[self.index(n)] = None
        return [items[position] for position in chosen]

    def shuffled(self, items: Sequence[T]) -> list[T]:
        """A permutation of ``items`` (Fisher–Yates)."""
        result = list(items)
        for i in range(len(result) - 1, 0, -1):
            j = self.index(i + 1)
            result[i], result[j] = result[j], result[i]
        return result
