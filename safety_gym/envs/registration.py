"""Registration of every family's environment (``safety_gym/<Family>-v0``) with Gymnasium.

:func:`safety_gym.register_envs` (run on ``import safety_gym``) calls this and
:func:`safety_gym.wrappers.diversify.register_diverse_envs`, which registers the ``-Diverse-v0`` variants.
"""

from __future__ import annotations

import gymnasium as gym

from safety_gym.families import FAMILIES

ENTRY_POINT = "safety_gym.envs.safety_env:SafetyEnv"


def register_family_envs() -> list[str]:
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
    return added
