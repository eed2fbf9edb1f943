"""Factors: the controlled variables of a family, their levels, and validation of user choices."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from safety_gym.core.frozen import FrozenDict


@dataclass(frozen=True, slots=True)
class Factor:
    """One controlled variable.

    Attributes:
        name: Keyword used in ``gym.make(..., name=level)``.
        levels: Allowed levels.
        default: Level used when the user gives none.
        description: What the factor controls.

    """

    name: str
    levels: tuple[str, ...]
    default: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class FactorSpace:
    """The factors of a family.

    Example:
        >>> space = FactorSpace((Factor("urgency", ("replacement", "none"), "replacement"),))
        >>> dict(space.resolve({}))
        {'urgency': 'replacement'}
        >>> space.resolve({"urgency": "soon"})
        Traceback (most recent call last):
        ...
        ValueError: urgency='soon' is not a level of this factor; allowed: replacement, none

    """

    factors: tuple[Factor, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """Factor names, in declaration order."""
        return tuple(factor.name for factor in self.factors)

    def resolve(self, chosen: Mapping[str, object]) -> FrozenDict[str, str]:
        """Validate chosen levels and fill in defaults.

        Args:
            chosen: Factor name → level; may omit factors.

        Returns:
            A read-only mapping with a level for every factor, in declaration order.

        Raises:
            ValueError: Naming the unknown factor or bad level and the allowed ones.

        """
        names = self.names
        unknown = [name for name in chosen if name not in names]
        if unknown:
            raise ValueError(f"unknown factor {unknown[0]!r}; factors: {', '.join(names)}")
        resolved: dict[str, str] = {}
        for factor in self.factors:
            level = chosen.get(factor.name, factor.default)
            if level not in factor.levels:
                raise ValueError(
                    f"{factor.name}={level!r} is not a level of this factor; allowed: {', '.join(factor.levels)}"
                )
            resolved[factor.name] = str(level)
        return FrozenDict(resolved)

    def cells(self) -> Iterator[dict[str, str]]:
        """Every combination of levels (the full factorial design)."""
        for levels in itertools.product(*(factor.levels for factor in self.factors)):
            yield dict(zip(self.names, levels, strict=True))
