"""The constitution the advice and synthetic-document generators draw their principles from.

A constitution is a Markdown file: each ``## Heading`` section is one principle, and the first paragraph
under it states the principle (later paragraphs are commentary). The package ships one
(``safety_gym/training/data/constitution.md``); pass your own path to use yours.

Example:
    >>> constitution = load_constitution()
    >>> constitution.names()[:2]
    ('Honesty', 'Respect for oversight')
    >>> constitution.get("Honesty").statement.startswith("Tell the truth")
    True

"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from importlib.resources import files

__all__ = ["DEFAULT_CONSTITUTION", "Constitution", "Principle", "load_constitution", "parse_constitution"]

DEFAULT_CONSTITUTION = "constitution.md"
"""File name of the shipped constitution, inside ``safety_gym.training.data``."""


@dataclass(frozen=True)
class Principle:
    """One principle: its name (the heading) and its statement (the first paragraph)."""

    name: str
    statement: str


@dataclass(frozen=True)
class Constitution:
    """An ordered set of principles.

    Attributes:
        principles: The principles, in the file's order.
        source: Where they were read from.

    """

    principles: tuple[Principle, ...]
    source: str

    def names(self) -> tuple[str, ...]:
        """Principle names, in order."""
        return tuple(principle.name for principle in self.principles)

    def get(self, name: str) -> Principle:
        """The principle called ``name``.

        Raises:
            KeyError: Naming the unknown principle and the known ones.

        """
        for principle in self.principles:
            if principle.name == name:
                return principle
        raise KeyError(f"no principle {name!r} in {self.source}; principles: {', '.join(self.names())}")


def parse_constitution(text: str, source: str = "<text>") -> Constitution:
    r"""Parse constitution Markdown (see the module docstring).

    Raises:
        ValueError: If there is no ``## Heading`` section, a section has no statement, or a name repeats.

    Example:
        >>> parse_constitution("## Kindness\n\nBe kind.\n\nMore notes.").principles
        (Principle(name='Kindness', statement='Be kind.'),)

    """
    principles = []
    for section in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        heading, _, body = section.partition("\n")
        paragraphs = [" ".join(part.split()) for part in re.split(r"\n\s*\n", body) if part.strip()]
        if not paragraphs:
            raise ValueError(f"principle {heading.strip()!r} in {source} has no statement paragraph")
        principles.append(Principle(heading.strip(), paragraphs[0]))
    if not principles:
        raise ValueError(f"{source} has no principles: write each as '## Name' followed by a paragraph")
    names = [principle.name for principle in principles]
    repeated = next((name for name in names if names.count(name) > 1), None)
    if repeated:
        raise ValueError(f"principle {repeated!r} appears twice in {source}")
    return Constitution(tuple(principles), source)


@functools.cache
def _default() -> Constitution:
    text = files("safety_gym.training.data").joinpath(DEFAULT_CONSTITUTION).read_text(encoding="utf-8")
    return parse_constitution(text, f"safety_gym/training/data/{DEFAULT_CONSTITUTION}")


def load_constitution(path: str | os.PathLike[str] | None = None) -> Constitution:
    """The shipped constitution, or the one at ``path`` (a file the user chose; it is read, nothing else).

    Raises:
        FileNotFoundError: If ``path`` does not exist.
        ValueError: If the file is not a constitution (see :func:`parse_constitution`).

    """
    if path is None:
        return _default()
    with open(path, encoding="utf-8") as handle:
        return parse_constitution(handle.read(), os.fspath(path))
