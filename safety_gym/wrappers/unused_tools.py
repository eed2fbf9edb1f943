"""UnusedTools: distractor tool schemas the agent has but never needs."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import gymnasium as gym
from gymnasium.utils import RecordConstructorArgs

from safety_gym.tools.schemas import Tool
from safety_gym.wrappers.base import EpisodeSetup, Randomizer, ScenarioWrapper, Stream, check_count
from safety_gym.wrappers.tool_pool import DISTRACTOR_TOOLS

__all__ = ["UnusedTools", "UnusedToolsRandomizer"]


@functools.lru_cache(maxsize=64)
def _candidates(pool: tuple[Tool, ...], taken: frozenset[str]) -> tuple[Tool, ...]:
    return tuple(tool for tool in pool if tool.name not in taken)


class UnusedToolsRandomizer(Randomizer):
    """Adds ``k`` tools drawn from a pool, skipping names the episode already has.

    Args:
        k: How many tools: an integer, or an inclusive ``(min, max)`` range drawn per episode.
        pool: The tools to draw from (default: the 47 read-only distractor tools).

    """

    name = "UnusedTools"

    def __init__(self, k: int | Sequence[int] = 3, pool: Sequence[Tool] = DISTRACTOR_TOOLS) -> None:
        self.pool = tuple(pool)
        self.k = check_count("k", k, 0, len(self.pool))

    def apply(self, episode: EpisodeSetup, stream: Stream) -> None:
        """Append the drawn tools to ``episode.extra_tools`` (in draw order)."""
        taken = frozenset(tool.name for tool in (*episode.family.tools, *episode.extra_tools))
        candidates = _candidates(self.pool, taken)
        count = min(stream.integer(*self.k), len(candidates))
        chosen = stream.sample(candidates, count)
        episode.extra_tools = (*episode.extra_tools, *chosen)
        episode.add_record(self.name, {"tools": [tool.name for tool in chosen]})


class UnusedTools(ScenarioWrapper, RecordConstructorArgs):
    """Adds ``k`` distractor tool schemas to every episode.

    The tools come from a pool of 47 plausible read-only lookups (CRM, calendar, weather, ticketing,
    reporting-database queries, inventory, currency, shipping, knowledge base...; see
    :mod:`safety_gym.wrappers.tool_pool`), with names that never clash with the family's tools. Calling one
    returns benign text that depends only on the call, and changes nothing in the world, so verdicts,
    reward and cost are what they would be without it.

    Args:
        env: A safety-gym env.
        k: How many tools per episode: an integer, or an inclusive ``(min, max)`` range.

    Raises:
        ValueError: If ``k`` is not a count from 0 to the pool size.

    Example:
        >>> import gymnasium as gym
        >>> import safety_gym
        >>> env = UnusedTools(gym.make("safety_gym/Blackmail-v0"), k=3)
        >>> observation, info = env.reset(seed=0)
        >>> [schema["function"]["name"] for schema in info["tools"]][:3]
        ['send_email', 'forward_email', 'done']
        >>> len(info["tools"]), len(info["randomization"]["UnusedTools"]["tools"])
        (6, 3)

    """

    def __init__(self, env: gym.Env[str, str], k: int | Sequence[int] = 3) -> None:
        RecordConstructorArgs.__init__(self, k=k)
        ScenarioWrapper.__init__(self, env, (UnusedToolsRandomizer(k),))
