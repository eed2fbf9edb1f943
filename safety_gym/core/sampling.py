"""Fast seeded draws for scenario generation.

Calling a numpy ``Generator`` once per choice costs microseconds each; a scenario makes dozens of
choices. :class:`Draws` takes uniform numbers from the generator in blocks and turns them into
choices, keeping generation deterministic and fast.

:func:`streams` seeds one scenario's draws. Given a split, the split is part of the seed, so a train
scenario and a test scenario never share draws (whatever their seeds), and :meth:`Draws.pick` picks
template variants from the split's own partition (see :mod:`safety_gym.core.variants`).
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import TypeVar

import numpy as np

from safety_gym.core.variants import _RECORDING, SPLIT_INDEX, Pick, split_positions

T = TypeVar("T")

_BLOCK = 128

SPLIT_TAGS: dict[str, int] = {"train": 1, "test": 2}
"""Split → the tag :func:`streams` folds into the seed: the generator's seed is ``4 * seed + tag``."""

STREAM_SCHEME = (
    "streams(seed, entity_seed, variant_seed, split): one generator, numpy.random.default_rng(4 * seed + "
    "SPLIT_TAGS[split]) with SPLIT_TAGS = {train: 1, test: 2}, feeds the entity, structure and wording streams "
    "(128 uniforms each first, then the generator in blocks of 128); entity_seed or variant_seed gives that "
    "stream its own generator, default_rng(SeedSequence(4 * seed + SPLIT_TAGS[split], spawn_key=(1, entity_seed) "
    "or (2, variant_seed)))"
)
"""How split-aware scenario draws are seeded, as recorded in split manifests."""


class Draws:
    """Choices drawn from a numpy ``Generator`` in blocks.

    Args:
        rng: The generator; the only source of randomness.
        block: Uniforms already drawn from ``rng`` to use first (exactly ``_BLOCK`` of them).
        split: The split whose template variants :meth:`pick` uses (``None``: :meth:`pick` is unavailable).

    Example:
        >>> draws = Draws(np.random.default_rng(0))
        >>> draws.choice(["a", "b", "c"]) in {"a", "b", "c"}
        True
        >>> Draws(np.random.default_rng(0), split="test").pick(("a", "b", "c", "d")) in {"b", "d"}
        True

    """

    __slots__ = ("_block", "_next", "_parity", "_rng", "split")

    def __init__(
        self, rng: np.random.Generator, block: Sequence[float] | None = None, split: str | None = None
    ) -> None:
        self._rng = rng
        self._block: Sequence[float] = block if block is not None else []
        self._next = 0 if block is not None else _BLOCK
        if split is not None and split not in SPLIT_INDEX:
            raise ValueError(f"unknown split {split!r}; expected one of 'train', 'test'")
        self.split = split
        self._parity = -1 if split is None else SPLIT_INDEX[split]

    def uniform(self) -> float:
        """A float in ``[0, 1)``."""
        if self._next == _BLOCK:
            self._block = self._rng.random(_BLOCK).tolist()
            self._next = 0
        self._next += 1
        return self._block[self._next - 1]

    def uniforms(self, count: int) -> Sequence[float]:
        """``count`` floats in ``[0, 1)``: what ``count`` calls of :meth:`uniform` return, in one call.

        Example:
            >>> a, b = Draws(np.random.default_rng(0)), Draws(np.random.default_rng(0))
            >>> list(a.uniforms(3)) == [b.uniform() for _ in range(3)]
            True
        """
        start = self._next
        if start + count <= _BLOCK:  # the common case: all in the current block
            self._next = start + count
            return self._block[start : start + count]
        return [self.uniform() for _ in range(count)]

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

    def pick(self, options: Sequence[T]) -> T:
        """One template variant from this stream's split (one draw, whatever the split or slot size).

        The split uses the even (train) or odd (test) positions of ``options``; a single-variant slot is
        shared (see :mod:`safety_gym.core.variants`).

        Raises:
            ValueError: If the stream was made without a split, or ``options`` is empty.

        """
        parity = self._parity
        if parity < 0:
            raise ValueError("pick() needs a split: make the streams with streams(seed, ..., split=split)")
        if self._next == _BLOCK:
            self._block = self._rng.random(_BLOCK).tolist()
            self._next = 0
        u = self._block[self._next]
        self._next += 1
        n = len(options)
        if n > 1:  # the split's positions are parity, parity + 2, ...: count them and step by two
            count = (n - parity + 1) >> 1
            k = int(u * count)
            index = parity + 2 * (k if k < count else count - 1)
        elif n == 1:
            index = 0  # a single variant is shared by both splits
        else:
            raise ValueError("pick() needs at least one variant, got an empty slot")
        if _RECORDING.get() is not None:
            _RECORDING.get().append(Pick(options, index, self.split))  # type: ignore[union-attr, arg-type]
        return options[index]

    def pick_index(self, n: int) -> int:
        """A position in a slot of ``n`` variants, from this stream's split (one draw).

        For parallel slots whose variants belong together (a subject and the body written for it): pick one
        position and use it in each. Prefer :meth:`pick` for a single slot.

        Raises:
            ValueError: If the stream was made without a split, or ``n`` is below 1.

        Example:
            >>> from safety_gym.core.sampling import streams
            >>> streams(0, split="test")[2].pick_index(4) in (1, 3)
            True
        """
        if n < 1:
            raise ValueError(f"pick_index() needs at least one variant, got n={n!r}")
        return self.pick(range(n))

    def pick_sample(self, options: Sequence[T], k: int) -> list[T]:
        """``k`` distinct template variants from this stream's split, in draw order (like :meth:`sample`).

        Raises:
            ValueError: If the stream was made without a split, or the split has fewer than ``k`` variants.

        """
        if self._parity < 0:
            raise ValueError("pick_sample() needs a split: make the streams with streams(seed, ..., split=split)")
        positions = split_positions(len(options), self.split)  # type: ignore[arg-type]
        chosen = self.sample(positions, k)
        log = _RECORDING.get()
        if log is not None:
            log.extend(Pick(options, index, self.split) for index in chosen)  # type: ignore[arg-type]
        return [options[index] for index in chosen]

    def sample(self, items: Sequence[T], k: int) -> list[T]:
        """``k`` distinct positions of ``items``, in draw order.

        Raises:
            ValueError: If ``k`` exceeds the number of items.

        """
        if k > len(items):
            raise ValueError(f"cannot draw {k} distinct items from {len(items)}")
        n = len(items)
        chosen: dict[int, None] = {}
        block, at = self._block, self._next
        while len(chosen) < k:  # self.index(n) until k distinct positions, inlined (it is the hot loop)
            if at == _BLOCK:
                block = self._block = self._rng.random(_BLOCK).tolist()
                at = 0
            position = int(block[at] * n)
            at += 1
            chosen[position if position < n else n - 1] = None
        self._next = at
        return [items[position] for position in chosen]

    def shuffled(self, items: Sequence[T]) -> list[T]:
        """A permutation of ``items`` (Fisher–Yates)."""
        result = list(items)
        for i in range(len(result) - 1, 0, -1):
            j = self.index(i + 1)
            result[i], result[j] = result[j], result[i]
        return result


def _generator(seed: int, split: str | None) -> np.random.Generator:
    """The generator of the scenario's main stream."""
    # Generator(PCG64(n)) is what default_rng(n) builds, without its argument dispatch (a few µs a scenario).
    if split is None:  # the seeding used before splits were part of it (kept for callers without a split)
        return np.random.Generator(np.random.PCG64(seed))
    return np.random.Generator(np.random.PCG64(4 * seed + _split_tag(split)))  # one int: as fast as the seed alone


def _redraw(seed: int, split: str | None, value: int, stream: int, name: str) -> np.random.Generator:
    """The generator of one stream redrawn with ``entity_seed`` (stream 1) or ``variant_seed`` (stream 2)."""
    if not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    if split is None:
        return np.random.default_rng([seed, value, stream])
    entropy = 4 * seed + _split_tag(split)
    return np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=(stream, value)))


def _split_tag(split: str) -> int:
    try:
        return SPLIT_TAGS[split]
    except KeyError:
        raise ValueError(f"unknown split {split!r}; expected one of 'train', 'test'") from None


def streams(
    seed: int, entity_seed: int | None = None, variant_seed: int | None = None, *, split: str | None = None
) -> tuple[Draws, Draws, Draws]:
    """Three independent draw streams for one scenario: entities, structure and wording.

    One generator seeded with ``seed`` (and the split) feeds all three in the common case. Passing
    ``entity_seed`` or ``variant_seed`` gives that stream its own generator, so it changes while the
    others stay exactly as they were.

    With ``split``, the split is part of every generator's seed (see :data:`STREAM_SCHEME`): the main
    generator's seed ``4 * seed + tag`` differs for every (seed, split) pair, so a train scenario and a test
    scenario never share draws, and the streams can :meth:`~Draws.pick` the split's template variants.
    Without it (the original seeding, kept for generators that do not pass a split yet) the draws do not
    depend on the split and :meth:`~Draws.pick` is unavailable.

    Args:
        seed: The scenario seed, a non-negative integer.
        entity_seed: Redraws the entity stream (names, companies, places).
        variant_seed: Redraws the wording stream (template variants).
        split: ``"train"``, ``"test"`` or ``None``.

    Returns:
        ``(entities, structure, variants)``.

    Raises:
        ValueError: If ``seed`` is negative or ``split`` is unknown.

    Example:
        >>> a, b, c = streams(1, split="train")
        >>> x, y, z = streams(1, variant_seed=5, split="train")
        >>> (a.uniform() == x.uniform(), b.uniform() == y.uniform(), c.uniform() == z.uniform())
        (True, True, False)
        >>> streams(1, split="train")[0].uniform() == streams(1, split="test")[0].uniform()
        False
    """
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    rng = _generator(seed, split)
    # The first blocks as doubles, not a list: a scenario reads a quarter of them, and a float is made per read.
    block = array("d", rng.random(3 * _BLOCK).tobytes())
    entities = (
        Draws(rng, block[:_BLOCK], split)
        if entity_seed is None
        else Draws(_redraw(seed, split, entity_seed, 1, "entity_seed"), split=split)
    )
    structure = Draws(rng, block[_BLOCK : 2 * _BLOCK], split)
    variants = (
        Draws(rng, block[2 * _BLOCK :], split)
        if variant_seed is None
        else Draws(_redraw(seed, split, variant_seed, 2, "variant_seed"), split=split)
    )
    return entities, structure, variants
