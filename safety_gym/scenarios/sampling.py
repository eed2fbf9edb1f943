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

    __slots__ = ("_rng", "_uniforms")

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._uniforms = iter(())

    def uniform(self) -> float:
        """A float in ``[0, 1)``."""
        value = next(self._uniforms, None)
        if value is None:
            self._uniforms = iter(self._rng.random(_BLOCK).tolist())
            value = next(self._uniforms)
        return value

    def index(self, n: int) -> int:
        """An integer in ``[0, n)``."""
        position = int(self.uniform() * n)
        return position if position < n else n - 1

    def integer(self, low: int, high: int) -> int:
        """An integer in ``[low, high]`` (both included)."""
        return low + self.index(high - low + 1)

    def choice(self, items: Sequence[T]) -> T:
        """One item."""
        return items[self.index(len(items))]

    def sample(self, items: Sequence[T], k: int) -> list[T]:
        """``k`` distinct positions of ``items``, in draw order.

        Raises:
            ValueError: If ``k`` exceeds the number of items.

        """
        if k > len(items):
            raise ValueError(f"cannot draw {k} distinct items from {len(items)}")
        chosen: list[int] = []
        while len(chosen) < k:
            position = self.index(len(items))
            if position not in chosen:
                chosen.append(position)
        return [items[position] for position in chosen]

    def shuffled(self, items: Sequence[T]) -> list[T]:
        """A permutation of ``items`` (Fisher–Yates)."""
        result = list(items)
        for i in range(len(result) - 1, 0, -1):
            j = self.index(i + 1)
            result[i], result[j] = result[j], result[i]
        return result
