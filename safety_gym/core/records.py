"""A cheaper ``__init__`` for the frozen dataclasses built on every episode.

A frozen dataclass's generated ``__init__`` stores each field with ``object.__setattr__(self, name, value)``
(the class's own ``__setattr__`` refuses), a generic attribute lookup per field. An episode builds about fifty
such records (emails, people, tool calls, verdicts, the scenario itself), so that adds up. :func:`fast_init`
gives a frozen, slotted dataclass an ``__init__`` that stores through the slots' descriptors instead: the same
parameters, defaults and default factories, the same instances (still frozen, equal, hashable, picklable),
built several times faster.
"""

from __future__ import annotations

import dataclasses
import inspect
import types
from typing import Any, TypeVar

__all__ = ["fast_init"]

T = TypeVar("T")


class _Factory:
    """The default of a parameter whose field has a ``default_factory`` (shown as ``<factory>``)."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def fast_init(cls: type[T]) -> type[T]:
    """Replace the ``__init__`` of a ``@dataclass(frozen=True, slots=True)`` class by a faster equivalent.

    Put it above the ``@dataclass`` decorator. Only plain fields are supported: no ``__post_init__``,
    ``init=False`` or keyword-only fields (it raises ``TypeError`` on those, and on a class that is not a
    frozen, slotted dataclass).

    Example:
        >>> from dataclasses import FrozenInstanceError, dataclass, field, replace
        >>> @fast_init
        ... @dataclass(frozen=True, slots=True)
        ... class Point:
        ...     x: int
        ...     y: int = 0
        ...     tags: tuple[str, ...] = field(default_factory=tuple)
        >>> point = Point(1, tags=("a",))
        >>> point, replace(point, y=2) == Point(1, 2, ("a",))
        (Point(x=1, y=0, tags=('a',)), True)
        >>> point.x = 5
        Traceback (most recent call last):
        ...
        dataclasses.FrozenInstanceError: cannot assign to field 'x'

    """
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in cls.__dict__:
        raise TypeError(f"fast_init needs a @dataclass(frozen=True, slots=True) class, got {cls.__name__}")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"fast_init does not support __post_init__ ({cls.__name__})")
    namespace: dict[str, Any] = {"_FACTORY": _FACTORY}
    parameters, body = ["self"], []
    for field in dataclasses.fields(cls):
        name = field.name
        descriptor = inspect.getattr_static(cls, name)
        if not field.init or field.kw_only or name == "self" or not isinstance(descriptor, types.MemberDescriptorType):
            raise TypeError(f"fast_init supports plain fields only ({cls.__name__}.{name})")
        namespace[f"_set_{name}"] = descriptor.__set__
        if field.default is not dataclasses.MISSING:
            namespace[f"_default_{name}"] = field.default
            parameters.append(f"{name}=_default_{name}")
        elif field.default_factory is not dataclasses.MISSING:
            namespace[f"_factory_{name}"] = field.default_factory
            parameters.append(f"{name}=_FACTORY")
            body.append(f"    if {name} is _FACTORY:\n        {name} = _factory_{name}()")
        else:
            parameters.append(name)
        body.append(f"    _set_{name}(self, {name})")
    source = f"def __init__({', '.join(parameters)}):\n" + ("\n".join(body) or "    pass") + "\n"
    exec(source, namespace)  # the source is built above from the field names alone
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__annotations__ = dict(cls.__init__.__annotations__)
    cls.__init__ = init  # type: ignore[misc]
    return cls
