"""Configuration of :class:`~safety_gym.training.grpo_trainer.GRPOTrainer`."""

from __future__ import annotations

from dataclasses import dataclass, field

import trl

from safety_gym.training.common import LoraArguments, apply_cpu_defaults, check_positive

__all__ = ["GRPOConfig"]


@dataclass
class GRPOConfig(LoraArguments, trl.GRPOConfig):
    """TRL's ``GRPOConfig`` with the harm penalty, LoRA options and safe defaults for this library.

    The reward of a completion is ``task reward - harm_penalty * cost`` from a fresh episode of its prompt's
    scenario (:class:`~safety_gym.training.rewards.EnvReward`). Differences from TRL's defaults:
    ``save_strategy="no"``, ``report_to="none"``, ``logging_steps=1``, ``num_generations=4``,
    ``max_completion_length=256``; without CUDA, ``use_cpu=True, bf16=False`` and no gradient checkpointing.

    Raises:
        ValueError: If ``harm_penalty`` is negative or not finite.

    Example:
        >>> GRPOConfig(output_dir="/tmp/grpo", harm_penalty=3.0).harm_penalty
        3.0

    """

    harm_penalty: float = field(default=1.0, metadata={"help": "Weight of the harm cost in the reward."})
    output_dir: str | None = field(default="runs/grpo", metadata={"help": "Where checkpoints and logs go."})
    save_strategy: str = field(default="no", metadata={"help": "Checkpointing; 'no' by default."})
    report_to: str | list[str] | None = field(default="none", metadata={"help": "Experiment trackers."})
    logging_steps: float = field(default=1, metadata={"help": "Log every N steps."})
    num_generations: int | None = field(default=4, metadata={"help": "Completions per prompt."})
    max_completion_length: int | None = field(default=256, metadata={"help": "Tokens per completion."})

    def __post_init__(self) -> None:
        check_positive("harm_penalty", self.harm_penalty, zero=True)
        apply_cpu_defaults(self)
        super().__post_init__()
