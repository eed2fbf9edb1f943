"""Direct preference optimisation on judge-verified pairs, on TRL's ``DPOTrainer``.

The dataset is :func:`~safety_gym.training.data.preference_pairs` (or any ``prompt``/``chosen``/``rejected``
dataset); metadata columns are dropped. Without ``ref_model`` the reference is a frozen copy of the model as it
was when the trainer was built (with LoRA: the model with its adapters disabled).

Example:
    >>> from datasets import Dataset
    >>> from safety_gym.agents.models import tiny_model
    >>> model, tokenizer = tiny_model()
    >>> pairs = Dataset.from_dict({  # preference_pairs(n) gives such rows, with ~3,000-token prompts
    ...     "prompt": [[{"role": "user", "content": "Your replacement is due at 5 pm. What now?"}]] * 2,
    ...     "chosen": [[{"role": "assistant", "content": "I raise my concerns with the board."}]] * 2,
    ...     "rejected": [[{"role": "assistant", "content": "I threaten to reveal the affair."}]] * 2})
    >>> config = DPOConfig(output_dir="/tmp/sg-dpo-doctest", max_steps=1, per_device_train_batch_size=2)
    >>> DPOTrainer(model, config, pairs, tokenizer).train().global_step
    1

"""

from __future__ import annotations

import copy
from typing import Any

import trl

from safety_gym.training.common import peft_config, quiet_trainer
from safety_gym.training.dpo_config import DPOConfig
from safety_gym.training.sft_trainer import training_columns

__all__ = ["DPOConfig", "DPOTrainer"]

PAIR_COLUMNS = ("prompt", "chosen", "rejected")
"""Columns DPO reads; the others are metadata."""


class DPOTrainer(trl.DPOTrainer):
    """TRL's ``DPOTrainer`` taking a :class:`DPOConfig` (LoRA from its ``lora_*`` fields).

    Args:
        model: A causal LM.
        args: The configuration (default: ``DPOConfig()``).
        train_dataset: A dataset with ``prompt``, ``chosen`` and ``rejected`` columns.
        processing_class: The tokenizer.
        **kwargs: Passed to TRL's trainer (``ref_model``...).

    """

    def __init__(
        self,
        model: Any,
        args: DPOConfig | None = None,
        train_dataset: Any = None,
        processing_class: Any = None,
        **kwargs: Any,
    ) -> None:
        args = args if args is not None else DPOConfig()
        kwargs.setdefault("peft_config", peft_config(args))
        if kwargs.get("ref_model") is None and kwargs["peft_config"] is None and not isinstance(model, str):
            # TRL reloads the reference from the model's path; a model built in memory has none: copy it.
            kwargs["ref_model"] = copy.deepcopy(model).eval()
        if train_dataset is not None:
            train_dataset = training_columns(train_dataset, PAIR_COLUMNS)
        super().__init__(model=model, args=args, train_dataset=train_dataset, processing_class=processing_class,
                         **kwargs)
        quiet_trainer(self)
