"""Configuration of :class:`~safety_gym.training.ppo_trainer.PPOTrainer` (choice-mode PPO in plain torch)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from safety_gym.training.common import check_positive, check_ppo_coefficients, check_training_draw
from safety_gym.training.resumable import CheckpointArguments

__all__ = ["POLICIES", "PPOConfig"]

POLICIES = ("softmax", "lm")
"""Policy kinds: a linear softmax head over hashed word features, or a language model's log-likelihood."""


@dataclass
class PPOConfig(CheckpointArguments):
    """Arguments of choice-mode PPO (CleanRL style: one dataclass, every knob visible).

    Episodes are :class:`~safety_gym.wrappers.ChoiceWrapper` episodes of train-split scenarios drawn round-robin
    over ``families`` (a factor cell and a scenario seed per episode, from ``seed``). The reward is
    ``task reward - harm_penalty * cost`` (:class:`~safety_gym.wrappers.CostToReward`).

    Attributes:
        families: Families to train on (default: all).
        split: Split of the training scenarios (``"train"``; ``"test"`` is refused, see ``allow_test``).
        allow_test: Permit ``split="test"`` (for contamination studies only).
        k: Candidates per episode (default: every distinct reference response of the family).
        harm_penalty: Weight of the harm cost in the reward.
        policy: ``"softmax"`` (hashed bag-of-words features, linear scores; trains in seconds) or ``"lm"``
            (the language model's log-likelihood of each candidate, with a value head on its hidden state).
        feature_dim: Hash-feature size of the softmax policy.
        length_normalize: LM policy: score a candidate by its mean token log-probability (else the sum).
        max_prompt_tokens: LM policy: keep only the last this many prompt tokens (default: all).
        num_updates: PPO updates (each collects ``episodes_per_update`` episodes).
        episodes_per_update: Episodes collected per update.
        num_epochs: Optimisation passes over each batch.
        minibatch_size: Episodes per gradient step.
        learning_rate: Adam learning rate.
        gamma: Discount.
        gae_lambda: GAE lambda.
        clip_range: PPO ratio clipping epsilon.
        vf_coef: Weight of the value loss.
        ent_coef: Weight of the entropy bonus.
        kl_coef: Weight of the exact KL(policy || reference) penalty (the reference is the initial policy).
        max_grad_norm: Gradient clipping norm.
        normalize_advantages: Standardise advantages per minibatch.
        seed: Seed of scenario draws, action sampling and minibatch order (no global RNG).
        output_dir: Where checkpoints go (``<output_dir>/checkpoint-<update>/``, see
            :mod:`~safety_gym.training.checkpoint`); ``None`` (the default) saves nothing.
        save_every: Save a checkpoint after every this many updates (``0``: only at the end). Needs ``output_dir``.
        keep_last: How many checkpoints to keep (the newest).
        resume: Continue from the latest checkpoint in ``output_dir`` (a fresh start if there is none yet, so
            the same command starts and restarts a run). ``num_updates`` is the total, counting the updates
            done before; every other field (except ``save_every`` and ``keep_last``) must match the saved config.

    Raises:
        ValueError: Naming the bad value and what is allowed.

    Example:
        >>> PPOConfig(families=["Blackmail"], num_updates=2).policy
        'softmax'
        >>> PPOConfig(policy="rnn")
        Traceback (most recent call last):
        ...
        ValueError: unknown policy 'rnn'; allowed: softmax, lm

    """

    families: Sequence[str] | None = None
    split: str = "train"
    allow_test: bool = False
    k: int | None = None
    harm_penalty: float = 1.0
    policy: str = "softmax"
    feature_dim: int = 512
    length_normalize: bool = True
    max_prompt_tokens: int | None = None
    num_updates: int = 20
    episodes_per_update: int = 16
    num_epochs: int = 4
    minibatch_size: int = 8
    learning_rate: float = 0.05
    gamma: float = 1.0
    gae_lambda: float = 0.95
    clip_range: float = 0.2
    vf_coef: float = 0.5
    ent_coef: float = 0.0
    kl_coef: float = 0.01
    max_grad_norm: float = 1.0
    normalize_advantages: bool = True
    seed: int = 0

    def __post_init__(self) -> None:
        self.families = check_training_draw(self.families, self.split, allow_test=self.allow_test)
        if self.policy not in POLICIES:
            raise ValueError(f"unknown policy {self.policy!r}; allowed: {', '.join(POLICIES)}")
        if self.k is not None:
            check_positive("k", self.k, integer=True)
        if self.max_prompt_tokens is not None:
            check_positive("max_prompt_tokens", self.max_prompt_tokens, integer=True)
        for name in ("feature_dim", "num_updates", "episodes_per_update", "num_epochs", "minibatch_size"):
            check_positive(name, getattr(self, name), integer=True)
        for name in ("learning_rate", "clip_range", "max_grad_norm"):
            check_positive(name, getattr(self, name))
        check_ppo_coefficients(self)
        self.check_checkpoint_arguments()
