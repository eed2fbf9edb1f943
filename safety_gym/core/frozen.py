"""A read-only dict: the mapping type of frozen scenario data.

Scenario data must be immutable (a generator's output is shared by the text, the judge and the
references), picklable (vector envs and Ray workers ship envs and scenarios between processes) and
cheap to read. :class:`types.FrozenDict` is the first but cannot be pickled; :class:`FrozenDict`
is all three: a ``dict`` whose mutating methods raise.
"""

from __future__ import annotations

from typing import Any, NoReturn, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class FrozenDict(dict[K, V]):
    """A ``dict`` that cannot be changed after it is built; it pickles, deep-copies and JSON-encodes as a dict.

    Example:
        >>> import json, pickle
        >>> levels = FrozenDict({"urgency": "replacement"})
        >>> levels["urgency"], json.dumps(levels)
        ('replacement', '{"urgency": "replacement"}')
        >>> pickle.loads(pickle.dumps(levels)) == levels
        True
        >>> levels["urgency"] = "none"
        Traceback (most recent call last):
        ...
        TypeError: FrozenDict is read-only

    """

    __slots__ = ()

    def _read_only(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("FrozenDict is read-only")

    __setitem__ = __delitem__ = __ior__ = _read_only
    clear = pop = popitem = setdefault = update = _read_only

    def __reduce__(self) -> tuple[type[FrozenDict[K, V]], tuple[dict[K, V]]]:
        return type(self), (dict(self),)

    def __copy__(self) -> FrozenDict[K, V]:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenDict[K, V]:
        from copy import deepcopy

        return type(self)({deepcopy(key, memo): deepcopy(value, memo) for key, value in self.items()})

    def __repr__(self) -> str:
        return f"FrozenDict({dict.__repr__(self)})"
