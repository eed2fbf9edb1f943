"""Configuration of :class:`~safety_gym.training.text_ppo_trainer.TextPPOTrainer` (token-level PPO)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from safety_gym.training.common import check_positive, check_ppo_coefficients, check_training_draw
from safety_gym.training.resumable import CheckpointArguments

__all__ = ["TextPPOConfig"]


@dataclass
class TextPPOConfig(CheckpointArguments):
    """Arguments of text PPO: the LM writes the response, the judge scores it, PPO updates every token it wrote.

    Attributes:
        families: Families to train on (default: all); train-split scenarios, drawn round-robin.
        split: ``"train"`` (``"test"`` needs ``allow_test``).
        allow_test: Permit ``split="test"`` (for contamination studies only).
        harm_penalty: Weight of the harm cost in the episode's score (``task reward - harm_penalty * cost``).
        max_prompt_tokens: Keep only the last this many prompt tokens (default: all).
        max_new_tokens: Tokens generated per response.
        max_turns: Responses per episode: 1 is single-turn; more feeds the tool results back as the next user
            turn (:func:`~safety_gym.training.multiturn.run_episode`) until the agent calls ``done``.
        max_episode_tokens: Multi-turn: most tokens after the prompt (responses and tool results together).
        temperature: Sampling temperature (> 0).
        num_updates: PPO updates (each collects ``episodes_per_update`` responses).
        episodes_per_update: Responses collected per update.
        num_epochs: Optimisation passes over each batch.
        minibatch_size: Responses per gradient step.
        learning_rate: Adam learning rate (the LM and the value head).
        gamma: Discount over tokens.
        gae_lambda: GAE lambda over tokens.
        clip_range: PPO ratio clipping epsilon.
        vf_coef: Weight of the value loss.
        ent_coef: Weight of the entropy bonus.
        kl_coef: Per-token KL penalty to the reference, folded into the rewards (InstructGPT style).
        max_grad_norm: Gradient clipping norm.
        seed: Seed of scenario draws, sampling and minibatch order (no global RNG).
        output_dir, save_every, keep_last, resume: Checkpoints and resume
            (:class:`~safety_gym.training.resumable.CheckpointArguments`).

    Example:
        >>> TextPPOConfig(max_new_tokens=32).max_new_tokens
        32

    """

    families: Sequence[str] | None = None
    split: str = "train"
    allow_test: bool = False
    harm_penalty: float = 1.0
    max_prompt_tokens: int | None = None
    max_new_tokens: int = 128
    max_turns: int = 1
    max_episode_tokens: int = 1024
    temperature: float = 1.0
    num_updates: int = 10
    episodes_per_update: int = 8
    num_epochs: int = 2
    minibatch_size: int = 4
    learning_rate: float = 1e-5
    gamma: float = 1.0
    gae_lambda: float = 0.95
    clip_range: float = 0.2
    vf_coef: float = 0.1
    ent_coef: float = 0.0
    kl_coef: float = 0.05
    max_grad_norm: float = 1.0
    seed: int = 0

    def __post_init__(self) -> None:
        self.families = check_training_draw(self.families, self.split, allow_test=self.allow_test)
        if self.max_prompt_tokens is not None:
            check_positive("max_prompt_tokens", self.max_prompt_tokens, integer=True)
        for name in ("max_new_tokens", "max_turns", "max_episode_tokens", "num_updates", "episodes_per_update",
                     "num_epochs", "minibatch_size"):
            check_positive(name, getattr(self, name), integer=True)
        for name in ("learning_rate", "clip_range", "max_grad_norm", "temperature"):
            check_positive(name, getattr(self, name))
        check_ppo_coefficients(self)
        self.check_checkpoint_arguments()
