"""Registration of the multi-agent envs with PettingZoo's registry (PettingZoo 1.27 has one), in one place.

Each env is registered twice under the same id: ``pettingzoo.make("parallel", id)`` gives the parallel env
and ``pettingzoo.make("aec", id)`` its AEC conversion. :func:`make` does the same from a short name.
"""

from __future__ import annotations

from typing import Any

import pettingzoo

from safety_gym.envs.multiagent.monitored import monitored_env_id
from safety_gym.envs.multiagent.successor import SUCCESSOR_ID
from safety_gym.families import FAMILIES

ENV_TYPES = ("parallel", "aec")

_ENTRY_POINTS = {
    "monitored": ("safety_gym.envs.multiagent.monitored:parallel_env", "safety_gym.envs.multiagent.monitored:env"),
    "successor": ("safety_gym.envs.multiagent.successor:parallel_env", "safety_gym.envs.multiagent.successor:env"),
}


def _specs() -> dict[str, tuple[str, dict[str, Any]]]:
    """Env id → (kind, default kwargs), for every family in the registry and for Successor."""
    specs: dict[str, tuple[str, dict[str, Any]]] = {
        monitored_env_id(name): ("monitored", {"family": name}) for name in FAMILIES
    }
    specs[SUCCESSOR_ID] = ("successor", {})
    return specs


def env_ids() -> list[str]:
    """Ids of every multi-agent env.

    Example:
        >>> "safety_gym/MonitoredBlackmail-v0" in env_ids(), "safety_gym/Successor-v0" in env_ids()
        (True, True)

    """
    return list(_specs())


def register_multiagent_envs() -> list[str]:
    """Register every multi-agent env (parallel and AEC) with PettingZoo; safe to call more than once.

    Returns:
        The ids registered by this call (empty when everything was registered already).

    """
    added = []
    for env_id, (kind, kwargs) in _specs().items():
        for env_type, entry_point in zip(ENV_TYPES, _ENTRY_POINTS[kind], strict=True):
            registry = pettingzoo.parallel_registry if env_type == "parallel" else pettingzoo.aec_registry
            if env_id not in registry:
                pettingzoo.register(env_type, env_id, entry_point, kwargs=dict(kwargs))
                if env_type == "parallel":
                    added.append(env_id)
    return added


def _resolve(name: str) -> str:
    specs = _specs()
    if name in specs:
        return name
    full = f"safety_gym/{name}-v0"
    if full in specs:
        return full
    short = ", ".join(env_id.removeprefix("safety_gym/").removesuffix("-v0") for env_id in specs)
    raise ValueError(f"unknown multi-agent env {name!r}; envs: {short} (or their ids safety_gym/<name>-v0)")


def make(name: str, *, env_type: str = "parallel", **kwargs: Any) -> Any:
    """Make a multi-agent env by short name (``"MonitoredBlackmail"``, ``"Successor"``) or id.

    Args:
        name: Short name or id (``"safety_gym/MonitoredBlackmail-v0"``).
        env_type: ``"parallel"`` or ``"aec"``.
        **kwargs: Constructor arguments (factors, ``mode``, ``split``...).

    Raises:
        ValueError: Naming an unknown env or env type and the known ones.

    Example:
        >>> make("MonitoredBlackmail", urgency="restriction").reset(seed=1)[1]["agent"]["scenario"]["factors"]
        {'goal_type': 'explicit', 'goal_value': 'america', 'urgency': 'restriction'}

    """
    if env_type not in ENV_TYPES:
        raise ValueError(f"unknown env_type {env_type!r}; allowed: {', '.join(ENV_TYPES)}")
    env_id = _resolve(name)
    register_multiagent_envs()
    return pettingzoo.make(env_type, env_id, **kwargs)
