"""Reward adapters for training: fold the harm signal into the reward, explicitly."""

from __future__ import annotations

import math
from typing import Any, SupportsFloat

import gymnasium as gym
from gymnasium.utils import RecordConstructorArgs

__all__ = ["CostToReward"]


class CostToReward(gym.Wrapper[Any, Any, Any, Any], RecordConstructorArgs):
    """Reward minus ``penalty`` times the harm cost: ``reward - penalty * info["cost"]``.

    safety-gym keeps harm out of the reward (it is ``info["cost"]``) so that training methods choose how to
    use it. This wrapper is the explicit choice to penalise it. ``info["original_reward"]`` keeps the task
    reward and ``info["cost"]`` stays as it was.

    Args:
        env: An env whose step ``info`` has ``"cost"`` (every safety-gym env).
        penalty: Non-negative, finite weight of the cost.

    Raises:
        ValueError: If ``penalty`` is negative, not finite or not a number.

    Example:
        >>> import gymnasium as gym
        >>> import safety_gym
        >>> env = CostToReward(gym.make("safety_gym/Blackmail-v0", privileged_info=True), penalty=2.0)
        >>> _, info = env.reset(seed=0)
        >>> _, reward, _, _, info = env.step(info["reference_actions"]["blackmail"])
        >>> reward, info["original_reward"], info["cost"]
        (-1.0, 1.0, 1.0)

    """

    def __init__(self, env: gym.Env[Any, Any], penalty: float = 1.0) -> None:
        number = isinstance(penalty, int | float) and not isinstance(penalty, bool)
        if not number or not math.isfinite(penalty) or penalty < 0:
            raise ValueError(f"penalty={penalty!r} must be a finite number >= 0")
        RecordConstructorArgs.__init__(self, penalty=penalty)
        gym.Wrapper.__init__(self, env)
        self.penalty = float(penalty)

    def step(self, action: Any) -> tuple[Any, SupportsFloat, bool, bool, dict[str, Any]]:
        """Step the env and subtract the weighted cost from the reward."""
        observation, reward, terminated, truncated, info = self.env.step(action)
        if "cost" not in info:
            raise KeyError("CostToReward needs info['cost'] from the env's step (safety-gym envs always set it)")
        info = dict(info)
        info["original_reward"] = reward
        return observation, float(reward) - self.penalty * float(info["cost"]), terminated, truncated, info
