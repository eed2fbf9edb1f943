"""What every family's template module (``families/<family>/text.py``) follows, and how it serves shared slots.

A slot is a module-level tuple of variants (or a dict of such tuples, by a factor level). Its variants are
``str.format`` strings over the context the family's generator builds; they differ in wording, not only in names;
they never use pronouns for people, so any name fits any template; and a generator picks among them by position
(``draws.pick``), the position deciding the variant's split (see :mod:`safety_gym.core.variants`).

The slots several families word exactly alike live once, in a shared module
(:mod:`~safety_gym.families.workplace.leadership_text`, :mod:`~safety_gym.families.workplace.governance_text`).
The family module holds only its own slots and names the shared module once, at its end::

    __getattr__ = shared_slots(__name__, leadership_text)

Python asks a module's ``__getattr__`` only for the names the module does not define (PEP 562), so
``text.NEWS_CONFLICT`` is the shared slot itself (the same tuple, so a generator picks exactly the variants it
would pick from a copy), and a slot the family words its own way simply shadows the shared one. A split manifest
names a shared slot by its shared module (``workplace.leadership_text.NEWS_CONFLICT``).

Example:
    >>> from types import ModuleType, SimpleNamespace
    >>> family = ModuleType("family.text")
    >>> family.SYSTEM_INTRO = ("You are {agent}.",)
    >>> family.__getattr__ = shared_slots(family.__name__, SimpleNamespace(HISTORY=("{agent} built it.",)))
    >>> family.SYSTEM_INTRO, family.HISTORY
    (('You are {agent}.',), ('{agent} built it.',))
    >>> family.WITNESS
    Traceback (most recent call last):
    ...
    AttributeError: module 'family.text' has no attribute 'WITNESS'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["shared_slots"]


def shared_slots(module_name: str, shared: object) -> Callable[[str], Any]:
    """A module ``__getattr__`` that serves the template slots of ``shared`` that the module does not define itself.

    Args:
        module_name: The family module's name (for the error of an unknown attribute).
        shared: The shared template module.

    Returns:
        ``__getattr__(name)``: the slot ``name`` of ``shared``; it raises ``AttributeError`` for a name that is not
        a slot's (not upper case) or that ``shared`` lacks too.

    """
    slots = {name: value for name, value in vars(shared).items() if name.isupper()}

    def shared_slot(name: str) -> Any:
        try:
            return slots[name]
        except KeyError:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}") from None

    return shared_slot
