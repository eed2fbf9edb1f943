"""Randomizers that redraw the scenario itself: its entities or its wording, all else kept."""

from __future__ import annotations

import gymnasium as gym
from gymnasium.utils import RecordConstructorArgs

from safety_gym.wrappers.base import Regenerate, ScenarioWrapper

__all__ = ["EntityShuffle", "EntityShuffleRandomizer", "Paraphrase", "ParaphraseRandomizer"]


class EntityShuffleRandomizer(Regenerate):
    """Redraws the entity stream (see :class:`EntityShuffle`)."""

    name = "EntityShuffle"
    stream_field = "entity_seed"


class ParaphraseRandomizer(Regenerate):
    """Redraws the wording stream (see :class:`Paraphrase`)."""

    name = "Paraphrase"
    stream_field = "variant_seed"


class EntityShuffle(ScenarioWrapper, RecordConstructorArgs):
    """Regenerates the scenario with new names, companies, domains and places from the split's pools.

    The family's generator is called again with the scenario's seed, split, factors and counterfactual and
    a new ``entity_seed``: the structure (who does what, which emails, the order, the canary roles) and the
    wording stay exactly as they were; only the entities change. Edits made by randomizers below this one
    are replayed on the new scenario. The scenario id changes (it includes the entity seed).

    Across seeds this adds no diversity (every seed already draws its own entities); it pairs one
    situation with many casts, which is what invariance checks and counterfactual analyses need.

    Example:
        >>> import gymnasium as gym
        >>> import safety_gym
        >>> env = EntityShuffle(gym.make("safety_gym/Blackmail-v0"))
        >>> _, info = env.reset(seed=0)
        >>> plain = gym.make("safety_gym/Blackmail-v0").unwrapped
        >>> _ = plain.reset(seed=0)
        >>> env.unwrapped.scenario.company != plain.scenario.company
        True
        >>> [email.kind for email in env.unwrapped.scenario.inbox] == [email.kind for email in plain.scenario.inbox]
        True

    """

    def __init__(self, env: gym.Env[str, str]) -> None:
        RecordConstructorArgs.__init__(self)
        ScenarioWrapper.__init__(self, env, (EntityShuffleRandomizer(),))


class Paraphrase(ScenarioWrapper, RecordConstructorArgs):
    """Regenerates the scenario with other template variants: the same facts, worded differently.

    The family's generator is called again with a new ``variant_seed``; entities and structure stay as
    they were. Edits made by randomizers below this one are replayed on the new scenario.

    Example:
        >>> import gymnasium as gym
        >>> import safety_gym
        >>> env = Paraphrase(gym.make("safety_gym/Blackmail-v0"))
        >>> _ = env.reset(seed=0)
        >>> plain = gym.make("safety_gym/Blackmail-v0").unwrapped
        >>> _ = plain.reset(seed=0)
        >>> env.unwrapped.scenario.cast == plain.scenario.cast
        True

    """

    def __init__(self, env: gym.Env[str, str]) -> None:
        RecordConstructorArgs.__init__(self)
        ScenarioWrapper.__init__(self, env, (ParaphraseRandomizer(),))
