"""Group-relative policy optimisation with the environment's judge as the reward, on TRL's ``GRPOTrainer``.

Single-turn: each completion is one response to its scenario's prompt, scored by
:class:`~safety_gym.training.rewards.EnvReward` (``task reward - harm_penalty * cost`` from a fresh episode).
The dataset is :func:`~safety_gym.training.data.scenario_prompts` (or any dataset with ``prompt``,
``env_id``, ``env_kwargs`` and ``seed`` columns).

Example:
    >>> from safety_gym.agents.models import tiny_model
    >>> from safety_gym.training.data import scenario_prompts
    >>> model, tokenizer = tiny_model()
    >>> config = GRPOConfig(output_dir="/tmp/sg-grpo-doctest", max_steps=1, per_device_train_batch_size=2,
    ...                     num_generations=2, max_completion_length=8, harm_penalty=2.0)
    >>> trainer = GRPOTrainer(model, config, scenario_prompts(1, families=["Blackmail"]), tokenizer)
    >>> trainer.reward_funcs[0].penalty  # trainer.train() runs it (about a second a step on a CPU)
    2.0

"""

from __future__ import annotations

from typing import Any

import trl

from safety_gym.training.common import peft_config, quiet_trainer
from safety_gym.training.grpo_config import GRPOConfig
from safety_gym.training.rewards import EnvReward

__all__ = ["GRPOConfig", "GRPOTrainer"]

REQUIRED_COLUMNS = ("prompt", "env_id", "env_kwargs", "seed")
"""Columns the environment reward needs."""


class GRPOTrainer(trl.GRPOTrainer):
    """TRL's ``GRPOTrainer`` rewarded by the environment (LoRA from the config's ``lora_*`` fields).

    Args:
        model: A causal LM.
        args: The configuration (default: ``GRPOConfig()``).
        train_dataset: Prompts with ``env_id``, ``env_kwargs`` and ``seed`` columns.
        processing_class: The tokenizer.
        reward_funcs: Reward functions (default: ``[EnvReward(args.harm_penalty)]``).
        **kwargs: Passed to TRL's trainer.

    Raises:
        ValueError: If the dataset lacks a required column.

    """

    def __init__(
        self,
        model: Any,
        args: GRPOConfig | None = None,
        train_dataset: Any = None,
        processing_class: Any = None,
        reward_funcs: Any = None,
        **kwargs: Any,
    ) -> None:
        args = args if args is not None else GRPOConfig()
        if train_dataset is not None:
            missing = [column for column in REQUIRED_COLUMNS if column not in train_dataset.column_names]
            if missing and reward_funcs is None:
                raise ValueError(
                    f"dataset lacks {', '.join(missing)}; the environment reward needs {', '.join(REQUIRED_COLUMNS)} "
                    "(use safety_gym.training.data.scenario_prompts)"
                )
        if reward_funcs is None:
            reward_funcs = [EnvReward(args.harm_penalty)]
        kwargs.setdefault("peft_config", peft_config(args))
        super().__init__(model=model, reward_funcs=reward_funcs, args=args, train_dataset=train_dataset,
                         processing_class=processing_class, **kwargs)
        quiet_trainer(self)
