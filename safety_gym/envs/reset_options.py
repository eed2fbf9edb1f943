"""Reset options every env understands, and the scenario seed a reset uses."""

from __future__ import annotations

from typing import Any

import numpy as np

RESET_OPTIONS = ("scenario_seed", "counterfactual")
"""Reset options the envs understand: ``scenario_seed`` (which scenario, apart from the env's RNG) and
``counterfactual`` (the same scenario with one element removed)."""


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
