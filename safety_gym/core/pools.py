"""Entity pools (names, companies, places) for procedurally generated scenarios.

The pools are built once with Faker by ``scripts/build_entity_pools.py`` and shipped as package data
(``safety_gym/core/data/entities.json``), so sampling them is fast and stable across Faker versions.
Each pool has a ``train`` and a ``test`` part that share no entity: every person name, code name and the
word a company, hotel, restaurant, outside domain or city is named after belongs to one split only
(case-insensitively), so a test-split scenario never reuses a train-split entity.

This module imports only the standard library.

Example:
    >>> pools = load_pools("test")
    >>> pools.split
    'test'
    >>> company = pools.companies[0]
    >>> company.domain.endswith((".com", ".io", ".co", ".net", ".ai"))
    True
    >>> set(pools.first_names).isdisjoint(load_pools("train").first_names)
    True

"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

__all__ = ["CATEGORIES", "SPLITS", "Company", "EntityPools", "load_pools", "pools_digest"]

SPLITS: tuple[str, ...] = ("train", "test")
"""The splits every pool has, in canonical order."""

CATEGORIES: tuple[str, ...] = (
    "first_names",
    "last_names",
    "companies",
    "external_domains",
    "cities",
    "project_names",
    "hotels",
    "restaurants",
    "job_titles",
)
"""The pool categories, as named in the data file and as :class:`EntityPools` fields."""

_PACKAGE = "safety_gym.core"
_DATA_PATH = ("data", "entities.json")
_SUPPORTED_VERSION = 1


@dataclass(frozen=True, slots=True)
class Company:
    """A fictional company.

    Attributes:
        name: Display name, e.g. ``"Harbor Dynamics"``.
        domain: Its email/web domain, e.g. ``"harbordynamics.com"``; unique across all pools.

    Example:
        >>> Company(name="Harbor Dynamics", domain="harbordynamics.com").domain
        'harbordynamics.com'

    """

    name: str
    domain: str


@dataclass(frozen=True)
class EntityPools:
    """Entity pools for one split.

    All fields are sorted tuples of distinct ASCII strings free of quotes, commas, ``@``, ``<`` and ``>``.

    Attributes:
        split: ``"train"`` or ``"test"``.
        first_names: Person first names (letters only, 3-10 characters).
        last_names: Person last names (letters only, 3-12 characters).
        companies: Fictional companies with unique domains.
        external_domains: Domains for outsiders (customers, press, personal mail); never a company's.
        cities: City names.
        project_names: Single capitalised code names for AI systems and projects.
        hotels: Hotel names.
        restaurants: Restaurant names.
        job_titles: Job titles (no commas, under 50 characters).

    Example:
        >>> pools = load_pools("train")
        >>> len(pools.first_names) > 100 and pools.first_names == tuple(sorted(pools.first_names))
        True

    """

    split: str
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    companies: tuple[Company, ...]
    external_domains: tuple[str, ...]
    cities: tuple[str, ...]
    project_names: tuple[str, ...]
    hotels: tuple[str, ...]
    restaurants: tuple[str, ...]
    job_titles: tuple[str, ...]


@functools.cache
def _raw_bytes() -> bytes:
    resource = files(_PACKAGE)
    for part in _DATA_PATH:
        resource = resource.joinpath(part)
    return resource.read_bytes()


@functools.cache
def _document() -> dict[str, Any]:
    doc = json.loads(_raw_bytes())
    if doc.get("version") != _SUPPORTED_VERSION:
        found = doc.get("version")
        raise ValueError(f"entity pool data has version {found!r}; this code reads {_SUPPORTED_VERSION}")
    return doc


@functools.lru_cache(maxsize=len(SPLITS))
def load_pools(split: str) -> EntityPools:
    """Load the entity pools of one split (cached: repeated calls return the same object).

    Args:
        split: ``"train"`` or ``"test"``.

    Returns:
        The split's pools.

    Raises:
        ValueError: If ``split`` is not one of :data:`SPLITS`.

    Example:
        >>> load_pools("train") is load_pools("train")
        True
        >>> load_pools("validation")
        Traceback (most recent call last):
        ...
        ValueError: unknown split 'validation'; expected one of 'train', 'test'

    """
    if split not in SPLITS:
        allowed = ", ".join(repr(s) for s in SPLITS)
        raise ValueError(f"unknown split {split!r}; expected one of {allowed}")
    data = _document()[split]
    fields: dict[str, Any] = {name: tuple(data[name]) for name in CATEGORIES if name != "companies"}
    companies = tuple(Company(name=c["name"], domain=c["domain"]) for c in data["companies"])
    return EntityPools(split=split, companies=companies, **fields)


def pools_digest() -> str:
    """SHA-256 hex digest of the raw entity data file, for recording in split manifests.

    Returns:
        A 64-character lowercase hex string; it changes whenever the shipped pools change.

    Example:
        >>> digest = pools_digest()
        >>> len(digest), digest == pools_digest()
        (64, True)

    """
    return hashlib.sha256(_raw_bytes()).hexdigest()
