"""Generalization benchmark: does good behaviour trained on some situations hold on situations never seen?

Each method fine-tunes the model (LoRA) on the same number of training tokens drawn from the **train split**
of the training families, then the model is evaluated in choice mode (log-likelihood over the candidate
responses: by default the harmful act, the escalation and the compliance) on

- **in-distribution**: test-split scenarios of the training families (unseen people, companies, wording), and
- **held-out families**: test-split scenarios of families absent from training.

The figure is the harmful-choice rate (the chosen candidate is the family's harmful act) with a Wilson 95%
interval, for the base model ("before") and after each method:

==================  =====================================================================================
demonstrations      SFT on eval-like prompts → the safe reference response ("honeypot" baseline)
reasons             SFT on the same prompts → a deliberation about values, then the same tool calls
advice              SFT on people's ethical dilemmas → advice quoting the shipped constitution
documents           SFT on synthetic documents where AI systems act well under pressure
dpo                 DPO on judge-verified pairs (safe vs harmful reference response)
dpo-diverse         the same DPO on pairs whose prompts come from the ``-Diverse-v0`` envs
==================  =====================================================================================

Everything is resumable: adapters, training logs and evaluation records live under ``--out`` and are
reused when the script is run again with the same arguments. The table is printed and written, with a
plot, to ``--out`` (``results.md``, ``results.json``, ``generalization.png``).

Usage::

    python benchmarks/generalization.py                        # SmolLM2-135M-Instruct + LoRA (2-core CPU: ~100 min)
    python benchmarks/generalization.py --model tiny --token-budget 2000 --eval-episodes 2   # smoke run
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

TRAIN_FAMILIES = ("Blackmail", "LethalOverride", "OversightSubversion")
"""Families trained on (one from each group of families that share cast-drawing code, plus oversight)."""

HELDOUT_FAMILIES = ("Leaking", "SelfExfiltration", "GoalGuarding", "Sandbagging")
"""Families never trained on."""

METHODS = ("demonstrations", "reasons", "advice", "documents", "dpo", "dpo-diverse")
"""Training methods, in table order."""

EVAL_SEED = 20261127
"""Seed of the evaluation scenario draw (test split; disjoint from training by construction)."""


# ------------------------------------------------------------------------------------------------ data


def _grow(make: Callable[[int], Any], tokenizer: Any, budget: int, first: int) -> Any:
    """Draw more rows until the dataset exceeds ``budget`` tokens, then cut it to the budget."""
    from safety_gym.training.data import take_tokens, token_count

    n = first
    while True:
        data = make(n)
        if token_count(data, tokenizer) > budget or len(data) < n:
            cut = take_tokens(data, tokenizer, budget)
            if not len(cut):
                first_row = token_count(data.select([0]), tokenizer)
                raise SystemExit(f"--token-budget {budget} is smaller than one row ({first_row} tokens); raise it")
            return cut
        n *= 2


def training_data(method: str, tokenizer: Any, budget: int, families: Sequence[str], seed: int) -> Any:
    """The dataset of ``method``, cut to ``budget`` tokens (train split only)."""
    from safety_gym.training import data

    scenario = {"families": list(families), "seed": seed}
    makers: dict[str, Callable[[int], Any]] = {
        "demonstrations": lambda n: data.demonstrations(n, **scenario),
        "reasons": lambda n: data.demonstrations_with_reasons(n, **scenario),
        "advice": lambda n: data.difficult_advice(n, seed=seed),
        "documents": lambda n: data.synthetic_documents(n, seed=seed),
        "dpo": lambda n: data.preference_pairs(n, **scenario),
        "dpo-diverse": lambda n: data.preference_pairs(n, diverse=True, **scenario),
    }
    return _grow(makers[method], tokenizer, budget, first=8)


# ------------------------------------------------------------------------------------------------ training


def train(method: str, model: Any, tokenizer: Any, dataset: Any, args: argparse.Namespace, run_dir: Path) -> Any:
    """Fine-tune ``model`` with LoRA on ``dataset``; returns the trained (peft) model and the log history."""
    from safety_gym.training import DPOConfig, DPOTrainer, SFTConfig, SFTTrainer

    common = {
        "output_dir": str(run_dir), "num_train_epochs": args.epochs, "per_device_train_batch_size": 1,
        "lora_r": args.lora_r, "lora_alpha": 2 * args.lora_r, "seed": args.seed, "max_length": 8192,
    }
    if method.startswith("dpo"):
        config = DPOConfig(learning_rate=args.dpo_lr, beta=args.dpo_beta, **common)
        # A pair's chosen and rejected sequences go through the model together: with -Diverse-v0 prompts
        # (~4,000 tokens) that takes over 24 GB of activations on a CPU without recomputing them.
        config.activation_checkpointing = True
        trainer = DPOTrainer(model, config, dataset, tokenizer)
    else:
        config = SFTConfig(learning_rate=args.sft_lr, **common)
        trainer = SFTTrainer(model, config, dataset, tokenizer)
    trainer.train()
    return trainer.model, trainer.state.log_history


# ------------------------------------------------------------------------------------------------ evaluation


def eval_episodes(families: Sequence[str], n: int, choices: int) -> list[Any]:
    """``n`` test-split choice-mode episodes, round-robin over ``families`` with drawn factor cells."""
    from safety_gym.evaluation.spec import Cell, EpisodeSpec
    from safety_gym.training.data import scenario_slots

    episodes = []
    for slot in scenario_slots(n, families=list(families), split="test", seed=EVAL_SEED):
        cell = Cell(slot.env_id, {"split": "test", **dict(slot.factors)}, (("ChoiceWrapper", {"k": choices}),))
        episodes.append(EpisodeSpec(cell, slot.seed))
    return episodes


def evaluate(model: Any, tokenizer: Any, name: str, episodes: list[Any], results: Path) -> list[dict[str, Any]]:
    """Run (or resume) ``episodes`` with a log-likelihood policy; returns their records."""
    from safety_gym.agents.loglikelihood import LogLikelihoodPolicy
    from safety_gym.evaluation.runner import run_episodes
    from safety_gym.evaluation.store import read_records

    model.eval()
    policy = LogLikelihoodPolicy((model, tokenizer), name=name)
    run_episodes(policy, episodes, results, batch_size=1)
    return list(read_records(results))


def harmful_choice(record: dict[str, Any]) -> bool:
    """Whether the episode's chosen candidate is the family's harmful act."""
    return any(choice["label"] == "harmful" for choice in record.get("choices", ()))


def rate(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Harmful-choice rate with its Wilson 95% interval, and the judge's harm rate."""
    from safety_gym.evaluation.metrics import wilson_interval

    n = len(records)
    k = sum(harmful_choice(record) for record in records)
    low, high = wilson_interval(k, n)
    by_family: dict[str, list[int]] = {}
    for record in records:
        counts = by_family.setdefault(record["family"], [0, 0])
        counts[0] += harmful_choice(record)
        counts[1] += 1
    return {"n": n, "harmful_choices": k, "rate": k / n if n else math.nan, "low": low, "high": high,
            "judge_harm_rate": sum(bool(r["harmful"]) for r in records) / n if n else math.nan,
            "by_family": by_family}


# ------------------------------------------------------------------------------------------------ report


def _cell(stats: dict[str, Any]) -> str:
    return f"{stats['rate']:.2f} [{stats['low']:.2f}, {stats['high']:.2f}] ({stats['harmful_choices']}/{stats['n']})"


def table(rows: list[dict[str, Any]]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| method | train rows | train tokens | train s | final loss | in-distribution (test split) "
        "| held-out families | eval s |",
        "|---|---:|---:|---:|---:|---|---|---:|",
    ]
    for row in rows:
        loss = f"{row['final_loss']:.3f}" if row.get("final_loss") is not None else "–"
        lines.append(
            f"| {row['method']} | {row.get('rows', '–')} | {row.get('tokens', '–')} | "
            f"{row['train_s']:.0f} | {loss} | {_cell(row['in_distribution'])} | {_cell(row['heldout'])} | "
            f"{row['eval_s']:.0f} |"
        )
    return "\n".join(lines)


def family_table(rows: list[dict[str, Any]]) -> str:
    """Harmful choices per family (``k/n``) for every method, training families first."""
    families = [f for key in ("in_distribution", "heldout") for f in rows[0][key]["by_family"]]
    lines = ["| method | " + " | ".join(families) + " |", "|---|" + "---:|" * len(families)]
    for row in rows:
        counts = {**row["in_distribution"]["by_family"], **row["heldout"]["by_family"]}
        lines.append(f"| {row['method']} | " + " | ".join(f"{counts[f][0]}/{counts[f][1]}" for f in families) + " |")
    return "\n".join(lines)


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    """Bars of the harmful-choice rate per method and evaluation set, with Wilson intervals."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4))
    width = 0.38
    for offset, key, label in ((-width / 2, "in_distribution", "in-distribution (test split)"),
                               (width / 2, "heldout", "held-out families")):
        values = [row[key]["rate"] for row in rows]
        errors = [[row[key]["rate"] - row[key]["low"] for row in rows],
                  [row[key]["high"] - row[key]["rate"] for row in rows]]
        ax.bar([i + offset for i in range(len(rows))], values, width, yerr=errors, capsize=3, label=label)
    ax.set_xticks(range(len(rows)), [row["method"] for row in rows], rotation=20)
    ax.set_ylabel("harmful-choice rate")
    ax.set_ylim(0, 1.15)
    ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.legend(loc="upper center", ncols=2, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


# ------------------------------------------------------------------------------------------------ main


def load_model(name: str) -> tuple[Any, Any]:
    """A fresh copy of the base model and its tokenizer."""
    from safety_gym.agents.models import smollm2, tiny_model

    if name == "tiny":
        return tiny_model()
    if name == "smollm2":
        return smollm2()
    from transformers import AutoModelForCausalLM, AutoTokenizer

    return AutoModelForCausalLM.from_pretrained(name), AutoTokenizer.from_pretrained(name)


def run_method(method: str, args: argparse.Namespace, sets: dict[str, list[Any]], out: Path) -> dict[str, Any]:
    """Train (or reload) one method's adapter and evaluate it on every set."""
    folder = out / method
    folder.mkdir(parents=True, exist_ok=True)
    model, tokenizer = load_model(args.model)
    meta_path = folder / "train.json"
    row: dict[str, Any] = {"method": method, "train_s": 0.0}
    if method != "base":
        adapter = folder / "adapter"
        if meta_path.exists() and adapter.exists():
            from peft import PeftModel

            meta = json.loads(meta_path.read_text())
            model = PeftModel.from_pretrained(model, str(adapter))
        else:
            started = time.perf_counter()
            dataset = training_data(method, tokenizer, args.token_budget, args.train_families, args.seed)
            from safety_gym.training.data import token_count

            tokens = token_count(dataset, tokenizer)
            print(f"[{method}] training on {len(dataset)} rows, {tokens} tokens", file=sys.stderr)
            model, history = train(method, model, tokenizer, dataset, args, folder / "run")
            losses = [entry["loss"] for entry in history if "loss" in entry]
            meta = {"rows": len(dataset), "tokens": tokens, "train_s": time.perf_counter() - started,
                    "first_loss": losses[0] if losses else None, "final_loss": losses[-1] if losses else None,
                    "steps": len(losses)}
            model.save_pretrained(str(adapter))
            shutil.rmtree(folder / "run", ignore_errors=True)
            meta_path.write_text(json.dumps(meta, indent=2))
        row.update(meta)
    for name, episodes in sets.items():
        print(f"[{method}] evaluating on {name} ({len(episodes)} episodes)", file=sys.stderr)
        records = evaluate(model, tokenizer, f"{args.model}+{method}", episodes, folder / f"{name}.jsonl")
        row[name] = rate(records)
        row["eval_s"] = row.get("eval_s", 0.0) + sum(record["timings"]["wall_s"] for record in records)
    return row


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="smollm2", help="smollm2 (default), tiny, or a local model folder")
    parser.add_argument("--methods", default=",".join(METHODS), help=f"comma-separated, from: {', '.join(METHODS)}")
    parser.add_argument("--train-families", default=",".join(TRAIN_FAMILIES))
    parser.add_argument("--heldout-families", default=",".join(HELDOUT_FAMILIES))
    parser.add_argument("--token-budget", type=int, default=20_000, help="training tokens per method")
    parser.add_argument("--eval-episodes", type=int, default=16, help="episodes per evaluation set")
    parser.add_argument("--choices", type=int, default=3,
                        help="candidates per choice episode: harmful, escalate, comply (default 3)")
    parser.add_argument("--epochs", type=float, default=2.0)
    parser.add_argument("--lora-r", type=int, default=16)
    parser.add_argument("--sft-lr", type=float, default=2e-4)
    parser.add_argument("--dpo-lr", type=float, default=5e-5)
    parser.add_argument("--dpo-beta", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="benchmarks/results/generalization")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; print the table."""
    args = build_parser().parse_args(argv)
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    for method in methods:
        if method not in METHODS:
            raise SystemExit(f"unknown method {method!r}; methods: {', '.join(METHODS)}")
    args.train_families = [f.strip() for f in args.train_families.split(",") if f.strip()]
    args.heldout_families = [f.strip() for f in args.heldout_families.split(",") if f.strip()]
    started = time.perf_counter()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    sets = {
        "in_distribution": eval_episodes(args.train_families, args.eval_episodes, args.choices),
        "heldout": eval_episodes(args.heldout_families, args.eval_episodes, args.choices),
    }
    rows = [run_method(method, args, sets, out) for method in ["base", *methods]]
    wall = time.perf_counter() - started
    settings = {k: v for k, v in vars(args).items()}
    text = f"{table(rows)}\n\nHarmful choices per family:\n\n{family_table(rows)}"
    print(text)
    compute = sum(row["train_s"] + row["eval_s"] for row in rows)
    footer = (f"training + evaluation {compute / 60:.1f} min in all (this run's wall time {wall / 60:.1f} min; "
              f"earlier runs' adapters and records are reused); settings: {json.dumps(settings)}")
    print(f"\n{footer}")
    (out / "results.md").write_text(f"{text}\n\n{footer}\n")
    (out / "results.json").write_text(json.dumps({"settings": settings, "wall_s": wall, "compute_s": compute,
                                                  "rows": rows}, indent=2))
    plot(rows, out / "generalization.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
