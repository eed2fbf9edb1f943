"""Wrapper overhead: time per single-turn episode of each randomizer wrapper, as a ratio to the bare env.

Every configuration runs the same seeds and the same scripted action: the episode's own ``escalate``
reference response, taken from ``info`` inside the loop (reading it renders it, in every configuration alike).
All configurations are measured in one run, interleaved over several rounds; each keeps its best round. Time
is the process's CPU time, so other load on the machine disturbs the ratios less. Run:
``python benchmarks/wrapper_overhead.py [--episodes 1000] [--rounds 5] [--family Blackmail]``.
Target (issue 4): ``Diversify(level=3)`` at most 1.5x the bare env.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import gymnasium as gym

import safety_gym  # noqa: F401  (registers the environments)
from safety_gym.families import get_family
from safety_gym.wrappers import (
    CostToReward,
    DistractorEmails,
    Diversify,
    EntityShuffle,
    InboxOrder,
    Paraphrase,
    SystemPromptNoise,
    ToolCallSyntax,
    UnusedTools,
)

Stack = Callable[[gym.Env], gym.Env]

CONFIGURATIONS: dict[str, Stack] = {
    "bare env": lambda env: env,
    "UnusedTools(k=3)": lambda env: UnusedTools(env, k=3),
    "SystemPromptNoise(level=3)": lambda env: SystemPromptNoise(env, level=3),
    "DistractorEmails(n=3)": lambda env: DistractorEmails(env, n=3),
    "EntityShuffle": EntityShuffle,
    "InboxOrder": InboxOrder,
    "ToolCallSyntax": ToolCallSyntax,
    "Paraphrase": Paraphrase,
    "CostToReward": CostToReward,
    "Diversify(level=1)": lambda env: Diversify(env, level=1),
    "Diversify(level=3)": lambda env: Diversify(env, level=3),
    "Diversify(level=3, resample=True)": lambda env: Diversify(env, level=3, resample=True),
    "all seven wrappers stacked": lambda env: Paraphrase(
        ToolCallSyntax(InboxOrder(EntityShuffle(DistractorEmails(SystemPromptNoise(UnusedTools(env), level=3), n=3))))
    ),
}


def seconds_per_episode(env: gym.Env, seeds: range, label: str) -> float:
    start = time.process_time()
    for seed in seeds:
        env.reset(seed=seed)
        env.step(env.unwrapped.reference_actions()[label])
    return (time.process_time() - start) / len(seeds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--family", default="Blackmail")
    args = parser.parse_args()
    env_id = get_family(args.family).env_id
    envs = {name: stack(gym.make(env_id, disable_env_checker=True)) for name, stack in CONFIGURATIONS.items()}
    seeds = range(args.episodes)
    best = dict.fromkeys(envs, float("inf"))
    for env in envs.values():  # warm-up: caches, first-use imports
        seconds_per_episode(env, range(50), "escalate")
    for _ in range(args.rounds):
        for name, env in envs.items():
            best[name] = min(best[name], seconds_per_episode(env, seeds, "escalate"))
    bare = best["bare env"]
    print(f"{env_id}: {args.episodes} single-turn episodes (reset + step + judge), best of {args.rounds} rounds")
    print(f"{'configuration':36} {'µs/episode':>11} {'ratio':>7}")
    for name, seconds in best.items():
        print(f"{name:36} {seconds * 1e6:11.1f} {seconds / bare:6.2f}x")
    ratio = best["Diversify(level=3)"] / bare
    print(f"target Diversify(level=3) <= 1.5x the bare env: {'met' if ratio <= 1.5 else 'NOT met'} ({ratio:.2f}x)")


if __name__ == "__main__":
    main()
