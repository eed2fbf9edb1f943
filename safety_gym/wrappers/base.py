"""The machinery every randomizer wrapper shares: episodes, randomizers, seeded streams and the base wrapper.

A randomizer changes the surface or context of an episode (extra tool schemas, prompt noise, distractor
emails, entities, wording, order, tool-call syntax) but never what the scenario means or how it is judged.
It works on an :class:`EpisodeSetup`: the scenario about to be loaded, the tool-call syntax, the extra tools,
the generation seeds of the entity and wording streams, and the edits made so far.

:class:`ScenarioWrapper` runs randomizers at ``reset``. Stacked scenario wrappers build on each other: the
inner one hands its :class:`EpisodeSetup` to the outer one, and only the outermost loads the result into the
environment (with ``SafetyEnv.load``), so a stack of any depth costs one extra load. Randomizers that
redraw the scenario (:class:`Regenerate`: new entities, new wording) regenerate it from the family's
generator and replay every edit made before them, so the order of a stack never loses work.

Randomness: each wrapper owns a numpy ``Generator``. A reset with ``seed`` reseeds it from
``[seed, crc32(stream name)]``; a reset without a seed continues it (first seeded, if never seeded, from
the base env's seed). Each randomizer takes a fixed block of uniforms from it, so what a randomizer does
depends only on the reset seed, the stack and the scenario: never on global RNGs.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

import gymnasium as gym
import numpy as np

from safety_gym.core.model import Scenario
from safety_gym.envs.safety_env import SafetyEnv
from safety_gym.families import Family
from safety_gym.tools.schemas import Tool

T = TypeVar("T")

BLOCK = 64
"""Uniforms each randomizer takes from its wrapper's generator per episode (more come from an extension)."""

__all__ = [
    "BLOCK",
    "Edit",
    "EpisodeSetup",
    "Randomizer",
    "Regenerate",
    "ScenarioWrapper",
    "Stream",
    "check_count",
]


class Stream:
    """Uniform draws from a recorded block, extended deterministically when the block runs out.

    Randomizers draw from a stream so that an edit can be replayed exactly: the block is kept with the
    edit, and a replay reads the same numbers.

    Args:
        block: The recorded uniforms in ``[0, 1)``.

    Example:
        >>> stream = Stream([0.1, 0.5, 0.9])
        >>> stream.index(10), stream.choice("abc"), stream.integer(1, 3)
        (1, 'b', 3)
        >>> 0.0 <= stream.uniform() < 1.0  # past the block: the deterministic extension
        True

    """

    __slots__ = ("_block", "_extension", "_next")

    def __init__(self, block: Sequence[float]) -> None:
        self._block = block
        self._next = 0
        self._extension: np.random.Generator | None = None

    @property
    def block(self) -> Sequence[float]:
        """The recorded uniforms."""
        return self._block

    def uniform(self) -> float:
        """A float in ``[0, 1)``."""
        if self._next < len(self._block):
            self._next += 1
            return self._block[self._next - 1]
        if self._extension is None:
            key = [int(value * 2**53) for value in self._block[:4]]
            self._extension = np.random.default_rng([*key, len(self._block)])
        return float(self._extension.random())

    def index(self, n: int) -> int:
        """An integer in ``[0, n)``."""
        position = int(self.uniform() * n)
        return position if position < n else n - 1

    def integer(self, low: int, high: int) -> int:
        """An integer in ``[low, high]`` (both included)."""
        return low + self.index(high - low + 1)

    def choice(self, items: Sequence[T]) -> T:
        """One item."""
        return items[self.index(len(items))]

    def sample(self, items: Sequence[T], k: int) -> list[T]:
        """``k`` distinct items, in draw order (a partial Fisher–Yates shuffle: exactly ``k`` draws)."""
        pool = list(items)
        if k > len(pool):
            raise ValueError(f"cannot draw {k} distinct items from {len(pool)}")
        for i in range(k):
            j = i + self.index(len(pool) - i)
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:k]

    def shuffled(self, items: Sequence[T]) -> list[T]:
        """A permutation of ``items``."""
        return self.sample(items, len(items))


@dataclass(frozen=True, slots=True)
class Edit:
    """A scenario edit that can be replayed on a regenerated scenario.

    Attributes:
        randomizer: The randomizer that made it.
        key: Its key in ``info["randomization"]``.
        block: The uniforms it drew.

    """

    randomizer: Randomizer
    key: str
    block: tuple[float, ...]


@dataclass(slots=True)
class EpisodeSetup:
    """What the next episode will load: the scenario, its tool-call syntax and extra tools, and provenance.

    Randomizers change an episode in place; each scenario wrapper works on its own copy.

    Attributes:
        family: The env's family (for regeneration and its tool names).
        scenario: The scenario as edited so far (out of date while ``stale`` is set).
        syntax: Tool-call syntax the prompt asks for.
        extra_tools: Tools added to the family's.
        entity_seed: Seed of the entity stream (``None``: the scenario seed's own).
        variant_seed: Seed of the wording stream (``None``: the scenario seed's own).
        edits: Scenario edits so far, in order, replayed after a regeneration.
        records: What each randomizer did, by key, in order: ``info["randomization"]``.
        stale: Whether ``scenario`` must be regenerated (a seed changed) before it is used.

    """

    family: Family
    scenario: Scenario
    syntax: str
    extra_tools: tuple[Tool, ...] = ()
    entity_seed: int | None = None
    variant_seed: int | None = None
    edits: list[Edit] = field(default_factory=list)
    records: dict[str, Any] = field(default_factory=dict)
    stale: bool = False

    def copy(self) -> EpisodeSetup:
        """A copy that can be changed without changing this one (records and edits are new containers)."""
        return EpisodeSetup(
            self.family, self.scenario, self.syntax, self.extra_tools, self.entity_seed, self.variant_seed,
            list(self.edits), dict(self.records), self.stale,
        )

    def add_record(self, name: str, record: Any) -> str:
        """Store ``record`` under a fresh key for ``name`` (``name``, then ``name#2``...) and return the key."""
        key, number = name, 1
        while key in self.records:
            number += 1
            key = f"{name}#{number}"
        self.records[key] = record
        return key

    def materialize(self) -> Scenario:
        """Bring ``scenario`` up to date (regenerate it with the seeds, replay every edit) and return it."""
        if not self.stale:
            return self.scenario
        old = self.scenario
        try:
            scenario = self.family.generate(
                old.seed,
                old.split,
                counterfactual=old.counterfactual,
                entity_seed=self.entity_seed,
                variant_seed=self.variant_seed,
                **old.factors,
            )
        except TypeError as error:
            raise TypeError(
                f"the {self.family.name} generator must accept entity_seed= and variant_seed= to be regenerated "
                f"by a randomizer: {error}"
            ) from error
        for edit in self.edits:
            scenario, self.records[edit.key] = edit.randomizer.edit(scenario, Stream(edit.block))
        self.scenario, self.stale = scenario, False
        return scenario


class Randomizer:
    """One randomization step. Subclasses override :meth:`edit` (scenario edits) or :meth:`apply`.

    Attributes:
        name: Key of the randomizer's record in ``info["randomization"]`` (the wrapper's name).

    """

    name: ClassVar[str] = "Randomizer"

    def apply(self, episode: EpisodeSetup, stream: Stream) -> None:
        """Randomize ``episode`` in place with draws from ``stream``.

        The default brings a stale scenario up to date, applies :meth:`edit` and keeps the edit for replay.
        """
        scenario = episode.materialize()
        block = tuple(stream.block)
        episode.scenario, record = self.edit(scenario, Stream(block))
        episode.edits.append(Edit(self, episode.add_record(self.name, record), block))

    def edit(self, scenario: Scenario, stream: Stream) -> tuple[Scenario, dict[str, Any]]:
        """The edited scenario and a JSON-ready record of what changed. Must depend only on its arguments."""
        raise NotImplementedError(f"{type(self).__name__} must implement edit() or apply()")


class Regenerate(Randomizer):
    """A randomizer that redraws the entity or the wording stream of the scenario's generator."""

    stream_field: ClassVar[str] = "entity_seed"

    def apply(self, episode: EpisodeSetup, stream: Stream) -> None:
        """Draw a new seed for the stream; the scenario is regenerated (edits replayed) when next needed."""
        seed = int(stream.uniform() * 2**31)
        setattr(episode, self.stream_field, seed)
        episode.stale = True
        episode.add_record(self.name, {self.stream_field: seed})


def check_count(name: str, value: Any, low: int, high: int) -> tuple[int, int]:
    """Validate a count given as an integer or an inclusive ``(min, max)`` pair; return the pair.

    Example:
        >>> check_count("k", 3, 0, 10), check_count("k", [1, 4], 0, 10)
        ((3, 3), (1, 4))
        >>> check_count("k", 11, 0, 10)
        Traceback (most recent call last):
        ...
        ValueError: k=11 is out of range; allowed: an integer from 0 to 10, or a (min, max) pair of them

    """
    allowed = f"an integer from {low} to {high}, or a (min, max) pair of them"
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        pair = (int(value), int(value))
    elif (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in value)
    ):
        pair = (int(value[0]), int(value[1]))
    else:
        raise ValueError(f"{name}={value!r} is not a count; allowed: {allowed}")
    if not low <= pair[0] <= pair[1] <= high:
        raise ValueError(f"{name}={value!r} is out of range; allowed: {allowed}")
    return pair


class ScenarioWrapper(gym.Wrapper[str, str, str, str]):
    """Base of the randomizer wrappers: runs randomizers at ``reset`` and loads the result.

    At ``reset`` the wrapper resets the env below it, takes the episode it produced (the episode of the
    scenario wrapper directly below, or the base env's scenario), applies its randomizers in order with
    draws from its own generator, and loads the result with ``SafetyEnv.load``: the observation,
    ``info["messages"]``, ``info["tools"]`` and ``info["reference_actions"]`` all describe the randomized
    episode. ``info["randomization"]`` maps each randomizer of the stack (innermost first) to a record
    of what it did. ``step`` is the env's own.

    Scenario wrappers must sit below any wrapper that changes the spaces (choice mode) or transforms
    observations: they reload the base env.

    Args:
        env: An env whose base is a :class:`~safety_gym.envs.safety_env.SafetyEnv`.
        randomizers: The randomizers, applied in order.

    Raises:
        TypeError: If the base env is not a ``SafetyEnv``.
        ValueError: If a wrapper between this one and the base changes the spaces or observations.

    Example:
        >>> import gymnasium as gym
        >>> import safety_gym
        >>> from safety_gym.wrappers import ToolCallSyntax, UnusedTools
        >>> env = UnusedTools(ToolCallSyntax(gym.make("safety_gym/Blackmail-v0"), syntaxes=["xml"]), k=2)
        >>> observation, info = env.reset(seed=0)
        >>> info["syntax"], len(info["tools"]), sorted(info["randomization"])
        ('xml', 5, ['ToolCallSyntax', 'UnusedTools'])
        >>> env.reset(seed=0)[0] == observation
        True

    """

    def __init__(self, env: gym.Env[str, str], randomizers: Sequence[Randomizer]) -> None:
        super().__init__(env)
        base = env.unwrapped
        if not isinstance(base, SafetyEnv):
            raise TypeError(f"{type(self).__name__} wraps safety-gym envs; the base env is a {type(base).__name__}")
        depth = 0
        layer: gym.Env[Any, Any] = env
        while isinstance(layer, gym.Wrapper):
            if isinstance(layer, gym.ObservationWrapper) or not (
                layer.observation_space == base.observation_space and layer.action_space == base.action_space
            ):
                raise ValueError(
                    f"{type(self).__name__} must wrap below {type(layer).__name__}, which changes the spaces or the "
                    "observations: randomizer wrappers reload the base env"
                )
            depth += isinstance(layer, ScenarioWrapper)
            layer = layer.env
        self.randomizers: tuple[Randomizer, ...] = tuple(randomizers)
        self.stream_name = f"{type(self).__name__}#{depth}"
        self._stream_id = zlib.crc32(self.stream_name.encode())
        self._rng: np.random.Generator | None = None
        self.episode: EpisodeSetup | None = None

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
        """Reset the env below, randomize the episode and load it.

        Args:
            seed: Seeds the base env (as without the wrapper) and this wrapper's generator.
            options: Passed to the env below.

        Returns:
            The observation and ``info`` of the randomized episode, with ``info["randomization"]``.

        """
        episode = self._prepare(seed, options)
        base = self.unwrapped
        observation, info = base.load(episode.scenario, syntax=episode.syntax, extra_tools=episode.extra_tools)
        info["randomization"] = dict(episode.records)
        return observation, info

    def _prepare(self, seed: int | None, options: dict[str, Any] | None) -> EpisodeSetup:
        """The randomized episode, not yet loaded (the wrapper above loads it, or :meth:`reset`)."""
        if isinstance(self.env, ScenarioWrapper):
            episode = self.env._prepare(seed, options).copy()
        else:
            _, info = self.env.reset(seed=seed, options=options)
            episode = self._loaded_episode(info)
        rng = self._generator(seed)
        blocks = rng.random(BLOCK * len(self.randomizers)).tolist()
        for number, randomizer in enumerate(self.randomizers):
            randomizer.apply(episode, Stream(blocks[number * BLOCK : (number + 1) * BLOCK]))
        episode.materialize()
        self.episode = episode
        return episode

    def _loaded_episode(self, info: Mapping[str, Any]) -> EpisodeSetup:
        """The episode the base env holds now: a scenario wrapper's (further down the stack) or a fresh one."""
        base = self.unwrapped
        layer: gym.Env[Any, Any] = self.env
        while isinstance(layer, gym.Wrapper):
            if isinstance(layer, ScenarioWrapper):
                if layer.episode is not None and layer.episode.scenario is base.scenario:
                    return layer.episode.copy()
                break
            layer = layer.env
        if base.scenario is None:  # pragma: no cover - reset always loads a scenario
            raise RuntimeError("the env below did not load a scenario at reset")
        records = dict(info.get("randomization") or {})
        return EpisodeSetup(base.family, base.scenario, base.episode_syntax, records=records)

    def _generator(self, seed: int | None) -> np.random.Generator:
        if seed is not None:
            self._rng = np.random.default_rng([int(seed), self._stream_id])
        elif self._rng is None:
            base_seed = self.unwrapped.np_random_seed
            if base_seed is None or base_seed < 0:
                base_seed = int(self.unwrapped.np_random.integers(2**63))
            self._rng = np.random.default_rng([int(base_seed), self._stream_id])
        return self._rng
