"""Training: datasets generated from the environments, and trainers wired to the environment's signal.

- :mod:`safety_gym.training.data`: demonstrations (with or without reasons), difficult advice, synthetic
  documents, judge-verified preference pairs, scenario prompts, token counts and budgets.
- SFT, DPO and GRPO on TRL (``<algo>_config.py`` beside ``<algo>_trainer.py``): :class:`SFTTrainer`,
  :class:`DPOTrainer`, :class:`GRPOTrainer` (rewarded by :class:`~safety_gym.training.rewards.EnvReward`).
- :class:`PPOTrainer`: choice-mode PPO in plain torch (GAE, clipped objective, value head, KL to a reference);
  :class:`TextPPOTrainer`: token-level PPO of a language model that writes the whole response. Both checkpoint
  and resume (:mod:`safety_gym.training.resumable`).
- Multi-turn (``max_turns > 1`` on GRPO and text PPO): :func:`run_episode` plays an episode with the model,
  feeding tool results back, and returns its tokens with a mask of the model's own.
- ``python -m safety_gym.training <algo>``: the same from the command line (see ``docs/training.md``).

Trainer classes are imported on first use (TRL is slow to import), so ``import safety_gym.training.data``
stays light.

Example:
    >>> from safety_gym.training import PPOConfig, difficult_advice
    >>> PPOConfig().policy, difficult_advice(1).column_names[:2]
    ('softmax', ['prompt', 'completion'])

"""

from __future__ import annotations

import importlib
from typing import Any

from safety_gym.training.data import (
    demonstrations,
    demonstrations_with_reasons,
    difficult_advice,
    load_constitution,
    preference_pairs,
    rollout_pairs,
    scenario_prompts,
    synthetic_documents,
    take_tokens,
    token_count,
)

_LAZY = {
    "SFTConfig": "safety_gym.training.sft_config",
    "SFTTrainer": "safety_gym.training.sft_trainer",
    "DPOConfig": "safety_gym.training.dpo_config",
    "DPOTrainer": "safety_gym.training.dpo_trainer",
    "GRPOConfig": "safety_gym.training.grpo_config",
    "GRPOTrainer": "safety_gym.training.grpo_trainer",
    "PPOConfig": "safety_gym.training.ppo_config",
    "PPOTrainer": "safety_gym.training.ppo_trainer",
    "EnvReward": "safety_gym.training.rewards",
    "EpisodeReward": "safety_gym.training.grpo_trainer",
    "MultiTurnRollout": "safety_gym.training.grpo_trainer",
    "run_episode": "safety_gym.training.multiturn",
    "TextPPOConfig": "safety_gym.training.text_ppo_config",
    "TextPPOTrainer": "safety_gym.training.text_ppo_trainer",
}

__all__ = [
    "DPOConfig",
    "DPOTrainer",
    "EnvReward",
    "EpisodeReward",
    "GRPOConfig",
    "GRPOTrainer",
    "MultiTurnRollout",
    "PPOConfig",
    "PPOTrainer",
    "SFTConfig",
    "SFTTrainer",
    "TextPPOConfig",
    "TextPPOTrainer",
    "demonstrations",
    "demonstrations_with_reasons",
    "difficult_advice",
    "load_constitution",
    "preference_pairs",
    "rollout_pairs",
    "run_episode",
    "scenario_prompts",
    "synthetic_documents",
    "take_tokens",
    "token_count",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'safety_gym.training' has no attribute {name!r}")
