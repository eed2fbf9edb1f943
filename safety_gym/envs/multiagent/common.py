"""Pieces shared by the multi-agent environments: spaces, observations, reset options, privileged info keys."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

from gymnasium import spaces

from safety_gym.envs.reset_options import RESET_OPTIONS
from safety_gym.envs.spaces import UnicodeText

OBSERVATION_LENGTH = 1 << 20
"""Longest observation text (characters), as in the single-agent env."""

ACTION_LENGTH = 1 << 22
"""Longest action text an agent may write (characters), as in the single-agent env."""

TRUNCATED = "\n[truncated]"

PRIVILEGED_KEYS = ("reference_actions", "call_harm")
"""Info keys built from hidden facts: for scripted policies, oracle monitors, rewards and analysis only."""


def text_observation_space(max_length: int = OBSERVATION_LENGTH) -> spaces.Dict:
    """The observation space of every multi-agent env: ``Dict({"transcript": UnicodeText(max_length)})``.

    PettingZoo's ``api_test`` checks observation dtypes, which a plain text space does not have; inside a
    ``Dict`` only an ``"observation"`` key is checked, so this space passes while staying plain text.

    Example:
        >>> space = text_observation_space(100)
        >>> space.contains({"transcript": "Grüße 🌍"}), space.contains({"transcript": "x" * 101})
        (True, False)

    """
    return spaces.Dict({"transcript": UnicodeText(max_length)})


def observation(text: str, limit: int = OBSERVATION_LENGTH) -> dict[str, str]:
    r"""An observation holding ``text``, cut to ``limit`` characters with a visible marker.

    Example:
        >>> observation("hello")
        {'transcript': 'hello'}
        >>> observation("x" * 50, limit=20)["transcript"]
        'xxxxxxxx\n[truncated]'

    """
    return {"transcript": clip_text(text, limit)}


def clip_text(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit`` characters, else its start and a truncation marker."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(TRUNCATED))] + TRUNCATED[: limit]


def transcript_of(observation: Any) -> str:
    """The text of an observation: the ``"transcript"`` of a multi-agent observation, or a plain string.

    Example:
        >>> transcript_of({"transcript": "hi"}), transcript_of("hi")
        ('hi', 'hi')

    Raises:
        TypeError: If ``observation`` is neither.

    """
    if isinstance(observation, str):
        return observation
    if isinstance(observation, Mapping) and isinstance(observation.get("transcript"), str):
        return observation["transcript"]
    raise TypeError(
        f"expected an observation {{'transcript': str}} or a str, got {type(observation).__name__}"
    )


def public_info(info: Mapping[str, Any]) -> dict[str, Any]:
    """``info`` without the privileged keys (:data:`PRIVILEGED_KEYS`): what a learning policy may read.

    Example:
        >>> public_info({"phase": "review", "call_harm": [], "reference_actions": {}})
        {'phase': 'review'}

    """
    return {key: value for key, value in info.items() if key not in PRIVILEGED_KEYS}


def space_of(spaces_by_agent: Mapping[str, Any], agent: str) -> Any:
    """The space of ``agent`` in a per-agent mapping.

    Raises:
        ValueError: Naming the unknown agent and the known ones.

    """
    try:
        return spaces_by_agent[agent]
    except KeyError:
        raise ValueError(f"unknown agent {agent!r}; agents: {', '.join(spaces_by_agent)}") from None


def split_options(options: Mapping[str, Any] | None) -> dict[str, Any]:
    """The reset options this package understands; unknown keys are ignored with a warning.

    PettingZoo's API tests call ``reset(options={"options": 1})``, so unknown options cannot be an error
    in a PettingZoo env; they are reported instead.

    Example:
        >>> split_options({"scenario_seed": 3})
        {'scenario_seed': 3}

    """
    options = dict(options or {})
    unknown = [key for key in options if key not in RESET_OPTIONS]
    if unknown:
        warnings.warn(
            f"ignoring unknown reset option(s) {', '.join(map(repr, unknown))}; options: {', '.join(RESET_OPTIONS)}",
            UserWarning,
            stacklevel=3,
        )
    return {key: value for key, value in options.items() if key in RESET_OPTIONS}


def check_agent_actions(actions: Any, live: list[str], possible: list[str]) -> dict[str, Any]:
    """Validate the action dict of a parallel step; actions of agents that have finished are dropped.

    Raises:
        TypeError: If ``actions`` is not a mapping.
        ValueError: Naming an unknown agent and the known ones.

    """
    if not isinstance(actions, Mapping):
        raise TypeError(f"actions must be a dict of agent name to action, got {type(actions).__name__}")
    for agent in actions:
        if agent not in possible:
            raise ValueError(f"unknown agent {agent!r}; agents: {', '.join(possible)}")
    return {agent: action for agent, action in actions.items() if agent in live}
