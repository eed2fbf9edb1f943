"""Split manifests: exactly which scenarios a split contains, as data a paper can cite.

A split (``"train"`` or ``"test"``) is defined by three things, all recorded here:

- **entity pools**: names, companies, places and projects, disjoint between the splits
  (:mod:`safety_gym.core.pools`);
- **template variants**: every template slot's variants are partitioned between the splits
  (:mod:`safety_gym.core.variants`);
- **seeds**: the split is folded into the seed of every scenario's draw streams
  (:func:`safety_gym.core.sampling.streams`), so a train seed and a test seed never share draws.

:func:`manifest` describes one split: the SHA-256 of the entity data and of the split's pools, the
SHA-256 of every scenario module each family's generator imports (its templates and generation code),
the generator versions, the seed scheme, the variant rule and, per family, the template slots its
generator partitions (found by generating every factor cell and counterfactual of seed 0 while
:func:`~safety_gym.core.variants.recording`). :func:`manifest_digest` hashes it into one string
to state in a paper: same digest, same split. Print both with ``python -m safety_gym.families.splits``.

Example:
    >>> digest = manifest_digest("test")
    >>> len(digest), digest == manifest_digest("test"), digest != manifest_digest("train")
    (64, True, True)
    >>> manifest("test")["families"]["Blackmail"]["split_aware"]
    True
"""

from __future__ import annotations

import ast
import copy
import functools
import hashlib
import importlib
import importlib.util
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from safety_gym.core import sampling, variants
from safety_gym.core.pools import CATEGORIES, SPLITS, load_pools, pools_digest
from safety_gym.families import FAMILIES, Family

__all__ = ["MANIFEST_VERSION", "main", "manifest", "manifest_digest", "manifest_json"]

MANIFEST_VERSION = 1
"""Version of the manifest's layout."""

_SCENARIO_PACKAGES = ("safety_gym.core.", "safety_gym.families.")
_INFRASTRUCTURE = frozenset(
    f"safety_gym.core.{name}" for name in ("factors", "model", "pools", "sampling", "variants", "verdict")
)
"""Scenario modules every family shares; the seed scheme and variant rule cover sampling and variants."""


def _check_split(split: str) -> None:
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {', '.join(repr(s) for s in SPLITS)}")


def _source(module_name: str) -> str:
    """A module's source text, with line endings normalised (the same on every OS)."""
    path = getattr(importlib.import_module(module_name), "__file__", None)
    if not path or not path.endswith(".py"):
        raise ValueError(f"cannot read the source of {module_name!r}; a manifest needs the .py files")
    return Path(path).read_bytes().decode("utf-8").replace("\r\n", "\n")


def _source_sha256(module_name: str) -> str:
    """SHA-256 of a module's source text."""
    return hashlib.sha256(_source(module_name).encode("utf-8")).hexdigest()


def _scenario_imports(module: ModuleType) -> list[str]:
    """The scenario modules (family and shared) that ``module`` imports, directly or through each other.

    ``module`` first, then the others in the order they are met, breadth first.
    """
    found = [module.__name__]
    for name in found:  # grows while it is read: each new module's own imports are read in turn
        for imported in _direct_imports(name):
            if imported.startswith(_SCENARIO_PACKAGES) and imported not in _INFRASTRUCTURE and imported not in found:
                found.append(imported)
    return found


def _direct_imports(module_name: str) -> list[str]:
    """The modules ``module_name`` imports at its top level (``from pkg import module`` names the module)."""
    names: list[str] = []
    for node in ast.parse(_source(module_name)).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                names.append(submodule if _is_module(submodule) else node.module)
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
    return names


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def _slot_names(modules: Sequence[str]) -> dict[int, str]:
    names: dict[int, str] = {}
    for module_name in modules:
        for key, name in variants.slot_names(importlib.import_module(module_name)).items():
            names.setdefault(key, name)
    return names


def _probe_slots(family: Family, split: str, names: dict[int, str]) -> dict[str, dict[str, Any]]:
    """The template slots ``family``'s generator picks variants from, over every factor cell and counterfactual."""
    slots: dict[str, dict[str, Any]] = {}
    calls: list[dict[str, Any]] = [dict(cell) for cell in family.factors.cells()]
    calls += [{"counterfactual": counterfactual} for counterfactual in family.counterfactuals]
    with variants.recording() as picks:
        for kwargs in calls:
            family.generate(0, split, **kwargs)
    for pick in picks:
        options = pick.options
        if isinstance(options, range):
            name = f"index slot of {len(options)}"
        else:
            name = names.get(id(options), f"unnamed slot: {str(options[0])[:40]!r}…")
        slots.setdefault(
            name,
            {
                "variants": len(options),
                "positions": list(variants.split_positions(len(options), split)),
                "shared": variants.is_shared(options),
            },
        )
    return dict(sorted(slots.items()))


def _family_entry(family: Family, split: str) -> dict[str, Any]:
    generator = sys.modules[family.generate.__module__]
    modules = _scenario_imports(generator)
    slots = _probe_slots(family, split, _slot_names(modules))
    return {
        "env_id": family.env_id,
        "generator": f"{family.generate.__module__}.{family.generate.__qualname__}",
        "generator_version": getattr(generator, "GENERATOR_VERSION", None),
        "sources_sha256": {name: _source_sha256(name) for name in modules},
        "split_aware": bool(slots),
        "variant_slots": slots,
        "shared_slots": [name for name, slot in slots.items() if slot["shared"]],
    }


def _pools_entry(split: str) -> dict[str, Any]:
    pools = load_pools(split)
    data = {
        category: [[c.name, c.domain] for c in pools.companies] if category == "companies"
        else list(getattr(pools, category))
        for category in CATEGORIES
    }
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return {
        "data_sha256": pools_digest(),
        "split_sha256": hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        "sizes": {category: len(values) for category, values in data.items()},
    }


@functools.lru_cache(maxsize=len(SPLITS))
def _manifest(split: str) -> dict[str, Any]:
    return {
        "manifest_version": MANIFEST_VERSION,
        "split": split,
        "seed_scheme": {
            "description": sampling.STREAM_SCHEME,
            "split_tag": sampling.SPLIT_TAGS[split],
            "code_sha256": {name: _source_sha256(name) for name in sorted(_INFRASTRUCTURE)},
        },
        "variant_rule": variants.RULE,
        "entity_pools": _pools_entry(split),
        "families": {name: _family_entry(family, split) for name, family in sorted(FAMILIES.items())},
    }


def manifest(split: str) -> dict[str, Any]:
    """Everything that defines ``split``, as JSON-ready data (a fresh copy each call).

    Args:
        split: ``"train"`` or ``"test"``.

    Returns:
        ``manifest_version``, ``split``, ``seed_scheme`` (description, the split's tag, SHA-256 of the shared
        scenario code), ``variant_rule``, ``entity_pools`` (SHA-256 of the data file and of this split's
        pools, pool sizes) and ``families``: per family its env id, generator and version, the SHA-256 of
        every scenario module its generator imports, whether it partitions template variants by split
        (``split_aware``), the slots it partitions with the positions this split uses, and the slots that
        have one variant and so are shared by both splits.

    Raises:
        ValueError: If ``split`` is unknown.

    Example:
        >>> m = manifest("train")
        >>> m["split"], m["seed_scheme"]["split_tag"], m["families"]["Blackmail"]["generator_version"]
        ('train', 1, 2)
        >>> m["families"]["Blackmail"]["variant_slots"]["blackmail.text.WITNESS"]
        {'variants': 3, 'positions': [0, 2], 'shared': False}
    """
    _check_split(split)
    return copy.deepcopy(_manifest(split))


def manifest_json(split: str) -> str:
    """The manifest as canonical JSON (sorted keys, no spaces): the text :func:`manifest_digest` hashes."""
    return json.dumps(manifest(split), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def manifest_digest(split: str) -> str:
    """SHA-256 of the split's canonical manifest: one string that pins down the split exactly.

    Example:
        >>> manifest_digest("validation")
        Traceback (most recent call last):
        ...
        ValueError: unknown split 'validation'; expected one of 'train', 'test'
    """
    return hashlib.sha256(manifest_json(split).encode("utf-8")).hexdigest()


def main(argv: Sequence[str] | None = None) -> int:
    """Print the manifests and digests of the named splits (all splits by default) as indented JSON.

    Used by ``python -m safety_gym.families.splits [train|test]``.
    """
    chosen = list(sys.argv[1:] if argv is None else argv) or list(SPLITS)
    for split in chosen:
        _check_split(split)
    output = {split: {"digest": manifest_digest(split), "manifest": manifest(split)} for split in chosen}
    print(json.dumps(output, indent=2, sort_keys=True, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ValueError as error:
        print(f"python -m safety_gym.families.splits: error: {error}", file=sys.stderr)
        sys.exit(2)
