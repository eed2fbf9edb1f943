"""Reset options every env understands, and the scenario seed a reset uses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

RESET_OPTIONS = ("scenario_seed", "counterfactual")
"""Reset options the envs understand: ``scenario_seed`` (which scenario, apart from the env's RNG) and
``counterfactual`` (the same scenario with one element removed)."""


def check_reset(seed: Any, options: Any) -> dict[str, Any]:
    """Check a reset's ``seed`` and ``options`` before anything uses them; return the options as a dict.

    Raises:
        ValueError: Naming the bad seed, option or options value and what is allowed.

    Example:
        >>> check_reset(3, {"counterfactual": "no_threat"})
        {'counterfactual': 'no_threat'}
        >>> check_reset(-1, None)
        Traceback (most recent call last):
        ...
        ValueError: seed=-1 is not allowed; allowed: None or an integer >= 0
        >>> check_reset(None, "no_threat")
        Traceback (most recent call last):
        ...
        ValueError: options='no_threat' is not allowed; allowed: None or a dict with keys scenario_seed, counterfactual

    """
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or seed < 0):
        raise ValueError(f"seed={seed!r} is not allowed; allowed: None or an integer >= 0")
    if options is None:
        return {}
    if not isinstance(options, Mapping):
        raise ValueError(f"options={options!r} is not allowed; allowed: None or a dict with keys "
                         f"{', '.join(RESET_OPTIONS)}")
    unknown = [key for key in options if key not in RESET_OPTIONS]
    if unknown:
        raise ValueError(f"unknown reset option {unknown[0]!r}; options: {', '.join(RESET_OPTIONS)}")
    return dict(options)


def scenario_seed(options: dict[str, Any], seed: int | None, rng: np.random.Generator) -> int:
    """The seed of the scenario a reset generates.

    ``options["scenario_seed"]`` if given, else the reset ``seed``, else a draw from the env's generator.

    Raises:
        ValueError: If the seed is not a non-negative integer.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> scenario_seed({"scenario_seed": 7}, 1, rng), scenario_seed({}, 1, rng)
        (7, 1)
        >>> scenario_seed({"scenario_seed": -1}, None, rng)
        Traceback (most recent call last):
        ...
        ValueError: scenario seed must be a non-negative integer, got -1

    """
    chosen = options.get("scenario_seed", seed)
    if chosen is None:
        chosen = int(rng.integers(0, 2**31 - 1))
    if not isinstance(chosen, int) or isinstance(chosen, bool) or chosen < 0:
        raise ValueError(f"scenario seed must be a non-negative integer, got {chosen!r}")
    return chosen
