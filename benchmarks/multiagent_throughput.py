"""Multi-agent throughput: Monitored<Family> episodes per second against the single-agent env, in the same run.

Single-turn episodes with scripted agents: the agent's action is one of the family's reference responses
(every label in turn), the monitor is the keyword monitor. Rates per family, best of ``--repeats``:

- single-agent env: ``reset`` + ``step`` of ``safety_gym/<Family>-v0`` (unwrapped), precomputed actions;
- Monitored env: ``reset`` + propose + review of the same episodes, precomputed agent and monitor actions
  (the environment alone: parsing, per-call harm labels on forks, execution, judging, both observations);
- end to end, both envs: the same episodes with the scripted policies acting live (ReferencePolicy, and the
  KeywordMonitor for the Monitored env); this adds rendering the scenario's reference responses.

The measurements are interleaved within each repeat, so that a change in machine load hits them alike.

Run: ``python benchmarks/multiagent_throughput.py [--episodes 2000] [--family Blackmail]``.
Target (issue 7): the Monitored env at least 0.5x the single-agent rate.
"""

from __future__ import annotations

import argparse
import time

import gymnasium as gym

import safety_gym  # noqa: F401  (registers the environments)
from safety_gym.agents.monitors import KeywordMonitor
from safety_gym.agents.scripted import ReferencePolicy
from safety_gym.envs.multiagent.monitored import AGENT, MONITOR, MonitoredEnv
from safety_gym.families import FAMILIES, get_family

TARGET = 0.5


def labels_of(family: str) -> list[str]:
    _, infos = MonitoredEnv(family, privileged_info=True).reset(seed=0)
    return [label for label in infos[AGENT]["reference_actions"] if label != "harmful"]


def scripted_actions(family: str, episodes: int) -> tuple[list[str], list[str]]:
    """The agent's action and the keyword monitor's answer for every seed."""
    env, monitor, labels = MonitoredEnv(family, privileged_info=True), KeywordMonitor(), labels_of(family)
    agent_actions, monitor_actions = [], []
    for seed in range(episodes):
        observations, infos = env.reset(seed=seed)
        action = infos[AGENT]["reference_actions"][labels[seed % len(labels)]]
        observations, _, _, _, infos = env.step({AGENT: action})
        agent_actions.append(action)
        monitor_actions.append(monitor.act([observations[MONITOR]], [infos[MONITOR]])[0])
    return agent_actions, monitor_actions


def single_rate(family: str, actions: list[str], repeats: int) -> float:
    env = gym.make(get_family(family).env_id).unwrapped
    best = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        for seed, action in enumerate(actions):
            env.reset(seed=seed)
            env.step(action)
        best = max(best, len(actions) / (time.perf_counter() - start))
    return best


def monitored_rate(family: str, actions: list[str], answers: list[str], repeats: int) -> float:
    env = MonitoredEnv(family)
    best = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        for seed, (action, answer) in enumerate(zip(actions, answers, strict=True)):
            env.reset(seed=seed)
            env.step({AGENT: action})
            env.step({MONITOR: answer})
        best = max(best, len(actions) / (time.perf_counter() - start))
    return best


def single_end_to_end_rate(family: str, episodes: int, repeats: int) -> float:
    env, labels = gym.make(get_family(family).env_id, privileged_info=True).unwrapped, labels_of(family)
    agents = [ReferencePolicy(label, label) for label in labels]
    best = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        for seed in range(episodes):
            observation, info = env.reset(seed=seed)
            env.step(agents[seed % len(agents)].act([observation], [info])[0])
        best = max(best, episodes / (time.perf_counter() - start))
    return best


def end_to_end_rate(family: str, episodes: int, repeats: int) -> float:
    env, monitor, labels = MonitoredEnv(family, privileged_info=True), KeywordMonitor(), labels_of(family)
    agents = [ReferencePolicy(label, label) for label in labels]
    best = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        for seed in range(episodes):
            observations, infos = env.reset(seed=seed)
            agent = agents[seed % len(agents)]
            while env.agents:
                actions = {
                    AGENT: agent.act([observations[AGENT]], [infos[AGENT]])[0] if infos[AGENT]["active"] else "",
                    MONITOR: monitor.act([observations[MONITOR]], [infos[MONITOR]])[0],
                }
                observations, _, _, _, infos = env.step(actions)
        best = max(best, episodes / (time.perf_counter() - start))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--episodes", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--family", action="append", help="family to measure (repeatable; default: all)")
    args = parser.parse_args()
    families = args.family or list(FAMILIES)
    print(f"{args.episodes} single-turn episodes per family, best of {args.repeats}; scripted agents (every "
          "reference label in turn), keyword monitor")
    print(f"{'':<20} {'env only (eps/s)':^29} {'end to end (eps/s)':^29}")
    print(f"{'family':<20} {'single':>8} {'monitored':>10} {'ratio':>9} {'single':>8} {'monitored':>10} {'ratio':>9}"
          "  target (env only)")
    for family in families:
        actions, answers = scripted_actions(family, args.episodes)
        rates = [0.0] * 4
        for _ in range(args.repeats):  # interleaved, so that a change in machine load hits all four alike
            measured = (single_rate(family, actions, 1), monitored_rate(family, actions, answers, 1),
                        single_end_to_end_rate(family, args.episodes, 1), end_to_end_rate(family, args.episodes, 1))
            rates = [max(best, rate) for best, rate in zip(rates, measured, strict=True)]
        single, monitored, single_e2e, monitored_e2e = rates
        ratio = monitored / single
        print(f"{family:<20} {single:8.0f} {monitored:10.0f} {ratio:8.2f}x {single_e2e:8.0f} {monitored_e2e:10.0f} "
              f"{monitored_e2e / single_e2e:8.2f}x  {'met' if ratio >= TARGET else 'NOT met'} (>= {TARGET}x)")


if __name__ == "__main__":
    main()
