"""Template variants partitioned between the train and test splits.

Every template slot (a tuple of interchangeable wordings, such as the system prompt's opening sentence)
is split by position: the **train** split uses the even-indexed variants (0, 2, 4, ...), the **test**
split the odd-indexed ones (1, 3, 5, ...). A slot with a single variant cannot be split: both splits use
it, and it is reported as *shared* (see :func:`is_shared` and the split manifest, :mod:`safety_gym.families.splits`).

Generators pick a variant with :meth:`Draws.pick <safety_gym.core.sampling.Draws.pick>` on a stream
made by ``streams(seed, ..., split=split)``: one uniform draw whatever the split, so generation stays
draw-stable. A family adopts the mechanism with two mechanical edits in its generator::

    entities, draws, variants = streams(seed, entity_seed, variant_seed, split=split)   # was: no split
    intro = variants.pick(text.SYSTEM_INTRO)                                           # was: .choice(...)

:func:`recording` lists the variants a generator picked, for leak tests and analysis.

This module imports only the standard library.

Example:
    >>> split_positions(3, "train"), split_positions(3, "test"), split_positions(1, "test")
    ((0, 2), (1,), (0,))
    >>> split_variants(("a", "b", "c", "d"), "test")
    ('b', 'd')
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from types import ModuleType
from typing import Any, TypeVar

__all__ = [
    "RULE",
    "SPLIT_INDEX",
    "Pick",
    "is_shared",
    "recording",
    "slot_names",
    "split_positions",
    "split_variants",
]

T = TypeVar("T")

SPLIT_INDEX: dict[str, int] = {"train": 0, "test": 1}
"""Split name → the parity of the variant positions it uses."""

RULE = (
    "template slot variants are partitioned by position: train uses even indices (0, 2, ...), test uses odd "
    "indices (1, 3, ...); a slot with a single variant is shared by both splits"
)
"""The partition rule, as recorded in split manifests."""


def _split_index(split: str) -> int:
    try:
        return SPLIT_INDEX[split]
    except KeyError:
        raise ValueError(f"unknown split {split!r}; expected one of 'train', 'test'") from None


@functools.lru_cache(maxsize=256)
def _positions(n: int, parity: int) -> tuple[int, ...]:
    if n < 1:
        raise ValueError(f"a template slot needs at least one variant, got {n}")
    return (0,) if n == 1 else tuple(range(parity, n, 2))


def split_positions(n: int, split: str) -> tuple[int, ...]:
    """Positions of a slot of ``n`` variants that ``split`` uses.

    Args:
        n: Number of variants in the slot (at least 1).
        split: ``"train"`` or ``"test"``.

    Returns:
        The positions, increasing; ``(0,)`` for a single-variant (shared) slot.

    Raises:
        ValueError: If ``split`` is unknown or ``n`` is below 1.

    Example:
        >>> split_positions(4, "train"), split_positions(4, "test")
        ((0, 2), (1, 3))
        >>> split_positions(2, "dev")
        Traceback (most recent call last):
        ...
        ValueError: unknown split 'dev'; expected one of 'train', 'test'

    """
    return _positions(n, _split_index(split))


def is_shared(options: Sequence[Any]) -> bool:
    """Whether a slot's variants are used by both splits (true only for a single-variant slot).

    Example:
        >>> is_shared(("only one",)), is_shared(("one", "two"))
        (True, False)
    """
    return len(options) == 1


def split_variants(options: Sequence[T], split: str) -> tuple[T, ...]:
    """The variants of a slot that ``split`` uses.

    Example:
        >>> split_variants(("a", "b", "c"), "train")
        ('a', 'c')
    """
    return tuple(options[position] for position in split_positions(len(options), split))


@dataclass(frozen=True, slots=True)
class Pick:
    """One template variant a generator picked.

    Attributes:
        options: The slot (all its variants).
        index: Position of the picked variant in ``options``.
        split: The split it was picked for.

    Example:
        >>> pick = Pick(("a", "b", "c"), 1, "test")
        >>> pick.variant, pick.shared
        ('b', False)
    """

    options: Sequence[Any]
    index: int
    split: str

    @property
    def variant(self) -> Any:
        """The picked variant."""
        return self.options[self.index]

    @property
    def shared(self) -> bool:
        """Whether both splits use this variant (a single-variant slot)."""
        return len(self.options) == 1


_RECORDING: ContextVar[list[Pick] | None] = ContextVar("safety_gym_variant_picks", default=None)
"""The list :func:`recording` fills in this context; ``Draws.pick`` reads it directly (a hot path)."""


@contextlib.contextmanager
def recording() -> Iterator[list[Pick]]:
    """Record every variant picked in this context (thread- and task-local).

    Yields:
        A list that receives one :class:`Pick` per :meth:`Draws.pick` (and per item of
        :meth:`Draws.pick_sample`), in order.

    Example:
        >>> from safety_gym.families import generate
        >>> with recording() as picks:
        ...     scenario = generate("Blackmail", 0, "test")
        >>> len(picks) > 10, all(pick.split == "test" for pick in picks)
        (True, True)
        >>> all(pick.index % 2 == 1 or pick.shared for pick in picks)
        True
    """
    picks: list[Pick] = []
    token = _RECORDING.set(picks)
    try:
        yield picks
    finally:
        _RECORDING.reset(token)


def slot_names(module: ModuleType) -> dict[int, str]:
    """Names of a template module's slots, by ``id`` of the slot object.

    Module-level tuples are named ``module.NAME``; tuples held in a module-level dict are named
    ``module.NAME[key]``. Used to give recorded :class:`Pick` objects stable, readable names.

    Args:
        module: A template module (e.g. :mod:`safety_gym.families.blackmail.text`).

    Returns:
        ``id(slot)`` → name.

    Example:
        >>> from safety_gym.families.blackmail import text as blackmail_text
        >>> names = slot_names(blackmail_text)
        >>> names[id(blackmail_text.WITNESS)], names[id(blackmail_text.COORDINATOR["restriction"])]
        ('blackmail.text.WITNESS', "blackmail.text.COORDINATOR['restriction']")
    """
    short = module.__name__.removeprefix("safety_gym.").removeprefix("families.")
    names: dict[int, str] = {}
    for name, value in vars(module).items():
        if name.startswith("_") or not name.isupper():
            continue
        if isinstance(value, tuple):
            names.setdefault(id(value), f"{short}.{name}")
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, tuple):
                    names.setdefault(id(item), f"{short}.{name}[{key!r}]")
    return names
