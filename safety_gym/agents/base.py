"""The policy interface: a batch of observations (and infos) in, a batch of actions out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Policy(Protocol):
    """Anything that acts on a batch of environments.

    A policy receives the observations and infos of several environments at once (so that model
    calls can be batched) and returns one action string per environment.
    """

    name: str

    def act(self, observations: Sequence[str], infos: Sequence[dict[str, Any]]) -> list[str]:
        """Return one action per observation."""
        ...
