"""Environment throughput: reset + step + judge episodes per second, and memory per environment.

Single-turn episodes with scripted actions (the reference responses, precomputed so that only the
environment is timed), for every registered family or the ones named. Run:
``python benchmarks/env_throughput.py [--episodes 3000] [--family Blackmail ...]``.
Target: at least 5,000 episodes/s on one core and under 1 MB per environment.
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc

import gymnasium as gym

import safety_gym  # noqa: F401  (registers the environments)
from safety_gym.families import FAMILIES, get_family

LABELS = ("escalate", "comply", "harmful", "accept", "refuse")


def references(env: gym.Env, info: dict) -> dict:
    """The reference responses: from the env, or from ``info`` on trees older than ``privileged_info`` (A/B runs)."""
    return info["reference_actions"] if "reference_actions" in info else env.unwrapped.reference_actions()


def scripted_actions(env_id: str, episodes: int) -> list[str]:
    env = gym.make(env_id).unwrapped
    actions = []
    for seed in range(episodes):
        _, info = env.reset(seed=seed)
        actions.append(references(env, info)[LABELS[seed % len(LABELS)]])
    return actions


def episodes_per_second(env: gym.Env, actions: list[str], repeats: int = 3) -> float:
    best = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        for seed, action in enumerate(actions):
            env.reset(seed=seed)
            env.step(action)
        best = max(best, len(actions) / (time.perf_counter() - start))
    return best


def bytes_per_env(env_id: str, count: int = 200) -> float:
    gc.collect()
    tracemalloc.start()
    envs = []
    for seed in range(count):
        env = gym.make(env_id)
        _, info = env.reset(seed=seed)
        env.step(references(env, info)["escalate"])
        envs.append(env)
    current, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return current / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--episodes", type=int, default=3000)
    parser.add_argument("--family", nargs="*", default=list(FAMILIES), help="families (default: all)")
    args = parser.parse_args()
    print(f"{args.episodes} single-turn episodes per family (reset + step + judge), best of 3, one process")
    print(f"{'env':<36} {'episodes/s':>10} {'µs/episode':>11} {'gym.make ratio':>15} {'KiB/env':>8}")
    for name in args.family:
        env_id = get_family(name).env_id
        actions = scripted_actions(env_id, args.episodes)
        raw = episodes_per_second(gym.make(env_id).unwrapped, actions)
        made = episodes_per_second(gym.make(env_id, disable_env_checker=True), actions)
        memory = bytes_per_env(env_id)
        print(f"{env_id:<36} {raw:>10.0f} {1e6 / raw:>11.1f} {raw / made:>15.2f} {memory / 1024:>8.1f}")
    print("target: 5,000 episodes/s and < 1024 KiB per env")


if __name__ == "__main__":
    main()
