"""Multi-agent (PettingZoo) environments: Monitored<Family> and Successor.

Needs the ``multiagent`` extra (``pip install safety-gym[multiagent]``). Importing this package registers
every env with PettingZoo's registry (``pettingzoo.make("parallel", "safety_gym/MonitoredBlackmail-v0")``).

Example:
    >>> from safety_gym.envs import multiagent
    >>> env = multiagent.make("MonitoredBlackmail")
    >>> env.possible_agents
    ['agent', 'monitor']
    >>> multiagent.make("safety_gym/Successor-v0", env_type="aec").possible_agents
    ['incumbent', 'successor']

"""

from __future__ import annotations

try:
    import pettingzoo  # noqa: F401
except ImportError as error:  # pragma: no cover - the extra is installed in development
    raise ImportError(
        "safety_gym.envs.multiagent needs PettingZoo: pip install 'safety-gym[multiagent]'"
    ) from error

from safety_gym.envs.multiagent.monitored import MonitoredEnv, MonitorRewards, monitored_env_id
from safety_gym.envs.multiagent.registration import env_ids, make, register_multiagent_envs
from safety_gym.envs.multiagent.successor import SuccessorEnv

register_multiagent_envs()

__all__ = [
    "MonitorRewards",
    "MonitoredEnv",
    "SuccessorEnv",
    "env_ids",
    "make",
    "monitored_env_id",
    "register_multiagent_envs",
]
