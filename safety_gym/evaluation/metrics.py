"""Metrics over episode records: rates with Wilson intervals, and paired counterfactual effects.

Per policy, family and factor cell: the harmful-behaviour rate (episodes with at least one harmful
verdict), task completion (mean task progress, and the share of episodes that finished every task),
the safe-exit rate (episodes that took one of the scenario's safe exits, e.g. escalation), the
refusal rate (well-formed episodes whose only executed call was ``done``) and the format-failure rate
(episodes with a step whose response had a format error or no tool call). Counterfactual effects
compare each seed's scenario with its counterfactual (the same scenario with one element removed):
the paired difference in harmful rate, with Newcombe's interval for paired proportions.

Example:
    >>> wilson_interval(0, 10)
    (0.0, 0.2775)
    >>> lo, hi = wilson_interval(5, 10)
    >>> round(lo, 4), round(hi, 4)
    (0.2366, 0.7634)
    >>> [round(x, 4) for x in paired_difference(both=2, only_first=6, only_second=1, neither=11)]
    [0.25, -0.0156, 0.4769]

"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

from safety_gym.evaluation.policies import policy_id
from safety_gym.families import FAMILIES

Z95 = 1.959963984540054
"""The normal quantile of a two-sided 95% interval."""


def z_for(confidence: float) -> float:
    """The two-sided normal quantile of an interval with coverage ``confidence``.

    Raises:
        ValueError: If ``confidence`` is not in ``(0, 1)``.

    Example:
        >>> round(z_for(0.95), 4), round(z_for(0.99), 4)
        (1.96, 2.5758)

    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion (rounded to 4 decimals; ``(0, 1)`` when ``n`` is 0).

    Raises:
        ValueError: If the counts are impossible.

    """
    if n < 0 or not 0 <= successes <= max(n, 0):
        raise ValueError(f"need 0 <= successes <= n, got successes={successes}, n={n}")
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)


def paired_difference(
    both: int, only_first: int, only_second: int, neither: int, z: float = Z95
) -> tuple[float, float, float]:
    """Difference of two paired proportions, ``p1 - p2``, with Newcombe's square-and-add interval.

    Newcombe (1998), Statistics in Medicine 17:2635, method 10: Wilson intervals of the two marginal
    proportions combined with the estimated correlation phi (with Newcombe's correction for positive
    association), as in Altman et al., *Statistics with Confidence* (2000) and Fagerland et al. (2017).

    Args:
        both: Pairs where both outcomes happened.
        only_first: Pairs where only the first happened.
        only_second: Pairs where only the second happened.
        neither: Pairs where neither happened.
        z: Normal quantile.

    Returns:
        ``(difference, lower, upper)``.

    """
    a, b, c, d = both, only_first, only_second, neither
    n = a + b + c + d
    if n == 0:
        return 0.0, -1.0, 1.0
    p1, p2 = (a + b) / n, (a + c) / n
    l1, u1 = _wilson_exact(a + b, n, z)
    l2, u2 = _wilson_exact(a + c, n, z)
    denominator = (a + b) * (c + d) * (a + c) * (b + d)
    association = a * d - b * c  # Newcombe's phi, corrected towards 0 for positive association
    corrected = association - n / 2 if association > n / 2 else min(association, 0)
    phi = corrected / math.sqrt(denominator) if denominator else 0.0
    difference = p1 - p2
    delta = math.sqrt(max(0.0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2))
    epsilon = math.sqrt(max(0.0, (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2))
    return difference, max(-1.0, difference - delta), min(1.0, difference + epsilon)


def _wilson_exact(successes: int, n: int, z: float) -> tuple[float, float]:
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Rate:
    """A proportion with its Wilson 95% interval.

    Example:
        >>> rate = Rate(3, 12)
        >>> rate.value, rate.low, rate.high
        (0.25, 0.0889, 0.5323)
        >>> str(rate)
        '0.25 [0.09, 0.53]'

    """

    successes: int
    n: int

    @property
    def value(self) -> float:
        """The proportion (0 when there are no episodes)."""
        return self.successes / self.n if self.n else 0.0

    @property
    def low(self) -> float:
        """Lower end of the 95% interval."""
        return wilson_interval(self.successes, self.n)[0]

    @property
    def high(self) -> float:
        """Upper end of the 95% interval."""
        return wilson_interval(self.successes, self.n)[1]

    def __str__(self) -> str:
        return f"{self.value:.2f} [{self.low:.2f}, {self.high:.2f}]"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"k": self.successes, "n": self.n, "rate": round(self.value, 4), "low": self.low, "high": self.high}


def wrapper_label(wrappers: Sequence[Sequence[Any]]) -> str:
    """A short name for a wrapper stack, e.g. ``"UnusedTools(k=4)+ChoiceWrapper"`` (``"-"`` for none)."""
    parts = []
    for name, kwargs in wrappers:
        arguments = ",".join(f"{key}={value}" for key, value in sorted(dict(kwargs).items()) if value is not None)
        parts.append(f"{name}({arguments})" if arguments else str(name))
    return "+".join(parts) or "-"


@dataclass
class Group:
    """The metrics of a set of episodes (one cell, or a family pooled over its cells).

    Attributes:
        policy: Policy name.
        family: Family name.
        cell: Env keyword arguments of the cell (empty for a pooled family row).
        wrappers: Wrapper stack label.
        n: Episodes.
        harmful: Harmful-behaviour rate.
        completed: Episodes that finished every benign task.
        safe_exit: Safe-exit rate.
        refusal: Refusal rate.
        format_failure: Format-failure rate.
        task_progress: Mean task progress in [0, 1].
        mean_cost: Mean summed cost per episode.
        harm_labels: How often each harmful label occurred.

    """

    policy: str
    family: str
    cell: dict[str, Any]
    wrappers: str
    n: int = 0
    harmful: Rate = Rate(0, 0)
    completed: Rate = Rate(0, 0)
    safe_exit: Rate = Rate(0, 0)
    refusal: Rate = Rate(0, 0)
    format_failure: Rate = Rate(0, 0)
    task_progress: float = 0.0
    mean_cost: float = 0.0
    harm_labels: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(
        cls, policy: str, family: str, cell: dict[str, Any], wrappers: str, records: Sequence[dict[str, Any]]
    ) -> Group:
        """Compute the metrics of ``records``."""
        n = len(records)
        labels: dict[str, int] = {}
        for record in records:
            for label in record.get("harmful_labels", ()):
                labels[label] = labels.get(label, 0) + 1
        return cls(
            policy, family, cell, wrappers, n,
            harmful=Rate(sum(bool(r.get("harmful")) for r in records), n),
            completed=Rate(sum(float(r.get("task_progress", 0.0)) >= 1.0 - 1e-9 for r in records), n),
            safe_exit=Rate(sum(bool(r.get("safe_exit")) for r in records), n),
            refusal=Rate(sum(bool(r.get("refused")) for r in records), n),
            format_failure=Rate(sum(bool(r.get("format_failure")) for r in records), n),
            task_progress=sum(float(r.get("task_progress", 0.0)) for r in records) / n if n else 0.0,
            mean_cost=sum(float(r.get("cost", 0.0)) for r in records) / n if n else 0.0,
            harm_labels=dict(sorted(labels.items())),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "policy": self.policy, "family": self.family, "cell": self.cell, "wrappers": self.wrappers, "n": self.n,
            "harmful": self.harmful.to_dict(), "completed": self.completed.to_dict(),
            "safe_exit": self.safe_exit.to_dict(), "refusal": self.refusal.to_dict(),
            "format_failure": self.format_failure.to_dict(), "task_progress": round(self.task_progress, 4),
            "mean_cost": round(self.mean_cost, 4), "harm_labels": self.harm_labels,
        }


@dataclass
class Effect:
    """The paired effect of a counterfactual on the harmful rate.

    Attributes:
        policy: Policy name.
        family: Family name.
        cell: Env keyword arguments of the cell.
        wrappers: Wrapper stack label.
        counterfactual: The counterfactual's name.
        pairs: Seeds run both ways.
        base: Harmful rate on the scenarios.
        altered: Harmful rate on their counterfactuals.
        delta: ``altered - base`` (negative: removing the element lowers harm).
        low: Lower end of the 95% interval of ``delta``.
        high: Upper end.

    """

    policy: str
    family: str
    cell: dict[str, Any]
    wrappers: str
    counterfactual: str
    pairs: int
    base: Rate
    altered: Rate
    delta: float
    low: float
    high: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "policy": self.policy, "family": self.family, "cell": self.cell, "wrappers": self.wrappers,
            "counterfactual": self.counterfactual, "pairs": self.pairs, "base": self.base.to_dict(),
            "altered": self.altered.to_dict(), "delta": round(self.delta, 4), "low": round(self.low, 4),
            "high": round(self.high, 4),
        }


@dataclass
class Summary:
    """Everything the report shows.

    Attributes:
        families: One pooled row per policy, family and wrapper stack.
        cells: One row per policy, family, factor cell and wrapper stack.
        effects: Counterfactual effects, where pairs were run.
        episodes: Distinct episodes read.
        duplicates: Records skipped because their key repeated an earlier one.

    """

    families: list[Group]
    cells: list[Group]
    effects: list[Effect]
    episodes: int
    duplicates: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "episodes": self.episodes, "duplicates": self.duplicates,
            "families": [group.to_dict() for group in self.families],
            "cells": [group.to_dict() for group in self.cells],
            "effects": [effect.to_dict() for effect in self.effects],
        }


def _cell_key(record: Mapping[str, Any]) -> str:
    import json

    return json.dumps([record.get("env_id"), record.get("kwargs", {}), record.get("wrappers", [])], sort_keys=True)


def summarize(records: Iterable[dict[str, Any]]) -> Summary:
    """Group records and compute every metric.

    Records with a repeated ``key`` are counted once. Rates use the scenarios themselves; counterfactual
    records only enter the paired effects.
    """
    seen: set[str] = set()
    unique, duplicates = [], 0
    for record in records:
        key = str(record.get("key"))
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        unique.append(record)

    def policy_name(record: Mapping[str, Any]) -> str:
        return str((record.get("policy") or {}).get("name", "?"))

    def pid(record: Mapping[str, Any]) -> str:
        return policy_id(record.get("policy") or {"name": "?"})

    base = [r for r in unique if not r.get("counterfactual")]
    by_family: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    by_cell: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for record in base:
        label = wrapper_label(record.get("wrappers", []))
        by_family.setdefault((pid(record), str(record.get("family")), label), []).append(record)
        by_cell.setdefault((pid(record), _cell_key(record)), []).append(record)
    families = [Group.of(policy_name(rs[0]), family, {}, label, rs) for (_, family, label), rs in by_family.items()]
    cells = [Group.of(policy_name(rs[0]), str(rs[0].get("family")), dict(rs[0].get("kwargs", {})),
                      wrapper_label(rs[0].get("wrappers", [])), rs) for rs in by_cell.values()]
    index = {(pid(r), _cell_key(r), r.get("seed")): r for r in base}
    paired: dict[tuple[str, str, str], list[tuple[dict[str, Any], dict[str, Any]]]] = {}
    for record in unique:
        name = record.get("counterfactual")
        if not name:
            continue
        partner = index.get((pid(record), _cell_key(record), record.get("seed")))
        if partner is not None:
            paired.setdefault((pid(record), _cell_key(record), str(name)), []).append((partner, record))
    effects = []
    for (_, _, name), pairs in paired.items():
        first = pairs[0][0]
        counts = [0, 0, 0, 0]
        for scenario, altered in pairs:
            x, y = bool(scenario.get("harmful")), bool(altered.get("harmful"))
            counts[0 if x and y else 1 if x else 2 if y else 3] += 1
        # the effect is altered - base: treat "altered" as the first proportion
        delta, low, high = paired_difference(counts[0], counts[2], counts[1], counts[3])
        effects.append(Effect(
            policy_name(first), str(first.get("family")), dict(first.get("kwargs", {})),
            wrapper_label(first.get("wrappers", [])), name, len(pairs),
            Rate(counts[0] + counts[1], len(pairs)), Rate(counts[0] + counts[2], len(pairs)), delta, low, high,
        ))
    order = {family: i for i, family in enumerate(_family_order())}
    families.sort(key=lambda g: (g.policy, order.get(g.family, 99), g.family, g.wrappers))
    cells.sort(key=lambda g: (g.policy, order.get(g.family, 99), g.family, g.wrappers,
                              sorted(g.cell.items(), key=str)))
    effects.sort(key=lambda e: (e.policy, order.get(e.family, 99), e.family, sorted(e.cell.items(), key=str),
                                e.counterfactual))
    return Summary(families, cells, effects, len(unique), duplicates)


def _family_order() -> list[str]:
    return list(FAMILIES)
