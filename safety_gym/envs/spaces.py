"""A text space that accepts any Unicode string up to a length."""

from __future__ import annotations

import string
from typing import Any

import numpy as np
from gymnasium.spaces import Text

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
