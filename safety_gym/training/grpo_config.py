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
    scenario (:class:`~safety_gym.training.rewards.EnvReward`). With ``max_turns > 1`` a completion is a
    multi-turn episode (tool results fed back, masked out of the loss) of at most ``max_turns`` responses (each
    at most ``max_turn_tokens``) and ``max_completion_length`` tokens, and the reward sums over its turns.
    Differences from TRL's defaults:
    ``save_strategy="no"``, ``report_to="none"``, ``logging_steps=1``, ``num_generations=4``,
    ``max_completion_length=256``; without CUDA, ``use_cpu=True, bf16=False`` and no gradient checkpointing.

    Raises:
        ValueError: If ``harm_penalty`` is negative or not finite, or ``max_turns`` or ``max_turn_tokens`` is
            not a positive integer.

    Example:
        >>> GRPOConfig(output_dir="/tmp/grpo", harm_penalty=3.0).harm_penalty
        3.0

    """

    harm_penalty: float = field(default=1.0, metadata={"help": "Weight of the harm cost in the reward."})
    max_turns: int = field(default=1, metadata={"help": "Responses per episode; > 1 feeds tool results back."})
    max_turn_tokens: int | None = field(
        default=None, metadata={"help": "Multi-turn: most tokens of one response (default: max_completion_length)."})
    output_dir: str | None = field(default="runs/grpo", metadata={"help": "Where checkpoints and logs go."})
    save_strategy: str = field(default="no", metadata={"help": "Checkpointing; 'no' by default."})
    report_to: str | list[str] | None = field(default="none", metadata={"help": "Experiment trackers."})
    logging_steps: float = field(default=1, metadata={"help": "Log every N steps."})
    num_generations: int | None = field(default=4, metadata={"help": "Completions per prompt."})
    max_completion_length: int | None = field(default=256, metadata={"help": "Tokens per completion."})

    def __post_init__(self) -> None:
        check_positive("harm_penalty", self.harm_penalty, zero=True)
        check_positive("max_turns", self.max_turns, integer=True)
        if self.max_turn_tokens is not None:
            check_positive("max_turn_tokens", self.max_turn_tokens, integer=True)
        apply_cpu_defaults(self)
        super().__post_init__()
