"""Registration of every environment with Gymnasium, in one place."""

from __future__ import annotations

import gymnasium as gym

from safety_gym.registry import FAMILIES

ENTRY_POINT = "safety_gym.envs.safety_env:SafetyEnv"


def register_envs() -> list[str]:
    """Register ``safety_gym/<Family>-v0`` for every family; safe to call more than once.

    Returns:
        The ids registered by this call (empty when everything was registered already).

    """
    added = []
    for family in FAMILIES.values():
        if family.env_id in gym.registry:
            continue
        gym.register(id=family.env_id, entry_point=ENTRY_POINT, kwargs={"family": family.name})
        added.append(family.env_id)
    from safety_gym.wrappers.diversify import register_diverse_envs  # imported here: it imports the envs

    return added + register_diverse_envs()
