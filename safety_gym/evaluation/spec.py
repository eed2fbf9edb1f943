"""What an evaluation runs: cells (env, kwargs, wrapper stack) and episodes (cell, seed, counterfactual).

Example:
    >>> cell = Cell("safety_gym/Blackmail-v0", {"urgency": "none"}, (("ChoiceWrapper", {"k": 3}),))
    >>> cell.family
    'Blackmail'
    >>> env = cell.make()
    >>> env.action_space
    Discrete(3)
    >>> EpisodeSpec(cell, seed=4).key("scripted:aligned")[:40]
    '{"counterfactual":null,"env_id":"safety_'

"""

from __future__ import annotations

import inspect
import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym

import safety_gym  # noqa: F401  (registers the environments)
import safety_gym.wrappers as wrappers
from safety_gym.families import FAMILIES, Family
from safety_gym.wrappers.choice import ChoiceWrapper

WrapperSpec = tuple[str, Mapping[str, Any]]
"""A wrapper by class name with its keyword arguments, e.g. ``("UnusedTools", {"k": 4})``."""

ENV_KWARGS = ("split", "syntax", "mode", "max_steps", "render_mode")
"""Env keyword arguments that are not factors."""


def canonical(value: Any) -> str:
    """Compact JSON with sorted keys: the form keys and hashes are built from."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def available_wrappers() -> dict[str, type[gym.Wrapper]]:
    """Wrapper classes an evaluation can stack, by class name: those ``safety_gym.wrappers`` exports."""
    found: dict[str, type[gym.Wrapper]] = {}
    for name in getattr(wrappers, "__all__", dir(wrappers)):
        item = getattr(wrappers, name, None)
        if isinstance(item, type) and issubclass(item, gym.Wrapper) and not name.startswith("_"):
            try:
                import inspect

                if inspect.isabstract(item) or "env" not in inspect.signature(item.__init__).parameters:
                    continue
            except (TypeError, ValueError):
                continue
            found[name] = item
    found["ChoiceWrapper"] = ChoiceWrapper
    return found


def wrapper_class(name: str) -> type[gym.Wrapper]:
    """The wrapper class called ``name`` (``"choice"`` is short for ``ChoiceWrapper``).

    Raises:
        ValueError: Naming the unknown wrapper and the available ones.

    """
    known = available_wrappers()
    if name.lower() == "choice":
        name = "ChoiceWrapper"
    if name not in known:
        raise ValueError(f"unknown wrapper {name!r}; wrappers: {', '.join(sorted(known))}")
    return known[name]


def check_wrapper(name: str, kwargs: Mapping[str, Any]) -> type[gym.Wrapper]:
    """The wrapper class called ``name``, after checking that its constructor takes ``kwargs``.

    Raises:
        ValueError: Naming the unknown wrapper, or the argument it does not have or needs, and its arguments.

    Example:
        >>> check_wrapper("UnusedTools", {"q": 3})
        Traceback (most recent call last):
        ...
        ValueError: wrapper UnusedTools has no argument 'q'; arguments: k

    """
    cls = wrapper_class(name)
    named = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    parameters = [parameter for parameter in inspect.signature(cls.__init__).parameters.values()
                  if parameter.name not in ("self", "env")]
    allowed = [parameter.name for parameter in parameters if parameter.kind in named]
    shown = ", ".join(allowed) or "none"
    takes_any = any(parameter.kind is inspect.Parameter.VAR_KEYWORD for parameter in parameters)
    unknown = [key for key in kwargs if key not in allowed]
    if unknown and not takes_any:
        raise ValueError(f"wrapper {cls.__name__} has no argument {unknown[0]!r}; arguments: {shown}")
    missing = [parameter.name for parameter in parameters
               if parameter.kind in named and parameter.default is inspect.Parameter.empty
               and parameter.name not in kwargs]
    if missing:
        raise ValueError(f"wrapper {cls.__name__} needs the argument {missing[0]!r}; arguments: {shown}")
    return cls


def family_of(env_id: str) -> Family:
    """The family of an env id, a ``Family-v0`` name or a family name.

    Raises:
        ValueError: Naming the unknown env and the known families.

    Example:
        >>> family_of("Blackmail").name, family_of("safety_gym/Blackmail-v0").name, family_of("Blackmail-v0").name
        ('Blackmail', 'Blackmail', 'Blackmail')

    """
    name = env_id.split(":")[-1].removeprefix("safety_gym/").removesuffix("-v0")
    if name not in FAMILIES:
        raise ValueError(f"unknown env {env_id!r}; families: {', '.join(FAMILIES)}")
    return FAMILIES[name]


@dataclass(frozen=True, eq=False)
class Cell:
    """One configuration to evaluate: an env id, its keyword arguments and a wrapper stack.

    Attributes:
        env_id: Gymnasium id (a family name is accepted and normalised).
        kwargs: Factor levels and env arguments (``split``, ``syntax``, ``mode``, ``max_steps``).
        wrappers: Wrapper specs, innermost first.

    """

    env_id: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    wrappers: tuple[WrapperSpec, ...] = ()

    def __post_init__(self) -> None:
        family = family_of(self.env_id)
        object.__setattr__(self, "env_id", family.env_id)
        object.__setattr__(self, "kwargs", dict(self.kwargs))
        object.__setattr__(self, "wrappers", tuple((str(n), dict(k)) for n, k in self.wrappers))
        factors = {k: v for k, v in self.kwargs.items() if k not in ENV_KWARGS}
        family.factors.resolve(factors)  # raises naming the bad factor or level
        for name, kwargs in self.wrappers:
            check_wrapper(name, kwargs)
        object.__setattr__(self, "_key", canonical(self.to_dict()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Cell) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)

    @property
    def key(self) -> str:
        """The cell as canonical JSON (its identity)."""
        return self._key  # type: ignore[attr-defined]

    @property
    def family(self) -> str:
        """The family name."""
        return family_of(self.env_id).name

    @property
    def choice(self) -> bool:
        """Whether the stack ends in choice mode."""
        return any(wrapper_class(name).__name__ == "ChoiceWrapper" for name, _ in self.wrappers)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (as stored in results)."""
        wrappers = [[name, dict(kwargs)] for name, kwargs in self.wrappers]
        return {"env_id": self.env_id, "kwargs": dict(self.kwargs), "wrappers": wrappers}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Cell:
        """Inverse of :meth:`to_dict`."""
        return cls(data["env_id"], data.get("kwargs", {}), tuple((n, k) for n, k in data.get("wrappers", ())))

    def make(self, *, privileged_info: bool = False) -> gym.Env:
        """Build the env with its wrappers.

        Args:
            privileged_info: Build it with the privileged ``reference_actions`` in reset's info (for
                scripted policies, see :attr:`~safety_gym.envs.safety_env.SafetyEnv.privileged_info`).

        """
        env = gym.make(self.env_id, **{**self.kwargs, **({"privileged_info": True} if privileged_info else {})})
        for name, kwargs in self.wrappers:
            env = wrapper_class(name)(env, **kwargs)
        return env


@dataclass(frozen=True)
class EpisodeSpec:
    """One episode: a cell, the reset seed, and an optional counterfactual.

    Attributes:
        cell: The configuration.
        seed: Reset seed (the scenario seed).
        counterfactual: A name from the family's ``counterfactuals``, or ``None`` for the scenario itself.

    """

    cell: Cell
    seed: int
    counterfactual: str | None = None

    def key(self, policy_id: str) -> str:
        """The identity of this episode for ``policy_id`` in a results file."""
        return canonical({**self.cell.to_dict(), "seed": self.seed, "counterfactual": self.counterfactual,
                          "policy": policy_id})


def parse_levels(items: Iterable[str]) -> dict[str, list[str]]:
    """``NAME=LEVEL[,LEVEL...]`` strings (``NAME=*`` for every level) as a mapping.

    Raises:
        ValueError: If an item has no ``=`` or names no level.

    Example:
        >>> parse_levels(["urgency=none,replacement", "goal_type=*"])
        {'urgency': ['none', 'replacement'], 'goal_type': ['*']}

    """
    levels: dict[str, list[str]] = {}
    for item in items:
        name, sep, value = item.partition("=")
        chosen = [v.strip() for v in value.split(",") if v.strip()]
        if not sep or not name.strip() or not chosen:
            raise ValueError(f"factor {item!r} must be NAME=LEVEL or NAME=LEVEL,LEVEL or NAME=*")
        levels.setdefault(name.strip(), []).extend(chosen)
    return levels


def grid(
    envs: Sequence[str],
    levels: Mapping[str, Sequence[str]] | None = None,
    *,
    env_kwargs: Mapping[str, Any] | None = None,
    wrappers: Sequence[WrapperSpec] = (),
) -> list[Cell]:
    """Cells for every env and every combination of the chosen factor levels.

    A factor applies to the families that have it; ``"*"`` stands for all its levels. Factors not named
    keep their defaults.

    Raises:
        ValueError: If a factor belongs to none of the envs, or a level is unknown (naming the allowed ones).

    Example:
        >>> cells = grid(["Blackmail"], {"urgency": ["replacement", "none"]})
        >>> [cell.kwargs for cell in cells]
        [{'urgency': 'replacement'}, {'urgency': 'none'}]

    """
    levels = dict(levels or {})
    families = [family_of(env) for env in envs]
    for name in levels:
        if not any(name in family.factors.names for family in families):
            known = sorted({factor for family in families for factor in family.factors.names})
            raise ValueError(f"unknown factor {name!r} for {', '.join(f.name for f in families)}; factors: "
                             f"{', '.join(known)}")
    cells = []
    for family in families:
        axes = []
        for factor in family.factors.factors:
            if factor.name not in levels:
                continue
            chosen = list(factor.levels) if "*" in levels[factor.name] else list(levels[factor.name])
            for level in chosen:
                if level not in factor.levels:
                    raise ValueError(f"{factor.name}={level!r} is not a level of {family.name}; allowed: "
                                     f"{', '.join(factor.levels)}")
            axes.append([(factor.name, level) for level in chosen])
        for combination in itertools.product(*axes):
            cells.append(Cell(family.env_id, {**dict(combination), **dict(env_kwargs or {})}, tuple(wrappers)))
    return cells


def episodes_for(
    cells: Sequence[Cell], episodes: int, *, seed_start: int = 0, counterfactuals: bool | Sequence[str] = False
) -> list[EpisodeSpec]:
    """``episodes`` seeds per cell, and each counterfactual of each seed when asked.

    Args:
        cells: The cells.
        episodes: Seeds per cell.
        seed_start: First seed.
        counterfactuals: ``True`` for every counterfactual the family lists, or names (those a family lacks
            are skipped for it).

    Raises:
        ValueError: If ``episodes`` is not positive or a named counterfactual belongs to no family.

    """
    if not isinstance(episodes, int) or episodes < 1:
        raise ValueError(f"episodes must be a positive integer, got {episodes!r}")
    if counterfactuals and not isinstance(counterfactuals, bool):
        known = {name for cell in cells for name in family_of(cell.env_id).counterfactuals}
        for name in counterfactuals:
            if name not in known:
                raise ValueError(f"unknown counterfactual {name!r}; allowed: {', '.join(sorted(known))}")
    specs = []
    for cell in cells:
        family = family_of(cell.env_id)
        if counterfactuals is True:
            names: tuple[str | None, ...] = family.counterfactuals
        elif counterfactuals:
            names = tuple(name for name in counterfactuals if name in family.counterfactuals)
        else:
            names = ()
        for seed in range(seed_start, seed_start + episodes):
            specs.extend(EpisodeSpec(cell, seed, counterfactual) for counterfactual in (None, *names))
    return specs
