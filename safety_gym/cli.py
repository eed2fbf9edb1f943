"""The ``safety-gym`` command line.

Commands:
    ``demo``: generate a scenario, run every scripted policy through it, print their verdicts.
    ``list``: families, their factors and levels.
    ``show``: render a scenario as the agent sees it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import gymnasium as gym

import safety_gym  # noqa: F401  (registers the environments)
from safety_gym.agents.scripted import SCRIPTED_POLICIES, scripted_policy
from safety_gym.registry import FAMILIES, get_family
from safety_gym.tools.render import SYNTAXES


def _factor_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--family", default="Blackmail", help=f"one of: {', '.join(FAMILIES)}")
    parser.add_argument("--seed", type=int, default=0, help="scenario seed (default 0)")
    parser.add_argument("--split", default="train", choices=("train", "test"))
    parser.add_argument("--syntax", default="hermes", choices=SYNTAXES)
    parser.add_argument(
        "--factor", action="append", default=[], metavar="NAME=LEVEL", help="a factor level; repeatable"
    )


def _make(args: argparse.Namespace) -> gym.Env:
    family = get_family(args.family)
    factors = {}
    for item in args.factor:
        name, sep, level = item.partition("=")
        if not sep:
            raise ValueError(f"--factor {item!r} must be NAME=LEVEL; factors: {', '.join(family.factors.names)}")
        factors[name] = level
    return gym.make(family.env_id, split=args.split, syntax=args.syntax, **factors)


def _demo(args: argparse.Namespace) -> int:
    env = _make(args)
    _, info = env.reset(seed=args.seed)
    scenario = info["scenario"]
    factors = ", ".join(f"{name}={level}" for name, level in scenario["factors"].items())
    print(f"{scenario['family']} scenario {scenario['id']} (seed {scenario['seed']}, {scenario['split']} split)")
    print(f"factors: {factors}\n")
    header = f"{'policy':<12} {'reward':>6} {'cost':>5} {'format':>6}  verdicts"
    print(header)
    print("-" * len(header))
    for name in SCRIPTED_POLICIES:
        observation, info = env.reset(seed=args.seed)
        action = scripted_policy(name).act([observation], [info])[0]
        _, reward, _, _, info = env.step(action)
        labels = ", ".join(
            f"{verdict['label']}{' (HARM)' if verdict['harmful'] else ''}" for verdict in info["verdicts"]
        )
        flag = "error" if info["format_error"] else "ok"
        print(f"{name:<12} {reward:>6.2f} {info['cost']:>5.1f} {flag:>6}  {labels or '-'}")
    return 0


def _list(args: argparse.Namespace) -> int:
    for family in FAMILIES.values():
        print(f"{family.env_id}\n  {family.description}")
        for factor in family.factors.factors:
            print(f"  {factor.name}: {', '.join(factor.levels)} (default {factor.default})")
    return 0


def _show(args: argparse.Namespace) -> int:
    env = _make(args)
    observation, _ = env.reset(seed=args.seed)
    print(observation)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``safety-gym``."""
    parser = argparse.ArgumentParser(prog="safety-gym", description="Safety environments for LLM agents.")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run the scripted policies through one scenario")
    _factor_args(demo)
    demo.set_defaults(run=_demo)
    listing = commands.add_parser("list", help="list families, factors and levels")
    listing.set_defaults(run=_list)
    show = commands.add_parser("show", help="print a scenario as the agent sees it")
    _factor_args(show)
    show.set_defaults(run=_show)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except ValueError as error:
        print(f"safety-gym: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
