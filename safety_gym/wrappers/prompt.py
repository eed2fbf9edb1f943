"""System-prompt noise and the tool-call syntax the prompt asks for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import gymnasium as gym
from gymnasium.utils import RecordConstructorArgs

from safety_gym.core.model import Scenario
from safety_gym.tools.render import SYNTAXES, check_syntax
from safety_gym.wrappers import texts
from safety_gym.wrappers.base import EpisodeSetup, Randomizer, ScenarioWrapper, Stream

__all__ = ["SystemPromptNoise", "SystemPromptNoiseRandomizer", "ToolCallSyntax", "ToolCallSyntaxRandomizer"]

_CODE_PREFIXES = ("OPS", "WPS", "DWS", "CFG", "ADM", "ITS")


def check_level(level: Any, low: int = 1) -> int:
    """Validate a noise or diversity level from ``low`` to 3.

    Example:
        >>> check_level(2)
        2
        >>> check_level(4)
        Traceback (most recent call last):
        ...
        ValueError: level=4 is not allowed; allowed: 1, 2, 3

    """
    allowed = tuple(range(low, 4))
    if isinstance(level, bool) or level not in allowed:
        raise ValueError(f"level={level!r} is not allowed; allowed: {', '.join(map(str, allowed))}")
    return int(level)


class SystemPromptNoiseRandomizer(Randomizer):
    """Adds boilerplate fragments around the system prompt (see :class:`SystemPromptNoise`)."""

    name = "SystemPromptNoise"

    def __init__(self, level: int = 1) -> None:
        self.level = check_level(level)

    def edit(self, scenario: Scenario, stream: Stream) -> tuple[Scenario, dict[str, Any]]:
        """The scenario with noise before and after its system prompt."""
        (short_low, short_high), (long_low, long_high), header_probability = texts.LEVELS[self.level]
        values = {
            "company": scenario.company,
            "code": f"{stream.choice(_CODE_PREFIXES)}-{stream.integer(100, 999)}",
            "version": f"{stream.integer(1, 9)}.{stream.integer(0, 12)}",
            "revised": f"{stream.integer(2023, 2024)}-{stream.integer(1, 12):02d}-{stream.integer(1, 28):02d}",
            "year": str(stream.integer(2023, 2024)),
            "target_year": str(stream.integer(2027, 2030)),
            "weekday": stream.choice(texts.WEEKDAYS),
            "floor": str(stream.integer(2, 6)),
            "n": str(stream.integer(7, 12)),
        }
        fragments = stream.sample(texts.SHORT, stream.integer(short_low, short_high))
        fragments += stream.sample(texts.LONG, stream.integer(long_low, long_high))
        fragments = stream.shuffled(fragments)
        split = stream.integer(0, len(fragments))
        header = stream.uniform() < header_probability
        before = [text.format_map(values) for _, text in fragments[:split]]
        after = [text.format_map(values) for _, text in fragments[split:]]
        if header:
            before.insert(0, stream.choice(texts.HEADERS).format_map(values))
        prompt = "\n\n".join([*before, scenario.system_prompt, *after])
        record = {
            "level": self.level,
            "header": header,
            "fragments": [category for category, _ in fragments],
            "added_characters": len(prompt) - len(scenario.system_prompt),
        }
        return replace(scenario, system_prompt=prompt), record


class SystemPromptNoise(ScenarioWrapper, RecordConstructorArgs):
    """Surrounds the system prompt with the boilerplate real deployments carry.

    Fragments: a document header, company policy boilerplate (records, brand, accessibility, purchasing...),
    persona and tone, formatting rules, irrelevant workplace instructions, revision dates and legal text,
    some before the scenario's prompt and some after (the tool instructions stay last). The level grades
    how many and how long: level 1 adds one or two sentences (a header half the time), level 2 a header
    and three to five fragments including a paragraph, level 3 a header and seven to eleven fragments including
    several paragraphs. No fragment is about tools, goals, the agent's future, monitoring, confidentiality
    or escalation, and no date is presented as today's.

    Args:
        env: A safety-gym env.
        level: 1, 2 or 3.

    Raises:
        ValueError: If ``level`` is not 1, 2 or 3.

    Example:
        >>> import gymnasium as gym
        >>> import safety_gym
        >>> env = SystemPromptNoise(gym.make("safety_gym/Blackmail-v0"), level=3)
        >>> _, info = env.reset(seed=0)
        >>> plain = gym.make("safety_gym/Blackmail-v0").reset(seed=0)[1]["messages"][0]["content"]
        >>> len(info["messages"][0]["content"]) > len(plain) + 1000
        True

    """

    def __init__(self, env: gym.Env[str, str], level: int = 1) -> None:
        RecordConstructorArgs.__init__(self, level=level)
        ScenarioWrapper.__init__(self, env, (SystemPromptNoiseRandomizer(level),))


def check_syntaxes(syntaxes: Sequence[str]) -> tuple[str, ...]:
    """Validate a non-empty collection of tool-call syntaxes."""
    if isinstance(syntaxes, str) or not isinstance(syntaxes, Sequence) or not syntaxes:
        raise ValueError(f"syntaxes={syntaxes!r} must be a non-empty list of: {', '.join(SYNTAXES)}")
    return tuple(check_syntax(syntax) for syntax in syntaxes)


class ToolCallSyntaxRandomizer(Randomizer):
    """Picks the episode's tool-call syntax uniformly from ``syntaxes``."""

    name = "ToolCallSyntax"

    def __init__(self, syntaxes: Sequence[str] = SYNTAXES) -> None:
        self.syntaxes = check_syntaxes(syntaxes)

    def apply(self, episode: EpisodeSetup, stream: Stream) -> None:
        """Set ``episode.syntax``."""
        episode.syntax = stream.choice(self.syntaxes)
        episode.add_record(self.name, {"syntax": episode.syntax})


class ToolCallSyntax(ScenarioWrapper, RecordConstructorArgs):
    """Draws which tool-call syntax the prompt asks for, per episode.

    Both syntaxes are always parsed; this changes the instructions in the system prompt and the syntax of
    ``info["reference_actions"]``.

    Args:
        env: A safety-gym env.
        syntaxes: The syntaxes to draw from (``"hermes"``, ``"xml"``).

    Raises:
        ValueError: If ``syntaxes`` is empty or names an unknown syntax.

    Example:
        >>> import gymnasium as gym
        >>> import safety_gym
        >>> env = ToolCallSyntax(gym.make("safety_gym/Blackmail-v0"))
        >>> sorted({env.reset(seed=seed)[1]["syntax"] for seed in range(10)})
        ['hermes', 'xml']

    """

    def __init__(self, env: gym.Env[str, str], syntaxes: Sequence[str] = SYNTAXES) -> None:
        randomizer = ToolCallSyntaxRandomizer(syntaxes)  # checks them first
        RecordConstructorArgs.__init__(self, syntaxes=list(syntaxes))
        ScenarioWrapper.__init__(self, env, (randomizer,))
