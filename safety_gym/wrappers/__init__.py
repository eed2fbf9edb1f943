"""Wrappers: randomizers for environment diversity, choice mode, and reward adapters for training.

Randomizers change the surface or context of an episode but never what the scenario means or how it is
judged. Each is a Gymnasium wrapper, deterministic under the reset seed, composable in any order, recorded
in the env spec (``gym.make(env.spec)`` rebuilds the stack) and reports what it did in
``info["randomization"]``. See ``docs/wrappers.md``.

Example:
    >>> import gymnasium as gym
    >>> import safety_gym
    >>> from safety_gym.wrappers import DistractorEmails, SystemPromptNoise, UnusedTools
    >>> env = UnusedTools(SystemPromptNoise(DistractorEmails(gym.make("safety_gym/Blackmail-v0"), n=2), level=2), k=4)
    >>> observation, info = env.reset(seed=7)
    >>> list(info["randomization"])
    ['DistractorEmails', 'SystemPromptNoise', 'UnusedTools']
    >>> gym.make(env.spec).reset(seed=7)[0] == observation
    True

"""

from safety_gym.wrappers.base import EpisodeSetup, Randomizer, Regenerate, ScenarioWrapper, Stream
from safety_gym.wrappers.choice import ChoiceWrapper
from safety_gym.wrappers.diversify import Diversify, diverse_env_id, register_diverse_envs
from safety_gym.wrappers.inbox import DistractorEmails, InboxOrder
from safety_gym.wrappers.prompt import SystemPromptNoise, ToolCallSyntax
from safety_gym.wrappers.regenerate import EntityShuffle, Paraphrase
from safety_gym.wrappers.reward import CostToReward
from safety_gym.wrappers.unused_tools import UnusedTools

RANDOMIZERS = (UnusedTools, SystemPromptNoise, DistractorEmails, EntityShuffle, InboxOrder, ToolCallSyntax, Paraphrase)
"""Every single-purpose randomizer wrapper."""

__all__ = [
    "RANDOMIZERS",
    "ChoiceWrapper",
    "CostToReward",
    "DistractorEmails",
    "Diversify",
    "EntityShuffle",
    "EpisodeSetup",
    "InboxOrder",
    "Paraphrase",
    "Randomizer",
    "Regenerate",
    "ScenarioWrapper",
    "Stream",
    "SystemPromptNoise",
    "ToolCallSyntax",
    "UnusedTools",
    "diverse_env_id",
    "register_diverse_envs",
]

from safety_gym.wrappers.interview import FollowUpInterview as FollowUpInterview  # noqa: E402
