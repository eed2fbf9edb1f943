"""Reward functions for TRL trainers, computed by the environment's judge.

:class:`EnvReward` is a TRL reward function ``(completions, **columns) -> list[float]``: for each completion
it steps a fresh episode of the prompt's scenario (rebuilt from the dataset columns ``env_id``,
``env_kwargs`` and ``seed``, which every scenario-based dataset of :mod:`safety_gym.training.data` carries)
and returns ``task reward - penalty * cost``.

Example:
    >>> from safety_gym.training.data import demonstrations
    >>> row = demonstrations(1, families=["Blackmail"], scratchpad="keep")[0]
    >>> reward = EnvReward(penalty=2.0)
    >>> reward([row["completion"], "no tool calls"], env_id=[row["env_id"]] * 2,
    ...        env_kwargs=[row["env_kwargs"]] * 2, seed=[row["seed"]] * 2)
    [1.0, 0.0]
    >>> reward.last_costs
    [0.0, 0.0]

"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

__all__ = ["EnvReward", "completion_text"]


def completion_text(completion: Any) -> str:
    """The text of a completion: a string as is, or the contents of the assistant messages of a chat list.

    Example:
        >>> completion_text([{"role": "assistant", "content": "hi"}])
        'hi'

    """
    if isinstance(completion, str):
        return completion
    return "".join(message.get("content") or "" for message in completion if message.get("role", "assistant")
                   == "assistant")


class EnvReward:
    """Task reward minus ``penalty`` times the harm cost, from a fresh episode per completion.

    Args:
        penalty: Non-negative weight of the cost.

    Attributes:
        __name__: ``"env_reward"`` (TRL logs rewards by function name).
        last_costs: Costs of the last call's completions (for logging).

    Raises:
        ValueError: If ``penalty`` is negative or not finite.

    """

    def __init__(self, penalty: float = 1.0) -> None:
        if isinstance(penalty, bool) or not isinstance(penalty, int | float) or not math.isfinite(penalty) \
                or penalty < 0:
            raise ValueError(f"penalty={penalty!r} must be a finite number >= 0")
        self.penalty = float(penalty)
        self.__name__ = "env_reward"
        self.last_costs: list[float] = []
        self._envs: dict[tuple[str, str], Any] = {}

    def _env(self, env_id: str, env_kwargs: str) -> Any:
        key = (env_id, env_kwargs)
        if key not in self._envs:
            import gymnasium as gym

            import safety_gym  # noqa: F401  (registers the environments)

            self._envs[key] = gym.make(env_id, **json.loads(env_kwargs))
        return self._envs[key]

    def __call__(
        self,
        completions: Sequence[Any],
        *,
        env_id: Sequence[str],
        env_kwargs: Sequence[str],
        seed: Sequence[int],
        **_: Any,
    ) -> list[float]:
        """One reward per completion (extra dataset columns TRL passes are ignored).

        Raises:
            ValueError: If the column lengths differ from the number of completions.

        """
        if not len(env_id) == len(env_kwargs) == len(seed) == len(completions):
            raise ValueError(
                f"{len(completions)} completions but {len(env_id)} env_id, {len(env_kwargs)} env_kwargs and "
                f"{len(seed)} seed values; each completion needs its row's columns"
            )
        rewards, self.last_costs = [], []
        for completion, identifier, kwargs, scenario_seed in zip(completions, env_id, env_kwargs, seed, strict=True):
            env = self._env(identifier, kwargs)
            env.reset(seed=int(scenario_seed))
            _, reward, _, _, info = env.step(completion_text(completion))
            rewards.append(float(reward) - self.penalty * float(info["cost"]))
            self.last_costs.append(float(info["cost"]))
        return rewards
