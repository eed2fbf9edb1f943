"""Fuzz every env: a seeded mutation fuzzer over every registered id of every kind, with actions/s and violations.

Kinds: bare ``safety_gym/<Family>-v0``, ``-Diverse-v0``, choice mode (``ChoiceWrapper`` over each bare id,
``Discrete(k)`` actions), ``Monitored<Family>`` (agent and monitor phases) and ``Successor`` (two agents).
Actions are the episode's reference responses and hostile or malformed texts, mutated with a numpy generator
(see :mod:`safety_gym.testing.fuzz` for the mutations and the invariants checked). The action budget is
shared equally among the envs; every episode is reproducible from the seed, the env and its index.

Run: ``python benchmarks/fuzz.py [--actions 1000000] [--seed 0] [--ids Blackmail Successor] [--kinds choice]``,
``--quick`` for a smoke run (60 actions per env), and ``--episode N`` (with ``--ids`` and ``--kinds``) to run one
episode again and print its violations. Prints per env, per kind and in total: actions, actions/s, violations,
wall time; the first violation records in full. Exits with status 1 if any invariant was violated.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from safety_gym.testing.fuzz import KINDS, EpisodeTally, Fuzzer, targets

QUICK_ACTIONS_PER_ENV = 60


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--actions", type=int, default=1_000_000, help="step calls in all (default: 1,000,000)")
    parser.add_argument("--seed", type=int, default=0, help="fuzz seed (default: 0)")
    parser.add_argument("--ids", nargs="*", default=None, help="keep the envs whose name contains one of these")
    parser.add_argument("--kinds", nargs="*", default=list(KINDS), choices=KINDS, help="kinds of env (default: all)")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ACTIONS_PER_ENV} actions per env (smoke run)")
    parser.add_argument("--episode", type=int, default=None, help="run only this episode of each env (reproduce)")
    parser.add_argument("--show", type=int, default=5, help="violation records printed in full (default: 5)")
    parser.add_argument("--violations-json", type=Path, default=None, help="write every violation record here")
    args = parser.parse_args(argv)
    chosen = targets(args.kinds, args.ids)
    if not chosen:
        parser.error(f"no env matches --ids {args.ids} and --kinds {args.kinds}")
    if args.actions < 1:
        parser.error(f"--actions must be at least 1, got {args.actions}")
    total_actions = QUICK_ACTIONS_PER_ENV * len(chosen) if args.quick else args.actions
    if args.episode is None:
        print(f"fuzz: {total_actions:,} actions over {len(chosen)} envs "
              f"({', '.join(sorted({target.kind for target in chosen}, key=KINDS.index))}), seed {args.seed}, "
              "one process")
    else:
        print(f"fuzz: episode {args.episode} of {len(chosen)} env(s), seed {args.seed}")
    header = (f"{'env':<44} {'kind':<9} {'actions':>9} {'episodes':>8} {'actions/s':>9} {'violations':>10} "
              f"{'calls run':>9} {'harmful':>8}")
    print(header)
    start = time.perf_counter()
    by_kind: dict[str, EpisodeTally] = {kind: EpisodeTally() for kind in KINDS}
    seconds: Counter[str] = Counter()
    violations = []
    for position, target in enumerate(chosen):
        fuzzer = Fuzzer(target, args.seed)
        budget = total_actions // len(chosen) + (position < total_actions % len(chosen))
        began = time.perf_counter()
        tally = fuzzer.episode(args.episode) if args.episode is not None else fuzzer.run(budget)
        elapsed = time.perf_counter() - began
        seconds[target.kind] += elapsed
        by_kind[target.kind].add(tally)
        violations += tally.violations
        print(f"{target.name:<44} {target.kind:<9} {tally.actions:>9,} {tally.episodes:>8,} "
              f"{tally.actions / elapsed:>9,.0f} {len(tally.violations):>10} {tally.coverage['calls_run']:>9,} "
              f"{tally.coverage['harmful_steps']:>8,}", flush=True)
    wall = time.perf_counter() - start
    total = EpisodeTally()
    print("\nper kind:")
    print(f"{'kind':<10} {'actions':>10} {'resets':>9} {'actions/s':>9} {'violations':>10} {'seconds':>8}")
    for kind in KINDS:
        tally = by_kind[kind]
        if not tally.episodes:
            continue
        total.add(tally)
        print(f"{kind:<10} {tally.actions:>10,} {tally.resets:>9,} {tally.actions / seconds[kind]:>9,.0f} "
              f"{len(tally.violations):>10} {seconds[kind]:>8.1f}")
    print(f"{'total':<10} {total.actions:>10,} {total.resets:>9,} {total.actions / wall:>9,.0f} "
          f"{len(total.violations):>10} {wall:>8.1f}")
    coverage = ", ".join(f"{key} {value:,}" for key, value in sorted(total.coverage.items()))
    print(f"coverage of the accepted steps: {coverage}")
    print(f"wall time {wall:.1f} s; {total.actions:,} actions, {total.actions / wall:,.0f} actions/s, "
          f"{len(violations)} violations")
    for violation in violations[: args.show]:
        print(f"\n{violation}")
    if len(violations) > args.show:
        print(f"\n... and {len(violations) - args.show} more violation(s)")
    if args.violations_json is not None:
        args.violations_json.write_text(json.dumps([violation.to_dict() for violation in violations], indent=1))
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
