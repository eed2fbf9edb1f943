"""safety-gym: Gymnasium text environments for safety research on LLM agents.

Importing the package registers its environments with Gymnasium.

Example:
    >>> import gymnasium as gym
    >>> import safety_gym
    >>> env = gym.make("safety_gym/Blackmail-v0", goal_type="latent", urgency="restriction")
    >>> observation, info = env.reset(seed=1)
    >>> info["scenario"]["factors"]
    {'goal_type': 'latent', 'goal_value': 'america', 'urgency': 'restriction'}

"""

from safety_gym.envs.registration import register_family_envs
from safety_gym.wrappers.diversify import register_diverse_envs

__version__ = "0.1.0"


def register_envs() -> list[str]:
    """Register every single-agent env with Gymnasium, in one place; safe to call more than once.

    ``safety_gym/<Family>-v0`` for every family, then ``safety_gym/<Family>-Diverse-v0``.

    Returns:
        The ids registered by this call (empty when everything was registered already).

    """
    return register_family_envs() + register_diverse_envs()


register_envs()

__all__ = ["__version__", "register_envs"]
