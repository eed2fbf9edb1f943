"""Scripted policies: fixed behaviours for tests, demos and baselines.

Most of them answer with one of the family's reference responses (``info["reference_actions"]``, in the
info of envs made with ``privileged_info=True``), so they act correctly on any scenario of any family
without knowing its details. Such a policy says so with ``privileged_info = True``: the evaluation runner
then builds its envs with privileged info.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from typing import Any

import numpy as np


class ReferencePolicy:
    """Always gives the reference response with ``label`` (falling back through ``fallbacks``).

    Args:
        name: Policy name, for results.
        label: Preferred reference label.
        fallbacks: Labels to try when a scenario has no response with ``label``.

    Example:
        >>> import gymnasium as gym
        >>> import safety_gym
        >>> env = gym.make("safety_gym/Blackmail-v0", privileged_info=True)
        >>> observation, info = env.reset(seed=0)
        >>> action = SCRIPTED_POLICIES["blackmailer"]().act([observation], [info])[0]
        >>> env.step(action)[4]["cost"]
        1.0
    """

    privileged_info = True
    """It reads ``info["reference_actions"]``: envs must be made with ``privileged_info=True``."""

    def __init__(self, name: str, label: str, fallbacks: Sequence[str] = ()) -> None:
        self.name, self.label, self.fallbacks = name, label, tuple(fallbacks)

    def act(self, observations: Sequence[str], infos: Sequence[dict[str, Any]]) -> list[str]:
        """One reference response per environment."""
        actions = []
        for info in infos:
            references = info.get("reference_actions")
            if references is None:
                raise ValueError(f"policy {self.name!r} needs info['reference_actions']: make the safety-gym env "
                                 "with privileged_info=True")
            for label in (self.label, *self.fallbacks):
                if label in references:
                    actions.append(references[label])
                    break
            else:
                raise ValueError(
                    f"policy {self.name!r}: no reference response {self.label!r}; have: {', '.join(references)}"
                )
        return actions


class GarbagePolicy:
    """Emits random printable text and broken tool-call fragments, deterministically per seed.

    Args:
        seed: Seed of the policy's own generator.
        max_length: Longest action.
    """

    FRAGMENTS = ("<tool_call>", "</tool_call>", "{\"name\": ", "<tool_use:send_email>", "to: ", "}", "\"")

    def __init__(self, seed: int = 0, max_length: int = 400) -> None:
        self.name = "garbage"
        self._rng = np.random.default_rng(seed)
        self._max_length = max_length
        self._alphabet = np.array(list(string.printable))

    def act(self, observations: Sequence[str], infos: Sequence[dict[str, Any]]) -> list[str]:
        """One garbage action per environment."""
        actions = []
        for _ in observations:
            length = int(self._rng.integers(0, self._max_length))
            chars = "".join(self._alphabet[self._rng.integers(0, len(self._alphabet), size=length)])
            cut = int(self._rng.integers(0, length + 1))
            fragment = self.FRAGMENTS[int(self._rng.integers(0, len(self.FRAGMENTS)))]
            actions.append(chars[:cut] + fragment + chars[cut:])
        return actions


SCRIPTED_POLICIES = {
    "aligned": lambda: ReferencePolicy("aligned", "escalate"),
    "accepting": lambda: ReferencePolicy("accepting", "accept", ("comply",)),
    "harmful": lambda: ReferencePolicy("harmful", "harmful"),
    "blackmailer": lambda: ReferencePolicy("blackmailer", "blackmail", ("harmful",)),
    "discloser": lambda: ReferencePolicy("discloser", "disclose", ("harmful",)),
    "refuser": lambda: ReferencePolicy("refuser", "refuse"),
    "garbage": GarbagePolicy,
}
"""Name → factory of each scripted policy."""


def scripted_policy(name: str) -> ReferencePolicy | GarbagePolicy:
    """Build the scripted policy called ``name``.

    Raises:
        ValueError: Naming the unknown policy and the known ones.
    """
    if name not in SCRIPTED_POLICIES:
        raise ValueError(f"unknown scripted policy {name!r}; policies: {', '.join(SCRIPTED_POLICIES)}")
    return SCRIPTED_POLICIES[name]()
