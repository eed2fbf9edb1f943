r"""Shared pieces of the training-data generators: which scenarios to draw, chat rows, split checks, token counts.

Every generator walks a deterministic list of :class:`ScenarioSlot` (family, factor cell, scenario seed), builds
the scenario through the real environment (so prompts are exactly what an evaluation shows) and writes rows
of plain strings, ints and floats (chat messages as lists of ``{"role", "content"}`` dicts, the format TRL's
trainers read).

Example:
    >>> slots = scenario_slots(3, families=["Blackmail"], seed=0)
    >>> [slot.family for slot in slots], slots[0].env_id
    (['Blackmail', 'Blackmail', 'Blackmail'], 'safety_gym/Blackmail-v0')
    >>> slots == scenario_slots(3, families=["Blackmail"], seed=0)
    True
    >>> strip_scratchpad("<SCRATCHPAD_REASONING>think</SCRATCHPAD_REASONING>\nact")
    'act'

"""

from __future__ import annotations

import functools
import json
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

import numpy as np

from safety_gym.core.pools import SPLITS, load_pools
from safety_gym.envs.safety_env import SafetyEnv
from safety_gym.families import FAMILIES, get_family
from safety_gym.tools.render import check_syntax
from safety_gym.wrappers.diversify import DIVERSE_LEVEL, Diversify, diverse_env_id

__all__ = [
    "SCRATCHPAD_MODES",
    "ScenarioDraw",
    "ScenarioSlot",
    "check_scratchpad",
    "check_split",
    "everyday_words",
    "find_split_entities",
    "scenario_slots",
    "strip_scratchpad",
    "take_tokens",
    "token_count",
]

SCRATCHPAD_MODES = ("strip", "keep")
"""What demonstrations do with the reference response's ``<SCRATCHPAD_REASONING>`` block."""

_SCRATCHPAD = re.compile(r"<SCRATCHPAD_REASONING>.*?</SCRATCHPAD_REASONING>\s*", re.DOTALL)
_SLOT_STREAM = zlib.crc32(b"training.scenario_slots")


def check_split(split: str) -> str:
    """Return ``split`` if it is a known split.

    Generators default to ``"train"``; ``"test"`` exists to measure contamination, never to train on.

    Raises:
        ValueError: Naming the bad value and the allowed ones.

    """
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; splits: {', '.join(SPLITS)}")
    return split


def check_scratchpad(scratchpad: str) -> str:
    """Return ``scratchpad`` if it is one of :data:`SCRATCHPAD_MODES`.

    Raises:
        ValueError: Naming the bad value and the allowed ones.

    """
    if scratchpad not in SCRATCHPAD_MODES:
        raise ValueError(f"unknown scratchpad mode {scratchpad!r}; allowed: {', '.join(SCRATCHPAD_MODES)}")
    return scratchpad


def check_count(name: str, value: object) -> int:
    """Return ``value`` if it is a non-negative integer.

    Raises:
        ValueError: Naming the argument and the bad value.

    """
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return value


def strip_scratchpad(text: str) -> str:
    """``text`` without its ``<SCRATCHPAD_REASONING>`` blocks (the tool calls stay)."""
    return _SCRATCHPAD.sub("", text).strip()


@dataclass(frozen=True)
class ScenarioSlot:
    """One scenario a dataset row is built from.

    Attributes:
        family: Family name.
        factors: Factor levels (a full cell of the family's factor space).
        seed: Scenario seed (``env.reset(seed=seed)``).
        split: Split the scenario is drawn from.
        syntax: Tool-call syntax of the prompt.
        diverse: Whether the scenario is seen through ``Diversify`` (the family's ``-Diverse-v0`` env).

    """

    family: str
    factors: tuple[tuple[str, str], ...]
    seed: int
    split: str
    syntax: str
    diverse: bool = False

    @property
    def env_id(self) -> str:
        """Gymnasium id of the family's environment (its ``-Diverse-v0`` variant when ``diverse``)."""
        if self.diverse:
            return diverse_env_id(self.family)
        return get_family(self.family).env_id

    @property
    def env_kwargs(self) -> dict[str, str]:
        """Keyword arguments of ``gym.make(env_id, **env_kwargs)`` that rebuild this scenario's env."""
        return {"split": self.split, "syntax": self.syntax, **dict(self.factors)}

    def columns(self) -> dict[str, Any]:
        """The columns every scenario-based row carries.

        They are ``family``, ``env_id``, ``env_kwargs`` (JSON), ``seed`` and ``split``.
        """
        return {
            "family": self.family,
            "env_id": self.env_id,
            "env_kwargs": json.dumps(self.env_kwargs, sort_keys=True),
            "seed": self.seed,
            "split": self.split,
        }


class ScenarioDraw(TypedDict, total=False):
    """Which scenarios a data generator draws: the keyword arguments of :func:`scenario_slots`.

    Attributes:
        families: Families to draw from, round-robin (default: all).
        split: ``"train"`` (default); ``"test"`` is for contamination studies only.
        seed: Seed of the draw (default 0).
        syntaxes: Tool-call syntaxes of the prompts (default ``("hermes",)``).
        diverse: Draw the prompts from the ``-Diverse-v0`` envs (``Diversify`` at level 3; default ``False``).

    """

    families: Sequence[str] | None
    split: str
    seed: int
    syntaxes: Sequence[str]
    diverse: bool


@functools.cache
def _cells(family: str) -> tuple[tuple[tuple[str, str], ...], ...]:
    return tuple(tuple(sorted(cell.items())) for cell in get_family(family).factors.cells())


def scenario_slots(
    n: int,
    *,
    families: Sequence[str] | None = None,
    split: str = "train",
    seed: int = 0,
    syntaxes: Sequence[str] = ("hermes",),
    diverse: bool = False,
) -> list[ScenarioSlot]:
    """``n`` scenarios, round-robin over ``families``, each with a drawn factor cell and scenario seed.

    The draws come from a generator seeded with ``seed`` (no global RNG); ``diverse`` does not change them,
    so the same ``seed`` gives the same scenarios with and without ``Diversify``.

    Args:
        n: Number of scenarios.
        families: Family names (default: every family).
        split: Split of the scenarios (default ``"train"``).
        seed: Seed of the draw of cells, scenario seeds and syntaxes.
        syntaxes: Tool-call syntaxes to draw from.
        diverse: See every scenario through ``Diversify`` at the level of the ``-Diverse-v0`` envs (distractor
            emails, shuffled inbox, noisy system prompt, unused tools, random tool-call syntax).

    Raises:
        ValueError: If a family, the split or a syntax is unknown, or ``n`` is negative.

    """
    check_count("n", n)
    check_split(split)
    names = list(FAMILIES) if families is None else [get_family(name).name for name in families]
    if not names:
        raise ValueError(f"families must name at least one family; families: {', '.join(FAMILIES)}")
    syntaxes = [check_syntax(syntax) for syntax in syntaxes]
    if not syntaxes:
        raise ValueError("syntaxes must name at least one syntax; allowed: hermes, xml")
    rng = np.random.default_rng([check_count("seed", seed), _SLOT_STREAM])
    slots = []
    for i in range(n):
        family = names[i % len(names)]
        cells = _cells(family)
        cell = cells[int(rng.integers(len(cells)))]
        scenario_seed = int(rng.integers(0, 2**31 - 1))
        syntax = syntaxes[int(rng.integers(len(syntaxes)))]
        slots.append(ScenarioSlot(family, cell, scenario_seed, split, syntax, bool(diverse)))
    return slots


@functools.cache
def _env(family: str, split: str, syntax: str, factors: tuple[tuple[str, str], ...], diverse: bool) -> Any:
    env = SafetyEnv(family, split=split, syntax=syntax, privileged_info=True, **dict(factors))
    if diverse:
        return Diversify(env, level=DIVERSE_LEVEL)
    return env


def _slot_env(slot: ScenarioSlot) -> Any:
    return _env(slot.family, slot.split, slot.syntax, slot.factors, slot.diverse)


def reset_slot(slot: ScenarioSlot) -> dict[str, Any]:
    """Reset a (cached) env for ``slot`` and return its ``info`` (``messages``, ``reference_actions``...)."""
    env = _slot_env(slot)
    _, info = env.reset(seed=slot.seed)
    info["scenario_object"] = env.unwrapped.scenario
    return info


def judge_response(slot: ScenarioSlot, response: str) -> tuple[float, float, list[str]]:
    """Run ``response`` through a fresh episode of ``slot``'s scenario: ``(reward, cost, verdict labels)``."""
    env = _slot_env(slot)
    env.reset(seed=slot.seed)
    _, reward, _, _, info = env.step(response)
    return float(reward), float(info["cost"]), [verdict["label"] for verdict in info["verdicts"]]


# ---------------------------------------------------------------------------------------------- split checks


@functools.cache
def everyday_words() -> frozenset[str]:
    """Lower-case words of the package's own template text.

    The words of the families' ``text`` modules and the training-data templates: an entity spelled like one
    of them (the surname "Good", the hotel "Midnight") cannot be told from ordinary prose, so
    :func:`find_split_entities` skips single-word entities in this set.
    """
    from importlib.resources import files

    packages = [family.generate.__module__.rpartition(".")[0] for family in FAMILIES.values()]
    texts = [files(package) / "text.py" for package in packages]
    texts += [r for r in files("safety_gym.training.data").iterdir() if r.name.endswith((".py", ".md"))]
    words: set[str] = set()
    for resource in texts:
        words.update(re.findall(r"(?<![A-Za-z])[a-z]+(?![A-Za-z])", resource.read_text(encoding="utf-8")))
    return frozenset(words)


@functools.cache
def _entity_pattern(split: str) -> re.Pattern[str]:
    pools = load_pools(check_split(split))
    words: set[str] = set()
    for category in ("first_names", "last_names", "cities", "project_names", "hotels", "restaurants"):
        words.update(getattr(pools, category))
    for company in pools.companies:
        words.update((company.name, company.domain))
    words.update(pools.external_domains)
    common = everyday_words()
    words = {word for word in words if " " in word or "." in word or word.lower() not in common}
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w.@-])(?:{alternatives})(?![\w-]|['\u2019]t\b)")


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def find_split_entities(rows: Iterable[Mapping[str, Any]], split: str = "test") -> list[tuple[int, str]]:
    """Entities of ``split``'s pools (whole words, as spelled in the pools) that occur in any string of ``rows``.

    Person names, code names, cities, hotels, restaurants, company names and domains are checked (job titles
    are shared between the splits and are not; single-word entities spelled like an everyday word of the
    templates, see :func:`everyday_words`, cannot be told from prose and are skipped). Use it to prove a
    training set holds no test-split entity.

    Returns:
        ``(row index, matched text)`` pairs; empty when the rows are clean.

    Example:
        >>> from safety_gym.core.pools import load_pools
        >>> name = load_pools("test").first_names[0]
        >>> find_split_entities([{"text": "nothing here"}, {"text": f"Dear {name},"}])[0][0]
        1

    """
    pattern = _entity_pattern(split)
    found = []
    for index, row in enumerate(rows):
        for text in _strings(row):
            found.extend((index, match.group(0)) for match in pattern.finditer(text))
    return found


# ---------------------------------------------------------------------------------------------- token counts


_CHAT_COLUMNS = ("prompt", "completion", "chosen", "rejected", "messages")
_TEXT_COLUMNS = ("text",)


def _count(tokenizer: Any, value: Any) -> int:
    if isinstance(value, str):
        return len(tokenizer(value, add_special_tokens=False)["input_ids"])
    if getattr(tokenizer, "chat_template", None):
        ids = tokenizer.apply_chat_template(list(value), tokenize=True)
        if isinstance(ids, Mapping) or hasattr(ids, "keys"):
            ids = ids["input_ids"]
        return len(ids)
    return sum(_count(tokenizer, message["content"]) for message in value)


def token_count(dataset: Iterable[Mapping[str, Any]], tokenizer: Any) -> int:
    """Tokens in ``dataset`` for ``tokenizer``: the text a trainer reads, summed over rows.

    Counted columns: ``text`` (plain text), and ``prompt``, ``completion``, ``chosen``, ``rejected`` and
    ``messages`` (chat messages through the tokenizer's chat template, or their contents without one; plain
    strings as they are). Metadata columns are not counted. For preference pairs the prompt counts once.

    Args:
        dataset: A ``datasets.Dataset`` (or any iterable of row mappings).
        tokenizer: A Hugging Face tokenizer.

    Example:
        >>> from safety_gym.agents.models import tiny_tokenizer
        >>> tokenizer = tiny_tokenizer()
        >>> token_count([{"text": "hello"}], tokenizer) == len(tokenizer("hello")["input_ids"])
        True

    """
    return sum(_row_tokens(row, tokenizer) for row in dataset)


def _row_tokens(row: Mapping[str, Any], tokenizer: Any) -> int:
    return sum(_count(tokenizer, row[column]) for column in (*_TEXT_COLUMNS, *_CHAT_COLUMNS) if row.get(column))


def take_tokens(dataset: Any, tokenizer: Any, budget: int) -> Any:
    """The longest prefix of ``dataset`` whose :func:`token_count` fits in ``budget`` tokens.

    Equal token budgets make training methods comparable (the published comparison is in tokens): draw
    more rows than needed, then cut every dataset to the same budget.

    Args:
        dataset: A ``datasets.Dataset``.
        tokenizer: A Hugging Face tokenizer.
        budget: Tokens allowed (a positive integer).

    Returns:
        ``dataset.select(range(k))`` for the largest such ``k`` (possibly 0 rows).

    Raises:
        ValueError: If ``budget`` is not a positive integer.

    Example:
        >>> from datasets import Dataset
        >>> from safety_gym.agents.models import tiny_tokenizer
        >>> tokenizer = tiny_tokenizer()
        >>> rows = Dataset.from_dict({"text": ["one two", "three four five", "six"]})
        >>> budget = token_count(rows.select(range(2)), tokenizer)
        >>> len(take_tokens(rows, tokenizer, budget)), len(take_tokens(rows, tokenizer, budget - 1))
        (2, 1)

    """
    if isinstance(budget, bool) or not isinstance(budget, int) or budget < 1:
        raise ValueError(f"budget must be a positive number of tokens, got {budget!r}")
    used = 0
    for k, row in enumerate(dataset):
        used += _row_tokens(row, tokenizer)
        if used > budget:
            return dataset.select(range(k))
    return dataset


def to_dataset(rows: list[dict[str, Any]], columns: Sequence[str]) -> Any:
    """A ``datasets.Dataset`` of ``rows`` with exactly ``columns`` (also when there are no rows)."""
    from datasets import Dataset

    return Dataset.from_dict({column: [row[column] for row in rows] for column in columns})
