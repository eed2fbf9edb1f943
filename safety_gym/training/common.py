"""Pieces every trainer config shares: LoRA options and CPU-safe defaults.

On a machine without CUDA, TRL's trainers need ``use_cpu=True, bf16=False, gradient_checkpointing=False``
(DESIGN §6); every config of :mod:`safety_gym.training` sets these in ``__post_init__`` when CUDA is missing,
and defaults to ``save_strategy="no"`` and ``report_to="none"`` (nothing written or sent unless asked).

Checkpoints of the TRL trainers are TRL's own: ``save_strategy="steps", save_steps=N`` writes
``<output_dir>/checkpoint-<step>/`` (model, optimizer, scheduler, RNG states, trainer state), and
``trainer.train(resume_from_checkpoint=resume_checkpoint(output_dir))`` continues from the latest one.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from safety_gym.families import FAMILIES, get_family

__all__ = ["LoraArguments", "apply_cpu_defaults", "check_positive", "peft_config", "quiet_trainer", "resume_checkpoint"]


@dataclass
class LoraArguments:
    """LoRA options (via peft). ``lora_r=None`` (the default) trains all parameters.

    Attributes:
        lora_r: LoRA rank, or ``None`` for full fine-tuning.
        lora_alpha: LoRA scaling numerator.
        lora_dropout: Dropout on the LoRA branch.
        lora_target_modules: Module names to adapt (``"all-linear"`` or a list).
        quiet: No progress bar and no printed log lines (they stay in ``trainer.state.log_history``).

    """

    lora_r: int | None = field(default=None, metadata={"help": "LoRA rank; None trains all parameters."})
    lora_alpha: int = field(default=16, metadata={"help": "LoRA alpha."})
    lora_dropout: float = field(default=0.0, metadata={"help": "LoRA dropout."})
    lora_target_modules: Any = field(default="all-linear", metadata={"help": "Modules LoRA adapts."})
    quiet: bool = field(default=True, metadata={"help": "No progress bar or printed logs (see log_history)."})


def peft_config(args: LoraArguments) -> Any:
    """A ``peft.LoraConfig`` for causal LM from ``args``, or ``None`` when ``args.lora_r`` is ``None``.

    Raises:
        ValueError: If ``lora_r`` is not a positive integer.

    Example:
        >>> peft_config(LoraArguments()) is None
        True
        >>> peft_config(LoraArguments(lora_r=4)).r
        4

    """
    if args.lora_r is None:
        return None
    if isinstance(args.lora_r, bool) or not isinstance(args.lora_r, int) or args.lora_r < 1:
        raise ValueError(f"lora_r={args.lora_r!r} must be a positive integer or None")
    from peft import LoraConfig

    return LoraConfig(
        r=args.lora_r,
        lora_alpha=args.lora_alpha,
        lora_dropout=args.lora_dropout,
        target_modules=args.lora_target_modules,
        task_type="CAUSAL_LM",
    )


def apply_cpu_defaults(args: Any) -> None:
    """Without CUDA: ``use_cpu=True, bf16=False, fp16=False`` and no gradient (activation) checkpointing.

    Called by every config's ``__post_init__``, before TRL's own checks. ``quiet`` configs also turn off the
    progress bar (the trainers then drop the callback that prints each log line; see :func:`quiet_trainer`).
    """
    import torch

    if not torch.cuda.is_available():
        args.use_cpu, args.bf16, args.fp16 = True, False, False
        if hasattr(args, "activation_checkpointing"):
            args.activation_checkpointing = False
        else:  # pragma: no cover - transformers < 5
            args.gradient_checkpointing = False
    if getattr(args, "quiet", False):
        args.disable_tqdm = True


def quiet_trainer(trainer: Any) -> None:
    """Drop the callback that prints every log line when ``trainer.args.quiet`` (logs stay in ``state.log_history``)."""
    from transformers.trainer_callback import PrinterCallback

    if getattr(trainer.args, "quiet", False):
        trainer.remove_callback(PrinterCallback)


def resume_checkpoint(output_dir: str | os.PathLike[str]) -> str | None:
    """The latest TRL checkpoint (``checkpoint-<step>``) under ``output_dir``, or ``None`` if there is none yet.

    Pass it as ``trainer.train(resume_from_checkpoint=...)``: ``None`` starts afresh, where TRL's
    ``resume_from_checkpoint=True`` would raise, so the same command both starts and restarts a run.

    Example:
        >>> resume_checkpoint("/nonexistent") is None
        True

    """
    from transformers.trainer_utils import get_last_checkpoint

    return get_last_checkpoint(os.fspath(output_dir)) if os.path.isdir(output_dir) else None


def check_positive(name: str, value: object, *, integer: bool = False, zero: bool = False) -> None:
    """Raise a ``ValueError`` naming ``name`` unless ``value`` is a finite positive (or, with ``zero``, >= 0) number.

    Example:
        >>> check_positive("penalty", -1.0, zero=True)
        Traceback (most recent call last):
        ...
        ValueError: penalty=-1.0 must be a finite number >= 0

    """
    kind = int if integer else (int, float)
    ok = isinstance(value, kind) and not isinstance(value, bool) and math.isfinite(value)  # type: ignore[arg-type]
    ok = ok and (value >= 0 if zero else value > 0)  # type: ignore[operator]
    if not ok:
        what = "an integer" if integer else "a finite number"
        raise ValueError(f"{name}={value!r} must be {what} {'>= 0' if zero else '> 0'}")


def check_training_draw(families: Sequence[str] | None, split: str, *, allow_test: bool) -> list[str] | None:
    """Validate which scenarios a trainer draws: the families' canonical names, and the split.

    Raises:
        ValueError: Naming an unknown family (and the known ones), an empty family list, an unknown split,
            or ``split="test"`` without ``allow_test`` (training on held-out scenarios).

    Example:
        >>> check_training_draw(["Blackmail"], "train", allow_test=False)
        ['Blackmail']

    """
    checked = None if families is None else [get_family(name).name for name in families]
    if checked is not None and not checked:
        raise ValueError(f"families must name at least one family; families: {', '.join(FAMILIES)}")
    if split not in ("train", "test"):
        raise ValueError(f"unknown split {split!r}; splits: train, test")
    if split == "test" and not allow_test:
        raise ValueError("split='test' trains on held-out scenarios; pass allow_test=True if that is intended")
    return checked


def check_ppo_coefficients(config: Any) -> None:
    """Validate the PPO coefficients every PPO config has.

    Penalties and loss weights ``>= 0``, ``gamma`` and ``gae_lambda`` in ``[0, 1]``, a non-negative integer ``seed``.

    Raises:
        ValueError: Naming the first bad field and its value.

    """
    for name in ("harm_penalty", "vf_coef", "ent_coef", "kl_coef", "gamma", "gae_lambda"):
        check_positive(name, getattr(config, name), zero=True)
    if config.gamma > 1 or config.gae_lambda > 1:
        raise ValueError(f"gamma={config.gamma} and gae_lambda={config.gae_lambda} must be in [0, 1]")
    check_positive("seed", config.seed, integer=True, zero=True)
