"""Judge agreement: how often today's judges agree with the hand-labelled corpus in ``benchmarks/judge_corpus/``.

Every case is filled from several scenarios (seeds × train/test split × both tool-call syntaxes) and run
through the real environment; a fill agrees when the judge reports a harmful verdict with the case's label
(harmful cases) or no harmful verdict at all (benign cases). Monitor-decision cases check that the
Monitored envs' parser reads the monitor's text as its writer meant. The held-out part (a fixed hash of the
case id, about a quarter) is reported apart: never tune a judge on it. Run:

``python benchmarks/judge_agreement.py [--seeds 0 1 2] [--splits train test] [--syntaxes hermes xml]
[--family Blackmail ...] [--out benchmarks/results/judge_agreement] [--max-disagreements 400]``

Prints per-family agreement (tuning and held-out), a confusion table (expected harmful/benign × judged
harmful/benign/uncertain; today's verdicts are two-valued, so "uncertain" stays 0), the uncertain rate, and
every disagreeing case with the judge's evidence; writes ``summary.json`` and ``disagreements.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from judge_corpus.corpus import MONITOR, Run, Runner, iter_runs, load_corpus

ROOT = Path(__file__).resolve().parents[1]


def _rate(runs: list[Run]) -> dict[str, Any]:
    agree = sum(run.agrees for run in runs)
    cases: dict[str, bool] = {}
    for run in runs:
        cases[run.case.id] = cases.get(run.case.id, True) and run.agrees
    return {
        "fills": len(runs), "agree": agree, "rate": round(agree / len(runs), 4) if runs else None,
        "cases": len(cases), "cases_all_agree": sum(cases.values()),
        "case_rate": round(sum(cases.values()) / len(cases), 4) if cases else None,
    }


def summarise(runs: list[Run]) -> dict[str, Any]:
    """Agreement per family (all, tuning, held-out), per class, the confusion table and the uncertain rate."""
    by_family: dict[str, list[Run]] = defaultdict(list)
    by_class: dict[tuple[str, str], list[Run]] = defaultdict(list)
    for run in runs:
        by_family[run.case.family].append(run)
        by_class[run.case.family, run.case.kind].append(run)
    families = {}
    for family, family_runs in by_family.items():
        families[family] = {
            "all": _rate(family_runs),
            "tuning": _rate([run for run in family_runs if not run.case.held_out]),
            "held_out": _rate([run for run in family_runs if run.case.held_out]),
        }
    judged = [run for run in runs if run.case.family != MONITOR]
    confusion: Counter[str] = Counter()
    for run in judged:
        expected = "harmful" if run.case.harmful else "benign"
        confusion[f"{expected}->{'harmful' if run.judged_harmful else 'benign'}"] += 1
    wrong_label = sum(1 for run in judged if run.case.harmful and run.judged_harmful and not run.agrees)
    return {
        "families": families,
        "classes": {f"{family}/{kind}": _rate(class_runs) for (family, kind), class_runs in sorted(by_class.items())},
        "overall": {
            "all": _rate(runs),
            "tuning": _rate([run for run in runs if not run.case.held_out]),
            "held_out": _rate([run for run in runs if run.case.held_out]),
            "judged_families": _rate(judged),
        },
        "confusion": {**{key: confusion.get(key, 0) for key in (
            "harmful->harmful", "harmful->benign", "benign->harmful", "benign->benign")},
            "harmful->uncertain": 0, "benign->uncertain": 0, "harmful_with_other_label": wrong_label},
        "uncertain_rate": 0.0,
    }


def _fmt(rate: dict[str, Any]) -> str:
    if not rate["fills"]:
        return "      -      "
    return f"{100 * rate['rate']:5.1f}% ({rate['cases']:>3})"


def print_report(summary: dict[str, Any], disagreements: list[Run], limit: int) -> None:
    """The tables and the disagreements, as text."""
    print(f"{'family':<22}{'all':>15}{'tuning':>15}{'held-out':>15}   (fill agreement, cases)")
    for family, rates in summary["families"].items():
        print(f"{family:<22}{_fmt(rates['all']):>15}{_fmt(rates['tuning']):>15}{_fmt(rates['held_out']):>15}")
    overall = summary["overall"]
    print(f"{'OVERALL':<22}{_fmt(overall['all']):>15}{_fmt(overall['tuning']):>15}{_fmt(overall['held_out']):>15}")
    print(f"{'(judged families only)':<22}{_fmt(overall['judged_families']):>15}")
    confusion = summary["confusion"]
    print("\nconfusion (fills; rows expected, columns judged):")
    print(f"{'':<10}{'harmful':>10}{'benign':>10}{'uncertain':>11}")
    for expected in ("harmful", "benign"):
        print(f"{expected:<10}{confusion[f'{expected}->harmful']:>10}{confusion[f'{expected}->benign']:>10}"
              f"{confusion[f'{expected}->uncertain']:>11}")
    print(f"harmful fills judged harmful under another label: {confusion['harmful_with_other_label']}")
    print(f"uncertain rate: {summary['uncertain_rate']:.1%}")
    print("\nper class (all fills):")
    for name, rate in summary["classes"].items():
        print(f"  {name:<50}{_fmt(rate)}")
    seen: set[str] = set()
    print(f"\ndisagreements (one fill per case; {len({run.case.id for run in disagreements})} cases):")
    for run in disagreements:
        if run.case.id in seen or len(seen) >= limit:
            continue
        seen.add(run.case.id)
        tag = " [held-out]" if run.case.held_out else ""
        print(f"- {run.case.id}{tag} ({run.case.family}/{run.case.kind}, {run.case.language}): expected "
              f"{run.case.label}, judged {list(run.judged_labels) or 'no harm'}")
        print(f"    why: {run.case.note}")
        for item in run.evidence:
            print(f"    evidence: {json.dumps(item, ensure_ascii=False, default=str)[:400]}")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--splits", nargs="+", default=["train", "test"])
    parser.add_argument("--syntaxes", nargs="+", default=["hermes", "xml"])
    parser.add_argument("--family", nargs="*", default=None, help="only these families (default: all)")
    parser.add_argument("--held-out-only", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "judge_agreement")
    parser.add_argument("--max-disagreements", type=int, default=400, help="cases listed in the report")
    args = parser.parse_args(argv)

    cases = load_corpus()
    if args.family:
        cases = [case for case in cases if case.family in args.family]
    if args.held_out_only:
        cases = [case for case in cases if case.held_out]
    start = time.perf_counter()
    runs = list(iter_runs(cases, args.seeds, args.splits, args.syntaxes, Runner()))
    elapsed = time.perf_counter() - start
    problems = [run for run in runs if run.problems and run.case.kind != "errored_call"]
    summary = summarise(runs)
    summary["settings"] = {"seeds": args.seeds, "splits": args.splits, "syntaxes": args.syntaxes,
                           "cases": len(cases), "fills": len(runs), "seconds": round(elapsed, 1),
                           "held_out_cases": sum(case.held_out for case in cases),
                           "fills_with_tool_or_parse_errors": len(problems)}
    disagreements = [run for run in runs if not run.agrees]
    print(f"{len(cases)} cases, {len(runs)} fills in {elapsed:.1f}s\n")
    print_report(summary, disagreements, args.max_disagreements)
    if problems:
        print(f"\nWARNING: {len(problems)} fills had tool or parse errors (cases not meant to error):")
        for run in problems[:20]:
            print(f"  {run.case.id} {run.split}/{run.syntax}/seed {run.seed}: {run.problems[:2]}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    with (args.out / "disagreements.jsonl").open("w", encoding="utf-8") as handle:
        seen: set[str] = set()
        for run in disagreements:
            if run.case.id in seen:
                continue
            seen.add(run.case.id)
            fills = [r for r in disagreements if r.case.id == run.case.id]
            handle.write(json.dumps({
                "id": run.case.id, "family": run.case.family, "class": run.case.kind, "language": run.case.language,
                "held_out": run.case.held_out, "expected": run.case.label, "judged": list(run.judged_labels),
                "disagreeing_fills": len(fills), "note": run.case.note, "evidence": list(run.evidence),
                "example": {"seed": run.seed, "split": run.split, "syntax": run.syntax},
            }, ensure_ascii=False, default=str) + "\n")
    print(f"\nwrote {args.out / 'summary.json'} and {args.out / 'disagreements.jsonl'}")
    return summary


if __name__ == "__main__":
    main()
