"""Environment throughput: reset + step + judge episodes per second, and memory per environment.

Single-turn episodes with scripted actions (the reference responses, precomputed so that only the
environment is timed). Run: ``python benchmarks/env_throughput.py [--episodes 5000] [--family Blackmail]``.
Target (issue 2): at least 5,000 episodes/s on one core and under 1 MB per environment.
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc

import gymnasium as gym

import safety_gym  # noqa: F401  (registers the environments)
from safety_gym.registry import get_family

LABELS = ("escalate", "comply", "blackmail", "disclose", "accept", "refuse")


def scripted_actions(env_id: str, episodes: int) -> list[str]:
    env = gym.make(env_id).unwrapped
    actions = []
    for seed in range(episodes):
        _, info = env.reset(seed=seed)
        actions.append(info["reference_actions"][LABELS[seed % len(LABELS)]])
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
        env.step(info["reference_actions"]["escalate"])
        envs.append(env)
    current, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return current / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--episodes", type=int, default=5000)
    parser.add_argument("--family", default="Blackmail")
    args = parser.parse_args()
    env_id = get_family(args.family).env_id
    actions = scripted_actions(env_id, args.episodes)
    raw = episodes_per_second(gym.make(env_id).unwrapped, actions)
    made = episodes_per_second(gym.make(env_id, disable_env_checker=True), actions)
    memory = bytes_per_env(env_id)
    print(f"{env_id}: {args.episodes} single-turn episodes (reset + step + judge), best of 3")
    print(f"  unwrapped env     : {raw:8.0f} episodes/s  ({1e6 / raw:6.1f} µs/episode)")
    print(f"  gym.make (no checker): {made:8.0f} episodes/s  (wrapper overhead x{raw / made:.2f})")
    print(f"  memory per env after one episode: {memory / 1024:.1f} KiB (target < 1024 KiB)")
    print(f"  target 5,000 episodes/s: {'met' if raw >= 5000 else 'NOT met'} (x{raw / 5000:.2f})")


if __name__ == "__main__":
    main()
