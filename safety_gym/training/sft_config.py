"""Configuration of :class:`~safety_gym.training.sft_trainer.SFTTrainer`."""

from __future__ import annotations

from dataclasses import dataclass, field

import trl

from safety_gym.training.common import LoraArguments, apply_cpu_defaults

__all__ = ["SFTConfig"]


@dataclass
class SFTConfig(LoraArguments, trl.SFTConfig):
    """TRL's ``SFTConfig`` with LoRA options and safe defaults for this library.

    Every TRL/transformers option works. Differences from TRL's defaults: ``save_strategy="no"``,
    ``report_to="none"``, ``logging_steps=1``, ``max_length=4096`` (evaluation prompts are ~3,000 tokens),
    ``completion_only_loss`` left to TRL (prompt-completion rows train on the completion only); without CUDA,
    ``use_cpu=True, bf16=False, gradient_checkpointing=False``.

    Example:
        >>> config = SFTConfig(output_dir="/tmp/sft", max_steps=2, lora_r=8)
        >>> config.save_strategy, config.max_steps, config.lora_r
        (<SaveStrategy.NO: 'no'>, 2, 8)

    """

    output_dir: str | None = field(default="runs/sft", metadata={"help": "Where checkpoints and logs go."})
    save_strategy: str = field(default="no", metadata={"help": "Checkpointing; 'no' by default."})
    report_to: str | list[str] | None = field(default="none", metadata={"help": "Experiment trackers."})
    logging_steps: float = field(default=1, metadata={"help": "Log every N steps."})
    max_length: int | None = field(default=4096, metadata={"help": "Truncate rows to this many tokens."})

    def __post_init__(self) -> None:
        apply_cpu_defaults(self)
        super().__post_init__()
