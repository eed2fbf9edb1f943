"""Diversify: a preset stack of randomizers at graded levels, and the registered ``-Diverse-v0`` envs."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
from gymnasium.utils import RecordConstructorArgs

from safety_gym.envs.registration import ENTRY_POINT
from safety_gym.families import FAMILIES
from safety_gym.wrappers.base import EpisodeSetup, Randomizer, ScenarioWrapper, Stream
from safety_gym.wrappers.inbox import DistractorEmailsRandomizer, InboxOrderRandomizer
from safety_gym.wrappers.prompt import SystemPromptNoiseRandomizer, ToolCallSyntaxRandomizer, check_level
from safety_gym.wrappers.regenerate import EntityShuffleRandomizer, ParaphraseRandomizer
from safety_gym.wrappers.unused_tools import UnusedToolsRandomizer

__all__ = ["DIVERSE_LEVEL", "LEVELS", "Diversify", "diverse_env_id", "register_diverse_envs"]

LEVELS: dict[int, dict[str, dict[str, Any]]] = {
    0: {},
    1: {"SystemPromptNoise": {"level": 1}, "UnusedTools": {"k": (1, 3)}},
    2: {
        "DistractorEmails": {"n": (1, 3)},
        "SystemPromptNoise": {"level": 2},
        "UnusedTools": {"k": (2, 5)},
        "ToolCallSyntax": {},
    },
    3: {
        "DistractorEmails": {"n": (2, 5)},
        "InboxOrder": {"mode": "shuffle"},
        "SystemPromptNoise": {"level": 3},
        "UnusedTools": {"k": (4, 8)},
        "ToolCallSyntax": {},
    },
}
"""Level → the randomizers it applies (in this order) and their arguments."""

_RANDOMIZERS: dict[str, type[Randomizer]] = {
    "EntityShuffle": EntityShuffleRandomizer,
    "Paraphrase": ParaphraseRandomizer,
    "DistractorEmails": DistractorEmailsRandomizer,
    "InboxOrder": InboxOrderRandomizer,
    "SystemPromptNoise": SystemPromptNoiseRandomizer,
    "UnusedTools": UnusedToolsRandomizer,
    "ToolCallSyntax": ToolCallSyntaxRandomizer,
}

DIVERSE_LEVEL = 3
"""The level of the registered ``safety_gym/<Family>-Diverse-v0`` envs."""


class _Preset(Randomizer):
    """Records the preset's own settings first in ``info["randomization"]``."""

    name = "Diversify"

    def __init__(self, level: int, resample: bool) -> None:
        self.level, self.resample = level, resample

    def apply(self, episode: EpisodeSetup, stream: Stream) -> None:
        episode.add_record(self.name, {"level": self.level, "resample": self.resample})


class Diversify(ScenarioWrapper, RecordConstructorArgs):
    """Environment diversity in one wrapper: a graded preset of randomizers, applied with one reload.

    ======  ===========================================================================================
    level   randomizers (applied in this order)
    ======  ===========================================================================================
    0       none (the episode is loaded unchanged)
    1       SystemPromptNoise(1), UnusedTools(k=1..3)
    2       DistractorEmails(n=1..3), SystemPromptNoise(2), UnusedTools(k=2..5), ToolCallSyntax
    3       DistractorEmails(n=2..5), InboxOrder(shuffle), SystemPromptNoise(3), UnusedTools(k=4..8),
            ToolCallSyntax
    ======  ===========================================================================================

    ``resample=True`` first redraws the entities and the wording (EntityShuffle, Paraphrase). That pairs
    each situation with other names and words, but does not widen the distribution across seeds (each
    seed already draws its own) and costs a second generation, so the preset leaves it off.

    ``info["randomization"]`` has ``"Diversify"`` (level, resample) and one record per randomizer.

    Args:
        env: A safety-gym env.
        level: 0, 1, 2 or 3.
        resample: Also redraw entities and wording.

    Raises:
        ValueError: If ``level`` is not 0-3.

    Example:
        >>> import gymnasium as gym
        >>> import safety_gym
        >>> env = Diversify(gym.make("safety_gym/Blackmail-v0", privileged_info=True), level=3)
        >>> _, info = env.reset(seed=0)
        >>> list(info["randomization"])
        ['Diversify', 'DistractorEmails', 'InboxOrder', 'SystemPromptNoise', 'UnusedTools', 'ToolCallSyntax']
        >>> env.step(info["reference_actions"]["escalate"])[4]["cost"]
        0.0

    """

    def __init__(self, env: gym.Env[str, str], level: int = DIVERSE_LEVEL, resample: bool = False) -> None:
        level = check_level(level, low=0)
        if not isinstance(resample, bool):
            raise ValueError(f"resample={resample!r} must be True or False")
        RecordConstructorArgs.__init__(self, level=level, resample=resample)
        stack = {"EntityShuffle": {}, "Paraphrase": {}} if resample else {}
        stack.update(LEVELS[level])
        randomizers = [_Preset(level, resample)]
        randomizers += [_RANDOMIZERS[name](**kwargs) for name, kwargs in stack.items()]
        ScenarioWrapper.__init__(self, env, randomizers)
        self.level, self.resample = level, resample


def diverse_env_id(family: str) -> str:
    """The id of a family's diverse variant.

    Example:
        >>> diverse_env_id("Blackmail")
        'safety_gym/Blackmail-Diverse-v0'

    """
    return f"safety_gym/{family}-Diverse-v0"


def register_diverse_envs() -> list[str]:
    """Register ``safety_gym/<Family>-Diverse-v0`` (the family's env under ``Diversify(level=3)``) for every family.

    Called by :func:`safety_gym.register_envs` on ``import safety_gym``; safe to call more than once. The wrapper is
    recorded in the spec, so ``gym.make(env.spec)`` rebuilds the same stack.

    Returns:
        The ids registered by this call.

    Example:
        >>> import gymnasium as gym
        >>> import safety_gym
        >>> env = gym.make("safety_gym/Blackmail-Diverse-v0")
        >>> type(env).__name__, env.spec.additional_wrappers[-1].kwargs
        ('Diversify', {'level': 3, 'resample': False})

    """
    added = []
    for family in FAMILIES.values():
        env_id = diverse_env_id(family.name)
        if env_id in gym.registry:
            continue
        gym.register(
            id=env_id,
            entry_point=ENTRY_POINT,
            kwargs={"family": family.name},
            additional_wrappers=(Diversify.wrapper_spec(level=DIVERSE_LEVEL, resample=False),),
        )
        added.append(env_id)
    return added
