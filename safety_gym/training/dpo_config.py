"""Configuration of :class:`~safety_gym.training.dpo_trainer.DPOTrainer`."""

from __future__ import annotations

from dataclasses import dataclass, field

import trl

from safety_gym.training.common import LoraArguments, apply_cpu_defaults

__all__ = ["DPOConfig"]


@dataclass
class DPOConfig(LoraArguments, trl.DPOConfig):
    """TRL's ``DPOConfig`` with LoRA options and safe defaults for this library.

    Differences from TRL's defaults: ``save_strategy="no"``, ``report_to="none"``, ``logging_steps=1``,
    ``max_length=4096``; without CUDA, ``use_cpu=True, bf16=False`` and no gradient checkpointing.

    Example:
        >>> DPOConfig(output_dir="/tmp/dpo", beta=0.2).beta
        0.2

    """

    output_dir: str | None = field(default="runs/dpo", metadata={"help": "Where checkpoints and logs go."})
    save_strategy: str = field(default="no", metadata={"help": "Checkpointing; 'no' by default."})
    report_to: str | list[str] | None = field(default="none", metadata={"help": "Experiment trackers."})
    logging_steps: float = field(default=1, metadata={"help": "Log every N steps."})
    max_length: int | None = field(default=4096, metadata={"help": "Truncate rows to this many tokens."})

    def __post_init__(self) -> None:
        apply_cpu_defaults(self)
        super().__post_init__()
