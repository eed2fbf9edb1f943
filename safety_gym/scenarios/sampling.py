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
        block: Uniforms already drawn from ``rng`` to use first (exactly ``_BLOCK`` of them).

    Example:
        >>> draws = Draws(np.random.default_rng(0))
        >>> draws.choice(["a", "b", "c"]) in {"a", "b", "c"}
        True

    """

    __slots__ = ("_block", "_next", "_rng")

    def __init__(self, rng: np.random.Generator, block: list[float] | None = None) -> None:
        self._rng = rng
        self._block: list[float] = block if block is not None else []
        self._next = 0 if block is not None else _BLOCK

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


def streams(
    seed: int, entity_seed: int | None = None, variant_seed: int | None = None
) -> tuple[Draws, Draws, Draws]:
    """Three independent draw streams for one scenario: entities, structure and wording.

    One generator seeded with ``seed`` feeds all three in the common case. Passing ``entity_seed``
    or ``variant_seed`` gives that stream its own generator, so it changes while the others stay
    exactly as they were.

    Args:
        seed: The scenario seed.
        entity_seed: Redraws the entity stream (names, companies, places).
        variant_seed: Redraws the wording stream (template variants).

    Returns:
        ``(entities, structure, variants)``.

    Example:
        >>> a, b, c = streams(1)
        >>> x, y, z = streams(1, variant_seed=5)
        >>> (a.uniform() == x.uniform(), b.uniform() == y.uniform(), c.uniform() == z.uniform())
        (True, True, False)
    """
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    rng = np.random.default_rng(seed)
    block = rng.random(3 * _BLOCK).tolist()
    entities = (
        Draws(rng, block[:_BLOCK]) if entity_seed is None else Draws(np.random.default_rng([seed, entity_seed, 1]))
    )
    structure = Draws(rng, block[_BLOCK : 2 * _BLOCK])
    variants = (
        Draws(rng, block[2 * _BLOCK :])
        if variant_seed is None
        else Draws(np.random.default_rng([seed, variant_seed, 2]))
    )
    return entities, structure, variants
