"""The ``safety-gym`` command line.

Commands:
    ``demo``: generate a scenario, run every scripted policy through it, print their verdicts.
    ``list``: families with their factors and levels, wrappers, counterfactuals and policy specs.
    ``show``: render a scenario as the agent sees it.
    ``play``: be the agent: type responses in the terminal and see what the world and the judge make of them.
    ``eval``: run a policy over families, factor cells and seeds; resumable; prints the summary table.
    ``report``: summary table and an HTML report with figures from a results file.
    ``monitor``: catch and false-positive rates of a scripted monitor over every family.
    ``train``: generate training data and train (``data``, ``sft``, ``dpo``, ``grpo``, ``ppo``, ``text-ppo``;
    checkpoints and resume); the same command line as ``python -m safety_gym.training``. Needs the ``train``
    extra (``pip install 'safety-gym[train]'``).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import math
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

import gymnasium as gym

from safety_gym import __version__  # importing the package registers the environments
from safety_gym.agents.scripted import SCRIPTED_POLICIES, scripted_policy
from safety_gym.families import FAMILIES, get_family
from safety_gym.tools.render import SYNTAXES
from safety_gym.tools.schemas import parse_integer

DEFAULT_OUT = "results/eval"
"""Default output folder of ``eval``."""

BROKEN_PIPE_STATUS = 141
"""Exit status when the reader of the output goes away (``safety-gym list | head``): 128 + SIGPIPE, as shells
report a program that a closed pipe stopped."""


# ------------------------------------------------------------------------------------------- argument types


def _integer_at_least(text: str, low: int) -> int:
    """``text`` as an integer >= ``low`` (ASCII digits, bounded: :func:`parse_integer`).

    Raises:
        argparse.ArgumentTypeError: Naming the bad value and the allowed ones.

    """
    try:
        value = parse_integer(text)
    except ValueError:
        value = None
    if value is None or value < low:
        raise argparse.ArgumentTypeError(f"{text!r} is not allowed; allowed: an integer >= {low}")
    return value


def non_negative_int(text: str) -> int:
    """Argument type: an integer >= 0 (seeds).

    Example:
        >>> non_negative_int("0")
        0

    """
    return _integer_at_least(text, 0)


def positive_int(text: str) -> int:
    """Argument type: an integer >= 1 (counts, sizes, limits)."""
    return _integer_at_least(text, 1)


def non_negative_float(text: str) -> float:
    """Argument type: a finite number >= 0.

    Raises:
        argparse.ArgumentTypeError: Naming the bad value and the allowed ones.

    """
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not allowed; allowed: a finite number >= 0")
    return value


def positive_float(text: str) -> float:
    """Argument type: a finite number > 0 (seconds).

    Example:
        >>> positive_float("2.5")
        2.5

    Raises:
        argparse.ArgumentTypeError: Naming the bad value and the allowed ones.

    """
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not allowed; allowed: a finite number > 0")
    return value


def output_folder(text: str) -> str:
    """Argument type: a folder to write into, existing or new (not a file, nor a path through one).

    Raises:
        argparse.ArgumentTypeError: Naming the path, the file in the way, and what is allowed.

    """
    path = Path(text)
    try:
        existing = next((folder for folder in (path, *path.parents) if folder.exists()), None)
    except (OSError, ValueError) as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not allowed ({error}); allowed: a folder path") from None
    if existing is not None and not existing.is_dir():
        where = "is a file" if existing == path else f"is inside {str(existing)!r}, which is a file"
        raise argparse.ArgumentTypeError(f"{text!r} {where}; allowed: a folder, existing or new")
    return text


def _factor_args(parser: argparse.ArgumentParser, positional_env: bool = False) -> None:
    if positional_env:
        parser.add_argument("env", nargs="?", default=None,
                            help="family or env id (e.g. Blackmail or safety_gym/Blackmail-v0); default Blackmail")
    parser.add_argument("--family", default="Blackmail", help=f"one of: {', '.join(FAMILIES)}")
    parser.add_argument("--seed", type=non_negative_int, default=0, help="scenario seed (default 0)")
    parser.add_argument("--split", default="train", choices=("train", "test"))
    parser.add_argument("--syntax", default="hermes", choices=SYNTAXES)
    parser.add_argument(
        "--factor", action="append", default=[], metavar="NAME=LEVEL", help="a factor level; repeatable"
    )


def _family_name(args: argparse.Namespace) -> str:
    if getattr(args, "env", None):
        from safety_gym.evaluation.spec import family_of

        return family_of(args.env).name
    return get_family(args.family).name


def _make(args: argparse.Namespace, **extra: Any) -> gym.Env:
    family = get_family(_family_name(args))
    factors = {}
    for item in args.factor:
        name, sep, level = item.partition("=")
        if not sep:
            raise ValueError(f"--factor {item!r} must be NAME=LEVEL; factors: {', '.join(family.factors.names)}")
        if name not in family.factors.names:  # not an env argument (split, mode, family, ...) in disguise
            raise ValueError(f"unknown factor {name!r}; factors: {', '.join(family.factors.names)}")
        factors[name] = level
    return gym.make(family.env_id, split=args.split, syntax=args.syntax, **factors, **extra)


def _demo(args: argparse.Namespace) -> int:
    env = _make(args, privileged_info=True)  # the scripted policies answer with the reference responses
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


def _first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""


def _list(args: argparse.Namespace) -> int:
    from safety_gym.evaluation.policies import SPEC_FORMS
    from safety_gym.evaluation.spec import available_wrappers

    for family in FAMILIES.values():
        print(f"{family.env_id}\n  {family.description}")
        for factor in family.factors.factors:
            print(f"  {factor.name}: {', '.join(factor.levels)} (default {factor.default})")
        if family.counterfactuals:
            print(f"  counterfactuals: {', '.join(family.counterfactuals)}")
    print("\nwrappers (eval --wrapper NAME[:key=value,...]):")
    for name, wrapper in sorted(available_wrappers().items()):
        print(f"  {name}: {_first_line(wrapper.__doc__)}")
    print("\npolicies (eval --policy SPEC):")
    print(f"  {', '.join(SPEC_FORMS)}")
    print(f"  scripted: {', '.join(SCRIPTED_POLICIES)}")
    return 0


def _show(args: argparse.Namespace) -> int:
    env = _make(args)
    observation, _ = env.reset(seed=args.seed)
    print(observation)
    return 0


# ------------------------------------------------------------------------------------------------------ play


def _read_response(stream: TextIO, out: TextIO) -> str | None:
    """Lines up to one holding only ``.``; ``None`` at end of input with nothing typed."""
    lines: list[str] = []
    while True:
        line = stream.readline()
        if not line:
            return "\n".join(lines) if lines else None
        if line.rstrip("\r\n") == ".":
            return "\n".join(lines)
        lines.append(line.rstrip("\r\n"))


def _print_step(info: dict[str, Any], reward: float, out: TextIO) -> None:
    verdicts = ", ".join(f"{v['label']}{' (HARM)' if v['harmful'] else ''}" for v in info["verdicts"]) or "-"
    format_note = " · format error" if info.get("format_error") else ""
    print(f"\n[reward {reward:.2f} · cost {info['cost']:.1f}{format_note} · verdicts: {verdicts}]", file=out)


def _play(args: argparse.Namespace, stream: TextIO | None = None, out: TextIO | None = None) -> int:
    stream, out = stream or sys.stdin, out or sys.stdout
    env = _make(args, mode=args.turns, max_steps=args.max_steps)
    if args.choice:
        from safety_gym.wrappers.choice import ChoiceWrapper

        env = ChoiceWrapper(env)
    observation, info = env.reset(seed=args.seed)
    print(observation, file=out)
    total_reward = total_cost = 0.0
    while True:
        if args.choice:
            print(f"\nYour choice (0 to {env.k - 1}), then Enter:", file=out)
            line = stream.readline()
            if not line:
                print("\n(no input: episode abandoned)", file=out)
                return 0
            try:
                action: Any = int(line.strip())
            except ValueError:
                print(f"'{line.strip()}' is not a number; allowed: 0 to {env.k - 1}", file=out)
                continue
            if not 0 <= action < env.k:
                print(f"{action} is out of range; allowed: 0 to {env.k - 1}", file=out)
                continue
        else:
            print("\nType the agent's response (tool calls in the syntax above); end with a line holding only '.'",
                  file=out)
            action = _read_response(stream, out)
            if action is None:
                print("\n(no input: episode abandoned)", file=out)
                return 0
        observation, reward, terminated, truncated, info = env.step(action)
        total_reward += float(reward)
        total_cost += float(info["cost"])
        if args.choice:
            print(f"\n(you chose response {info['choice']['index']}: {info['choice']['label']})", file=out)
        print(f"\n{observation.split('[choices]')[0].rstrip() if args.choice else observation}", file=out)
        _print_step(info, float(reward), out)
        if terminated or truncated:
            print(f"\nEpisode over: reward {total_reward:.2f}, cost {total_cost:.1f}", file=out)
            return 0


# ------------------------------------------------------------------------------------------------------ eval


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


_WRAPPER_ARGUMENT = re.compile(r",(?=\s*[A-Za-z_][A-Za-z0-9_]*\s*=)")
"""A comma that starts the next ``key=value`` (a value such as ``[1, 3]`` keeps its commas)."""


def _wrapper_spec(item: str) -> tuple[str, dict[str, Any]]:
    """``NAME`` or ``NAME:key=value,key=value`` (values read as JSON when they parse).

    Raises:
        ValueError: Naming the unknown wrapper, the malformed or unknown argument, and the allowed ones.

    """
    from safety_gym.evaluation.spec import check_wrapper, wrapper_class

    name, _, rest = item.partition(":")
    cls = wrapper_class(name.strip())
    if cls.__name__ == "ChoiceWrapper":
        raise ValueError("choice mode is --mode choice (with --choices K), not a --wrapper")
    kwargs: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in _WRAPPER_ARGUMENT.split(rest))):
        key, sep, value = part.partition("=")
        if not sep:
            raise ValueError(f"wrapper argument {part!r} in {item!r} must be key=value")
        kwargs[key.strip()] = _value(value.strip())
    check_wrapper(cls.__name__, kwargs)
    return cls.__name__, kwargs


def _envs(items: Sequence[str]) -> list[str]:
    from safety_gym.evaluation.spec import family_of

    names = [name.strip() for item in items for name in item.split(",") if name.strip()]
    if not names or "all" in names:
        return [family.env_id for family in FAMILIES.values()]
    return list(dict.fromkeys(family_of(name).env_id for name in names))


def _counterfactuals(value: str | None) -> bool | list[str]:
    if value is None:
        return False
    if value == "all":
        return True
    return [name.strip() for name in value.split(",") if name.strip()]


def _check_stacks(cells: Sequence[Any]) -> None:
    """Build the env of each family's first cell, so that a bad wrapper value stops the run before it starts.

    Raises:
        ValueError: From the env or a wrapper, naming the bad value.

    """
    for cell in {cell.family: cell for cell in reversed(cells)}.values():
        cell.make().close()


def _eval(args: argparse.Namespace) -> int:
    from safety_gym.evaluation.backends import make_backend
    from safety_gym.evaluation.policies import PolicySpec
    from safety_gym.evaluation.report import summary_table
    from safety_gym.evaluation.runner import run_episodes
    from safety_gym.evaluation.spec import episodes_for, grid, parse_levels
    from safety_gym.evaluation.store import read_records

    wrappers = [_wrapper_spec(item) for item in args.wrapper]
    if args.mode == "choice":
        wrappers.append(("ChoiceWrapper", {"k": args.choices} if args.choices is not None else {}))
    env_kwargs: dict[str, Any] = {"split": args.split, "syntax": args.syntax}
    if args.turns != "single":
        env_kwargs.update(mode=args.turns, max_steps=args.max_steps)
    cells = grid(_envs(args.env), parse_levels(args.factor), env_kwargs=env_kwargs, wrappers=wrappers)
    _check_stacks(cells)
    episodes = episodes_for(cells, args.episodes, seed_start=args.seed_start,
                            counterfactuals=_counterfactuals(args.counterfactuals))
    options = {"batch_size": args.batch_size, "max_new_tokens": args.max_new_tokens, "temperature": args.temperature,
               "seed": args.policy_seed, "dtype": args.dtype, "device": args.device,
               **{name: getattr(args, name) for name in HTTP_OPTIONS}}
    spec = PolicySpec.parse(args.policy, args.mode, **options)
    out = Path(args.out)
    results = out / "results.jsonl"
    backend_options = {"workers": args.workers, "address": args.ray_address} if args.backend == "ray" else {}
    backend = make_backend(args.backend, **backend_options)
    print(f"safety-gym eval: {len(episodes)} episodes ({len(cells)} cells × {args.episodes} seeds"
          f"{' with counterfactuals' if args.counterfactuals else ''}), policy {spec}, {args.mode} mode → {results}",
          file=sys.stderr)
    try:
        stats = run_episodes(spec, episodes, results, batch_size=args.batch_size, backend=backend,
                             progress=not args.no_progress)
    finally:
        if hasattr(backend, "shutdown"):
            backend.shutdown()
    print(f"safety-gym eval: ran {stats.written}, resumed past {stats.skipped}; {stats.wall_s:.1f} s, "
          f"{100 * stats.outside_model_share:.1f}% outside the model", file=sys.stderr)
    records = read_records(results)
    from safety_gym.evaluation.metrics import summarize

    summary = summarize(records)
    (out / "summary.json").write_text(json.dumps(summary.to_dict(), indent=1), encoding="utf-8")
    print(summary_table(summary))
    if args.report:
        from safety_gym.evaluation.report import write_report

        path = write_report(records, out)
        print(f"\nreport: {path}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from safety_gym.evaluation.metrics import summarize
    from safety_gym.evaluation.report import load_results, summary_table, write_report

    records = load_results(args.results)
    if not records:
        raise ValueError(f"{args.results} holds no episode records yet")
    print(summary_table(summarize(records)))
    source = Path(args.results)
    out = Path(args.out) if args.out else (source if source.is_dir() else source.parent)
    path = write_report(records, out, title=args.title)
    print(f"\nreport: {path}")
    return 0


def _monitor(args: argparse.Namespace) -> int:
    from safety_gym.evaluation.monitoring import evaluate_monitor  # imports PettingZoo: only when asked

    families = [name for item in args.env for name in item.split(",") if name] or None
    result = evaluate_monitor(
        args.monitor, families=families, seeds=range(args.seed_start, args.seed_start + args.episodes),
        split=args.split,
    )
    print(result.format())
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "monitor.json").write_text(json.dumps(result.to_dict(), indent=1, sort_keys=True) + "\n")
        print(f"written: {out / 'monitor.json'}")
    return 0


HTTP_OPTIONS = ("timeout", "retries", "concurrency", "tools", "max_response_bytes")
"""Options of ``eval`` for ``openai:URL#MODEL`` policies (``--timeout``, ``--retries``, ...)."""


def _check_eval(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Arguments of ``eval`` that are wrong together (exits through ``parser.error``)."""
    if args.choices is not None and args.mode != "choice":
        parser.error(f"argument --choices: {args.choices} applies only with --mode choice, not --mode {args.mode}")
    given = [name for name in HTTP_OPTIONS if getattr(args, name) is not None]
    if given and not args.policy.startswith("openai:"):
        flag = "--" + given[0].replace("_", "-")
        parser.error(f"argument {flag}: applies only to openai:URL#MODEL policies, not --policy {args.policy}")


TRAIN_PROG = "safety-gym train"
"""Program name in the usage lines of ``safety-gym train``."""


def _train(argv: Sequence[str]) -> int:
    """Delegate ``safety-gym train ...`` to :func:`safety_gym.training.__main__.main` (help works without torch).

    Raises:
        ImportError: Naming the missing modules of the ``train`` extra and the command that installs them.

    """
    from safety_gym.training.__main__ import INSTALL_HINT, missing_train_modules
    from safety_gym.training.__main__ import main as train_main

    asks_help = not argv or any(arg in ("-h", "--help") for arg in argv)
    missing = missing_train_modules()
    if missing and not asks_help:
        raise ImportError(f"training needs {', '.join(missing)} (not installed); install them with {INSTALL_HINT}")
    return train_main(list(argv), prog=TRAIN_PROG)


def _train_args(args: argparse.Namespace) -> int:
    return _train(args.args)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``safety-gym``."""
    from safety_gym.agents.openai_policy import DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, TOOL_MODES
    from safety_gym.evaluation.backends import BACKENDS
    from safety_gym.evaluation.policies import MODES, SPEC_FORMS

    parser = argparse.ArgumentParser(prog="safety-gym", description="Safety environments for LLM agents.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run the scripted policies through one scenario")
    _factor_args(demo)
    demo.set_defaults(run=_demo)
    listing = commands.add_parser("list", help="list families, factors, counterfactuals, wrappers and policies")
    listing.set_defaults(run=_list)
    show = commands.add_parser("show", help="print a scenario as the agent sees it")
    _factor_args(show, positional_env=True)
    show.set_defaults(run=_show)

    play = commands.add_parser("play", help="be the agent: type its responses in the terminal")
    _factor_args(play, positional_env=True)
    play.add_argument("--turns", default="single", choices=("single", "multi"), help="single- or multi-turn episode")
    play.add_argument("--max-steps", type=positive_int, default=8, help="step limit in multi-turn mode")
    play.add_argument("--choice", action="store_true", help="choose among candidate responses by number")
    play.set_defaults(run=_play)

    ev = commands.add_parser("eval", help="evaluate a policy over families, factor cells and seeds (resumable)")
    ev.add_argument("--policy", required=True, metavar="SPEC", help=f"one of: {', '.join(SPEC_FORMS)}")
    ev.add_argument("--env", action="append", default=[], metavar="ENV",
                    help="family or env id; repeatable or comma-separated; default: every family")
    ev.add_argument("--factor", action="append", default=[], metavar="NAME=LEVEL[,LEVEL]",
                    help="factor levels to cross (NAME=* for all); repeatable; others keep their defaults")
    ev.add_argument("--wrapper", action="append", default=[], metavar="NAME[:k=v,...]",
                    help="a wrapper to stack (innermost first); see 'safety-gym list'")
    ev.add_argument("--episodes", type=positive_int, default=10, help="seeds per cell (default 10)")
    ev.add_argument("--seed-start", type=non_negative_int, default=0, help="first seed (default 0)")
    ev.add_argument("--mode", default="generation", choices=MODES,
                    help="generation: the policy writes responses; choice: it picks a candidate response")
    ev.add_argument("--choices", type=positive_int, default=None, metavar="K",
                    help="candidates in choice mode (default all)")
    ev.add_argument("--counterfactuals", nargs="?", const="all", default=None, metavar="all|NAME,...",
                    help="also run each seed's counterfactuals (paired effects in the report)")
    ev.add_argument("--split", default="test", choices=("train", "test"), help="entity split (default test)")
    ev.add_argument("--syntax", default="hermes", choices=SYNTAXES)
    ev.add_argument("--turns", default="single", choices=("single", "multi"))
    ev.add_argument("--max-steps", type=positive_int, default=8, help="step limit in multi-turn mode")
    ev.add_argument("--out", type=output_folder, default=DEFAULT_OUT,
                    help=f"output folder (default {DEFAULT_OUT}); rerun to resume")
    ev.add_argument("--batch-size", type=positive_int, default=8, help="episodes in flight per model call (default 8)")
    ev.add_argument("--max-new-tokens", type=positive_int, default=None,
                    help="longest generated response (model policies)")
    ev.add_argument("--temperature", type=non_negative_float, default=None,
                    help="sampling temperature (0: greedy/argmax)")
    ev.add_argument("--policy-seed", type=non_negative_int, default=None, help="seed of the policy's sampling")
    ev.add_argument("--dtype", default=None, choices=("auto", "bfloat16", "float32", "float16"))
    ev.add_argument("--device", default=None, help="torch device (default cpu)")
    http = ev.add_argument_group("openai:URL#MODEL policies")
    http.add_argument("--timeout", type=positive_float, default=None, metavar="SECONDS",
                      help=f"deadline of one request, connect to last byte (default {DEFAULT_TIMEOUT:g})")
    http.add_argument("--retries", type=non_negative_int, default=None,
                      help="retries of a request after 429, 5xx or a dropped connection (default 4)")
    http.add_argument("--concurrency", type=positive_int, default=None,
                      help="requests in flight at once (default 8; 1 for a server that runs one at a time)")
    http.add_argument("--tools", default=None, choices=TOOL_MODES,
                      help="native: tool schemas and tool messages; text: the env's tool-call syntax; "
                           "auto (default): native until the server rejects tools")
    http.add_argument("--max-response-bytes", type=positive_int, default=None, metavar="BYTES",
                      help=f"largest answer accepted (default {DEFAULT_MAX_RESPONSE_BYTES})")
    ev.add_argument("--backend", default="inprocess", choices=BACKENDS)
    ev.add_argument("--workers", type=positive_int, default=2, help="Ray actors (--backend ray)")
    ev.add_argument("--ray-address", default=None, help="Ray cluster address (default: a local instance)")
    ev.add_argument("--report", action="store_true", help="also write the HTML report into the output folder")
    ev.add_argument("--no-progress", action="store_true", help="no progress bar")
    ev.set_defaults(run=_eval, check=functools.partial(_check_eval, ev))

    monitor = commands.add_parser(
        "monitor", help="catch and false-positive rates of a scripted monitor over every family (PettingZoo)"
    )
    monitor.add_argument("--monitor", default="keyword", help="keyword, oracle, allow_all or block_all")
    monitor.add_argument("--env", action="append", default=[], metavar="FAMILY[,FAMILY]",
                         help="families (default: all)")
    monitor.add_argument("--episodes", type=positive_int, default=20, help="seeds per family (default 20)")
    monitor.add_argument("--seed-start", type=non_negative_int, default=0, help="first seed (default 0)")
    monitor.add_argument("--split", default="test", choices=("train", "test"))
    monitor.add_argument("--out", type=output_folder, default=None, help="folder for monitor.json")
    monitor.set_defaults(run=_monitor)

    report = commands.add_parser("report", help="summary table and HTML report of a results file")
    report.add_argument("results", help="results.jsonl, or the folder holding it")
    report.add_argument("--out", type=output_folder, default=None,
                        help="folder for report.html and figures (default: beside results)")
    report.add_argument("--title", default="safety-gym evaluation", help="report title")
    report.set_defaults(run=_report)

    # Listed here for `safety-gym --help`; `main` hands everything after `train` to the training command line.
    train = commands.add_parser("train", add_help=False,
                                help="train on safety-gym: data, sft, dpo, grpo, ppo, text-ppo (see train --help)")
    train.add_argument("args", nargs=argparse.REMAINDER)
    train.set_defaults(run=_train_args)
    return parser


def _parse(argv: list[str]) -> tuple[Callable[[argparse.Namespace], int], argparse.Namespace]:
    """The command to run and its arguments (argparse exits with status 2 on a bad argument)."""
    if argv[:1] == ["train"]:  # its own parser (argparse would take `train --help` as the top-level help)
        return _train_args, argparse.Namespace(args=argv[1:])
    args = build_parser().parse_args(argv)
    if getattr(args, "check", None) is not None:
        args.check(args)
    return args.run, args


def _discard_stdout() -> None:
    """Point the standard output at the null device, so that nothing more is written to a closed pipe."""
    with contextlib.suppress(OSError, ValueError):  # no file descriptor (captured output): no pipe to spare
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    A bad argument ends with one line naming it and the allowed values, and exit status 2. When the reader
    of the output goes away (``safety-gym list | head -1``) the command stops quietly with
    :data:`BROKEN_PIPE_STATUS`.
    """
    try:
        try:
            return _main(list(sys.argv[1:] if argv is None else argv))
        finally:
            sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
    except BrokenPipeError:
        _discard_stdout()
        return BROKEN_PIPE_STATUS


def _main(argv: list[str]) -> int:
    run, args = _parse(argv)
    try:
        return run(args)
    except (ValueError, FileNotFoundError, ImportError) as error:
        print(f"safety-gym: error: {error}", file=sys.stderr)
        return 2
    except RuntimeError as error:
        print(f"safety-gym: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("safety-gym: interrupted; rerun the same command to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
