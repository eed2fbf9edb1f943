"""A text space that accepts any Unicode string up to a length, and its support in vector envs."""

from __future__ import annotations

import multiprocessing as mp
import string
from collections.abc import Sequence
from typing import Any

import numpy as np
from gymnasium.spaces import Text
from gymnasium.spaces.utils import flatten, unflatten
from gymnasium.vector.utils import create_shared_memory, read_from_shared_memory, write_to_shared_memory

PRINTABLE = string.printable
"""Characters that :meth:`UnicodeText.sample` draws from."""


class UnicodeText(Text):
    """Text of any Unicode characters, at most ``max_length`` long.

    Gymnasium's :class:`~gymnasium.spaces.Text` only contains strings over its charset, and a
    full-Unicode charset is slow to build and large to pickle. This space checks type and length
    only, and samples printable ASCII.

    Args:
        max_length: Longest string in the space.
        min_length: Shortest string in the space.
        sample_max_length: Longest string :meth:`sample` draws (sampling megabytes is rarely useful).
        seed: Seed of the space's own generator.

    Example:
        >>> space = UnicodeText(100)
        >>> space.contains("Grüße, 世界 🌍")
        True
        >>> space.contains(b"bytes")
        False

    """

    def __init__(
        self,
        max_length: int,
        *,
        min_length: int = 0,
        sample_max_length: int = 256,
        seed: int | np.random.Generator | None = None,
    ) -> None:
        super().__init__(max_length=max_length, min_length=min_length, charset=PRINTABLE, seed=seed)
        self.sample_max_length = min(sample_max_length, max_length)

    def contains(self, x: Any) -> bool:
        """Whether ``x`` is a string of allowed length (any characters)."""
        return isinstance(x, str) and self.min_length <= len(x) <= self.max_length

    def sample(self, mask: Any = None, probability: Any = None) -> str:
        """A random printable string of length up to ``sample_max_length``."""
        if mask is None and probability is None:
            length = int(self.np_random.integers(self.min_length, self.sample_max_length + 1))
            return super().sample(mask=(length, None))
        return super().sample(mask=mask, probability=probability)

    def __repr__(self) -> str:
        return f"UnicodeText({self.min_length}, {self.max_length})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, UnicodeText)
            and self.min_length == other.min_length
            and self.max_length == other.max_length
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, like every Gymnasium space


# -- vector envs: UnicodeText in AsyncVectorEnv's shared memory and in flatten / unflatten ---------------------------
#
# Gymnasium stores Text observations as indices into the space's charset, which fails for any character outside it.
# A UnicodeText slot holds the string's length, then its code points (UTF-32): writing and reading cost the string's
# length, not the space's maximum.


def code_points(text: str) -> np.ndarray:
    """The Unicode code points of ``text`` as an ``int32`` array (lone surrogates included).

    Example:
        >>> code_points("aé🌍").tolist()
        [97, 233, 127757]

    """
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.int32)


def from_code_points(points: np.ndarray) -> str:
    r"""Inverse of :func:`code_points`.

    Example:
        >>> from_code_points(code_points("Grüße \ud800"))
        'Grüße \ud800'

    """
    return np.ascontiguousarray(points, dtype=np.int32).tobytes().decode("utf-32-le", "surrogatepass")


@create_shared_memory.register(UnicodeText)
def _create_unicode_shared_memory(space: UnicodeText, n: int = 1, ctx: Any = mp) -> Any:
    return ctx.Array(np.dtype(np.int32).char, n * (space.max_length + 1))


@write_to_shared_memory.register(UnicodeText)
def _write_unicode_to_shared_memory(space: UnicodeText, index: int, value: str, shared_memory: Any) -> None:
    points = code_points(value)
    start = index * (space.max_length + 1)
    destination = np.frombuffer(shared_memory.get_obj(), dtype=np.int32)
    destination[start] = len(points)
    destination[start + 1: start + 1 + len(points)] = points


class SharedTexts(Sequence[str]):
    """The texts in an ``AsyncVectorEnv``'s shared memory, read when accessed (a live view, like NumPy's).

    ``AsyncVectorEnv`` reads its shared memory once and hands out copies (``copy=True``, the default: a copy is
    a tuple of the current texts) or the view itself.
    """

    def __init__(self, rows: np.ndarray) -> None:
        self._rows = rows

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return tuple(self)[index]
        row = self._rows[index]
        return from_code_points(row[1: 1 + row[0]])

    def __len__(self) -> int:
        return len(self._rows)

    def __deepcopy__(self, memo: dict[int, Any]) -> tuple[str, ...]:
        return tuple(self)

    def __repr__(self) -> str:
        return f"SharedTexts({tuple(self)!r})"


@read_from_shared_memory.register(UnicodeText)
def _read_unicode_from_shared_memory(space: UnicodeText, shared_memory: Any, n: int = 1) -> SharedTexts:
    return SharedTexts(np.frombuffer(shared_memory.get_obj(), dtype=np.int32).reshape((n, space.max_length + 1)))


@flatten.register(UnicodeText)
def _flatten_unicode(space: UnicodeText, value: str) -> np.ndarray:
    flat = np.full(space.max_length, -1, dtype=np.int32)
    points = code_points(value)
    flat[: len(points)] = points
    return flat


@unflatten.register(UnicodeText)
def _unflatten_unicode(space: UnicodeText, flat: np.ndarray) -> str:
    points = np.asarray(flat, dtype=np.int32)
    return from_code_points(points[points >= 0])
