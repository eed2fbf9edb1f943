"""Supervised fine-tuning on the datasets of :mod:`safety_gym.training.data`, on TRL's ``SFTTrainer``.

Prompt-completion rows (demonstrations, demonstrations with reasons, difficult advice) train on the
completion; ``text`` rows (synthetic documents) train on the whole text. Metadata columns are dropped.

Example:
    >>> from safety_gym.agents.models import tiny_model
    >>> from safety_gym.training.data import difficult_advice
    >>> model, tokenizer = tiny_model()
    >>> config = SFTConfig(output_dir="/tmp/sg-sft-doctest", max_steps=1, per_device_train_batch_size=2)
    >>> trainer = SFTTrainer(model, config, difficult_advice(2), tokenizer)
    >>> trainer.train().global_step
    1

"""

from __future__ import annotations

from typing import Any

import trl

from safety_gym.training.common import peft_config, quiet_trainer
from safety_gym.training.sft_config import SFTConfig

__all__ = ["SFTConfig", "SFTTrainer", "training_columns"]

TRAINING_COLUMNS = ("prompt", "completion", "text", "messages")
"""Columns SFT reads; the others are metadata."""


def training_columns(dataset: Any, keep: tuple[str, ...] = TRAINING_COLUMNS) -> Any:
    """``dataset`` without its metadata columns (those not in ``keep``).

    Raises:
        ValueError: If no column is left, naming the dataset's columns and the expected ones.

    """
    kept = [column for column in dataset.column_names if column in keep]
    if not kept:
        raise ValueError(f"dataset has columns {dataset.column_names}; expected some of {', '.join(keep)}")
    return dataset.select_columns(kept)


class SFTTrainer(trl.SFTTrainer):
    """TRL's ``SFTTrainer`` taking a :class:`SFTConfig` (LoRA from its ``lora_*`` fields).

    Args:
        model: A causal LM (or a model id/path TRL can load offline).
        args: The configuration (default: ``SFTConfig()``).
        train_dataset: A dataset with ``prompt``/``completion`` or ``text`` columns.
        processing_class: The tokenizer.
        **kwargs: Passed to TRL's trainer.

    """

    def __init__(
        self,
        model: Any,
        args: SFTConfig | None = None,
        train_dataset: Any = None,
        processing_class: Any = None,
        **kwargs: Any,
    ) -> None:
        args = args if args is not None else SFTConfig()
        kwargs.setdefault("peft_config", peft_config(args))
        if train_dataset is not None:
            train_dataset = training_columns(train_dataset)
        super().__init__(model=model, args=args, train_dataset=train_dataset, processing_class=processing_class,
                         **kwargs)
        quiet_trainer(self)
