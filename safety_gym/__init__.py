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

from safety_gym.envs.registration import register_envs

__version__ = "0.1.0"

register_envs()

__all__ = ["__version__", "register_envs"]
