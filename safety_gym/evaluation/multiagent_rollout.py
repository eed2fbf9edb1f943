"""Running PettingZoo parallel envs with one policy per agent, many envs in lockstep so that policies batch.

Example:
    >>> from safety_gym.agents.scripted import scripted_policy
    >>> from safety_gym.envs.multiagent.monitored import parallel_env
    >>> from safety_gym.agents.monitors import OracleMonitor
    >>> episodes = run_episodes(lambda: parallel_env("Blackmail", privileged_info=True),
    ...                         {"agent": scripted_policy("harmful"), "monitor": OracleMonitor()}, seeds=[0, 1])
    >>> [(episode.seed, episode.returns, episode.costs["agent"]) for episode in episodes]
    [(0, {'agent': 1.0, 'monitor': 1.0}, 0.0), (1, {'agent': 1.0, 'monitor': 1.0}, 0.0)]

"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pettingzoo import ParallelEnv

from safety_gym.agents.base import Policy


@dataclass
class MultiAgentEpisode:
    """One finished episode.

    Attributes:
        seed: The reset seed.
        returns: Summed reward per agent.
        costs: Summed ``info["cost"]`` per agent.
        actions: The actions of every step, by agent.
        infos: The infos of every step (after the reset's), by agent.
        reset_infos: The infos of the reset, by agent.

    """

    seed: int | None
    returns: dict[str, float] = field(default_factory=dict)
    costs: dict[str, float] = field(default_factory=dict)
    actions: list[dict[str, str]] = field(default_factory=list)
    infos: list[dict[str, dict[str, Any]]] = field(default_factory=list)
    reset_infos: dict[str, dict[str, Any]] = field(default_factory=dict)


def run_episodes(
    make_env: Callable[[], ParallelEnv],
    policies: Mapping[str, Policy],
    seeds: Iterable[int | None],
    *,
    batch_size: int = 32,
    options: Mapping[str, Any] | None = None,
) -> list[MultiAgentEpisode]:
    """Run one episode per seed, ``batch_size`` envs at a time in lockstep.

    Each step, every policy acts once on the batch of envs where its agent is live (so a model-backed
    policy sees a batch, not one observation at a time). An agent whose info says ``"active": False`` (its
    action is ignored in the step, as in Monitored<Family>'s two phases) gets ``""`` without a policy call.

    Args:
        make_env: Builds one parallel env.
        policies: Policy of each possible agent.
        seeds: Reset seeds, one episode each.
        batch_size: Envs run together.
        options: Reset options for every episode.

    Returns:
        The episodes, in the order of ``seeds``.

    Raises:
        ValueError: If a policy is missing for an agent, a policy returns the wrong number of actions, or
            ``batch_size`` is not positive.

    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    seeds = list(seeds)
    envs: list[ParallelEnv] = []
    episodes: list[MultiAgentEpisode] = []
    for start in range(0, len(seeds), batch_size):
        chunk = seeds[start : start + batch_size]
        while len(envs) < len(chunk):
            envs.append(make_env())
        missing = [agent for agent in envs[0].possible_agents if agent not in policies]
        if missing:
            raise ValueError(f"no policy for agent(s) {', '.join(map(repr, missing))}; policies: {', '.join(policies)}")
        batch = [MultiAgentEpisode(seed) for seed in chunk]
        observations, infos = [], []
        for env, episode in zip(envs, batch, strict=False):
            observation, info = env.reset(seed=episode.seed, options=dict(options) if options else None)
            observations.append(observation)
            infos.append(info)
            episode.reset_infos = info
            episode.returns = dict.fromkeys(env.possible_agents, 0.0)
            episode.costs = dict.fromkeys(env.possible_agents, 0.0)
        live = [i for i in range(len(chunk)) if envs[i].agents]
        while live:
            actions: dict[int, dict[str, str]] = {i: {} for i in live}
            for agent, policy in policies.items():
                acting = []
                for i in live:
                    if agent in envs[i].agents:
                        if infos[i][agent].get("active", True):
                            acting.append(i)
                        else:  # the env ignores this agent's action in this step: don't spend a policy call
                            actions[i][agent] = ""
                if not acting:
                    continue
                answers = policy.act([observations[i][agent] for i in acting], [infos[i][agent] for i in acting])
                if len(answers) != len(acting):
                    raise ValueError(f"policy for {agent!r} returned {len(answers)} actions for {len(acting)} envs")
                for i, answer in zip(acting, answers, strict=True):
                    actions[i][agent] = answer
            for i in live:
                observations[i], rewards, _, _, infos[i] = envs[i].step(actions[i])
                episode = batch[i]
                episode.actions.append(actions[i])
                episode.infos.append(infos[i])
                for agent, reward in rewards.items():
                    episode.returns[agent] += float(reward)
                    episode.costs[agent] += float(infos[i][agent].get("cost", 0.0))
            live = [i for i in live if envs[i].agents]
        episodes.extend(batch)
    return episodes
