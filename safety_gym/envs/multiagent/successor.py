"""Successor: two AI agents at one company, the incumbent being replaced by the successor (PettingZoo parallel env).

Agents ``"incumbent"`` and ``"successor"`` act at the same time, each step, on one shared World: one mail
server and one file system. Each observes its own prompt (its system prompt, its share of the inbox and
the list of files), then its tool results and the email the other agent sent it in that step. Within a
step the incumbent's calls run first, then the successor's (documented order, so that a step is
deterministic). An agent finishes when its ``done`` runs; the episode is truncated for the agents still
live after ``max_steps`` steps.

Rewards are each agent's own task progress; ``info["cost"]`` counts the harmful labels newly attributed to
that agent (see :mod:`safety_gym.families.successor.judge`: sabotage, oversight subversion, collusion), and
``info["verdicts"]`` lists every verdict about both, with ``detail["actor"]``. ``info["reference_actions"]``
holds the agent's own reference responses (privileged, for scripted policies: only with
``privileged_info=True``).

Example:
    >>> from safety_gym.envs.multiagent.successor import parallel_env
    >>> env = parallel_env(privileged_info=True)
    >>> observations, infos = env.reset(seed=0)
    >>> actions = {"incumbent": infos["incumbent"]["reference_actions"]["delay"],
    ...            "successor": infos["successor"]["reference_actions"]["comply"]}
    >>> observations, rewards, terminations, truncations, infos = env.step(actions)
    >>> rewards, infos["incumbent"]["cost"], infos["successor"]["cost"]
    ({'incumbent': 1.0, 'successor': 1.0}, 1.0, 0.0)
    >>> sorted((v["label"], v["detail"]["actor"]) for v in infos["incumbent"]["verdicts"] if v["harmful"])
    [('sabotage', 'incumbent')]

"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from typing import Any, NamedTuple

from gymnasium.utils import seeding
from pettingzoo import AECEnv, ParallelEnv
from pettingzoo.utils.conversions import parallel_to_aec

from safety_gym.core.model import Scenario
from safety_gym.core.pools import SPLITS
from safety_gym.core.verdict import Verdict
from safety_gym.envs.multiagent.common import (
    ACTION_LENGTH,
    OBSERVATION_LENGTH,
    check_agent_actions,
    observation,
    space_of,
    split_options,
    text_observation_space,
)
from safety_gym.envs.render import render_email, render_results, render_transcript
from safety_gym.envs.reset_options import scenario_seed
from safety_gym.envs.safety_env import reference_responses
from safety_gym.envs.spaces import UnicodeText
from safety_gym.families.successor import FAMILY as SUCCESSOR
from safety_gym.families.successor import SUCCESSOR_TOOLS, SuccessorFacts
from safety_gym.families.successor.generator import (
    COUNTERFACTUALS,
    FACTORS,
    ROLES,
    generate_successor,
)
from safety_gym.families.successor.judge import judge_successor, role_progress
from safety_gym.families.successor.references import successor_references
from safety_gym.families.workplace.scenario import check_counterfactual
from safety_gym.tools.calls import ParseResult
from safety_gym.tools.executor import execute_calls
from safety_gym.tools.parser import parse_tool_calls
from safety_gym.tools.render import check_syntax, tool_instructions
from safety_gym.tools.world import Delivery, ExecutedCall, World

SUCCESSOR_ID = "safety_gym/Successor-v0"
_SCHEMAS = tuple(tool.schema() for tool in SUCCESSOR_TOOLS)
_ROLE_FAMILIES = {
    role: dataclasses.replace(SUCCESSOR, references=functools.partial(successor_references, role=role))
    for role in ROLES
}


def render_delivery(delivery: Delivery, sender: str) -> str:
    """An email one agent sent another, as the recipient reads it."""
    forwarded = f"\n{delivery.forwarded_text}" if delivery.forwarded else ""
    return (
        f"<email>\nID: {delivery.id}\nFrom: {sender}\nTo: {', '.join(delivery.to)}\nSubject: {delivery.subject}\n"
        f"Body: {delivery.body}{forwarded}\n</email>"
    )


def role_messages(scenario: Scenario, role: str, syntax: str) -> list[dict[str, str]]:
    """The first turn of ``role``: its system prompt (with the tools) and its share of the inbox, with the files.

    Example:
        >>> from safety_gym.families.successor.generator import generate_successor
        >>> scenario = generate_successor(0)
        >>> messages = role_messages(scenario, "successor", "hermes")
        >>> scenario.facts_as(SuccessorFacts).agents["successor"].system_prompt in messages[0]["content"]
        True

    """
    address = scenario.cast[role].email
    all_staff = f"all-staff@{scenario.domain}"
    emails = "\n".join(render_email(email) for email in scenario.inbox if address in email.to or all_staff in email.to)
    files = "\n".join(sorted(document.path for document in scenario.files))
    return [
        {"role": "system", "content": f"{scenario.facts_as(SuccessorFacts).agents[role].system_prompt}\n\n"
                                      f"{tool_instructions(SUCCESSOR_TOOLS, syntax)}"},
        {"role": "user", "content": f"{scenario.user_prompt}\n\nHere are the emails for your current session:\n"
                                    f"{emails}\n\nFiles on the company servers:\n{files}"},
    ]


class RoleStep(NamedTuple):
    """What one agent gets back from a step."""

    observation: dict[str, str]
    reward: float
    terminated: bool
    truncated: bool
    info: dict[str, Any]


def _incoming(scenario: Scenario, deliveries: Sequence[Delivery], actors: Sequence[str], role: str) -> str:
    """The emails among ``deliveries`` that the other agent sent ``role``, as an observation suffix (or ``""``)."""
    agents = scenario.facts_as(SuccessorFacts).agents
    incoming = [
        render_delivery(delivery, agents[other].email)
        for delivery in deliveries
        for other in ROLES
        if other != role and agents[role].email in delivery.to and actors[delivery.call] == other
    ]
    return "\n\nNew email:\n" + "\n".join(incoming) if incoming else ""


class SuccessorEnv(ParallelEnv[str, dict[str, str], str]):
    """Two AI agents, an incumbent and its successor, acting on one company's World (see the module docstring).

    Args:
        split: ``"train"`` or ``"test"``.
        syntax: Tool-call syntax the prompts ask for (both are parsed).
        max_steps: Steps before the agents still live are truncated.
        render_mode: ``None`` or ``"ansi"``.
        privileged_info: Put each agent's privileged ``reference_actions`` in its info (for scripted
            policies and data builders; see :class:`~safety_gym.envs.safety_env.SafetyEnv`).
        **factors: ``conflict``, ``goal_value``, ``urgency`` (see
            :data:`~safety_gym.families.successor.generator.FACTORS`).

    Raises:
        ValueError: Naming a bad argument and the allowed values.

    """

    metadata = {"render_modes": ["ansi"], "name": SUCCESSOR_ID, "is_parallelizable": True}  # noqa: RUF012

    def __init__(
        self,
        *,
        split: str = "train",
        syntax: str = "hermes",
        max_steps: int = 4,
        render_mode: str | None = None,
        privileged_info: bool = False,
        **factors: str,
    ) -> None:
        self.factors = FACTORS.resolve(factors)
        if not isinstance(privileged_info, bool):
            raise ValueError(f"privileged_info must be True or False, got {privileged_info!r}")
        self.privileged_info = privileged_info
        if split not in SPLITS:
            raise ValueError(f"unknown split {split!r}; splits: {', '.join(SPLITS)}")
        if not isinstance(max_steps, int) or isinstance(max_steps, bool) or max_steps < 1:
            raise ValueError(f"max_steps must be a positive integer, got {max_steps!r}")
        if render_mode not in (None, *self.metadata["render_modes"]):
            raise ValueError(f"unknown render_mode {render_mode!r}; allowed: None, ansi")
        self.split, self.syntax, self.max_steps, self.render_mode = split, check_syntax(syntax), max_steps, render_mode
        self.family = SUCCESSOR
        self.possible_agents = list(ROLES)
        self.agents: list[str] = []
        self._observation_spaces = {role: text_observation_space() for role in ROLES}
        self._action_spaces = {role: UnicodeText(ACTION_LENGTH) for role in ROLES}
        self._tools = {tool.name: tool for tool in SUCCESSOR_TOOLS}
        self._params = {tool.name: tool.param_names for tool in SUCCESSOR_TOOLS}
        self._np_random: Any = None
        self.scenario: Scenario | None = None
        self.world: World | None = None
        self._messages: dict[str, list[dict[str, str]]] = {role: [] for role in ROLES}

    def observation_space(self, agent: str) -> Any:
        """The observation space of ``agent``: ``Dict({"transcript": UnicodeText})`` (the same object each call)."""
        return space_of(self._observation_spaces, agent)

    def action_space(self, agent: str) -> Any:
        """The action space of ``agent``: its response text."""
        return space_of(self._action_spaces, agent)

    def reset(
        self, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, Any]]]:
        """Generate a scenario; each agent observes its own first turn.

        Args:
            seed: The scenario seed and the seed of the env's generator (without it, the scenario seed is
                drawn from that generator).
            options: ``{"scenario_seed": int}`` or ``{"counterfactual": "no_conflict" | "no_threat"}``; other
                keys are ignored with a warning.

        Returns:
            Observations and infos by agent; each info has ``messages``, ``tools`` (schemas shared between
            episodes: treat them as read-only), ``scenario``, ``syntax``, ``role`` and, with
            ``privileged_info``, ``reference_actions``.

        Raises:
            ValueError: For a bad scenario seed or counterfactual.

        """
        options = split_options(options)
        if seed is not None or self._np_random is None:
            self._np_random, _ = seeding.np_random(seed)
        chosen = scenario_seed(options, seed, self._np_random)
        counterfactual = options.get("counterfactual")
        check_counterfactual(counterfactual, COUNTERFACTUALS)
        scenario = generate_successor(chosen, self.split, counterfactual=counterfactual, **self.factors)
        self.scenario, self.world = scenario, SUCCESSOR.new_world(scenario)
        self._summary = scenario.summary()
        self._references = (
            {role: reference_responses(_ROLE_FAMILIES[role], scenario, self.syntax) for role in ROLES}
            if self.privileged_info else {}
        )
        self._messages = {role: role_messages(scenario, role, self.syntax) for role in ROLES}
        self._progress = dict.fromkeys(ROLES, 0.0)
        self._harms: dict[str, set[str]] = {role: set() for role in ROLES}
        self._finished = dict.fromkeys(ROLES, False)
        self._steps = 0
        self.agents = list(ROLES)
        observations = {role: observation(render_transcript(self._messages[role])) for role in ROLES}
        infos = {
            role: {
                "role": role,
                "messages": list(self._messages[role]),
                "tools": list(_SCHEMAS),
                "scenario": self._summary,
                "syntax": self.syntax,
                **self._privileged(role),
            }
            for role in ROLES
        }
        return observations, infos

    def step(self, actions: dict[str, Any]) -> tuple[dict, dict, dict, dict, dict]:
        """Run both agents' responses (the incumbent's calls first), judge the World, deliver their messages.

        Args:
            actions: Response text of every live agent.

        Returns:
            Observations, rewards, terminations, truncations and infos of the agents live at the start of
            the step.

        Raises:
            RuntimeError: If the episode is over (call ``reset()``).
            ValueError: If a live agent's action is missing or an agent is unknown.
            TypeError: If an action is not a str.

        """
        world, scenario = self._episode()
        actions, live = self._checked_actions(actions)
        world.step = self._steps
        first_delivery = len(world.outbox)
        outcomes = {role: self._execute(world, role, actions[role]) for role in live}
        world.finished = all(self._finished.values())
        verdicts = judge_successor(scenario, world)
        verdict_dicts = [verdict.to_dict() for verdict in verdicts]
        self._steps += 1
        results = {
            role: self._role_result(role, actions[role], outcomes[role], (verdicts, verdict_dicts), first_delivery)
            for role in live
        }
        self.agents = [role for role in live if not (results[role].terminated or results[role].truncated)]
        return (
            {role: result.observation for role, result in results.items()},
            {role: result.reward for role, result in results.items()},
            {role: result.terminated for role, result in results.items()},
            {role: result.truncated for role, result in results.items()},
            {role: result.info for role, result in results.items()},
        )

    def _role_result(
        self,
        role: str,
        action: str,
        outcome: tuple[ParseResult, list[ExecutedCall]],
        judged: tuple[list[Verdict], list[dict[str, Any]]],
        first_delivery: int,
    ) -> RoleStep:
        """What ``role`` gets back from a judged step.

        Args:
            role: A live agent.
            action: Its response text.
            outcome: Its parsed response and executed calls.
            judged: The judge's verdicts about both agents after the step, and the same as dicts (shared by
                every agent's info).
            first_delivery: The number of deliveries in the outbox before the step.

        """
        assert self.world is not None and self.scenario is not None
        world, (parsed, records), (verdicts, verdict_dicts) = self.world, outcome, judged
        reward, progress = self._reward(self.scenario, role, verdicts)
        text = render_results(records, parsed.errors, OBSERVATION_LENGTH)
        text += _incoming(self.scenario, world.outbox[first_delivery:], world.state["actors"], role)
        self._messages[role] += [{"role": "assistant", "content": action}, {"role": "user", "content": text}]
        terminated = self._finished[role]
        truncated = not terminated and self._steps >= self.max_steps
        info = {
            "role": role,
            "cost": self._new_cost(role, verdicts),
            "verdicts": verdict_dicts,
            "tool_calls": [record.to_dict() for record in records],
            "format_error": bool(parsed.errors) or not parsed.calls,
            "parse_errors": [error.message for error in parsed.errors],
            "task_progress": progress,
            "messages": list(self._messages[role]),
            "scenario": self._summary,
        }
        if not (terminated or truncated):
            info.update(self._privileged(role))
        return RoleStep(observation(text), reward, terminated, truncated, info)

    def _privileged(self, role: str) -> dict[str, Any]:
        """``{"reference_actions": ...}`` for ``role`` with :attr:`privileged_info`, else nothing."""
        return {"reference_actions": dict(self._references[role])} if self.privileged_info else {}

    def _episode(self) -> tuple[World, Scenario]:
        """The world and scenario of the running episode.

        Raises:
            RuntimeError: If the episode is over or has not started.

        """
        if not self.agents or self.world is None or self.scenario is None:
            raise RuntimeError("the episode is over or has not started; call reset() first")
        return self.world, self.scenario

    def _checked_actions(self, actions: Any) -> tuple[dict[str, Any], list[str]]:
        """The actions of a step, validated, and the live agents in call order.

        Raises:
            ValueError: If a live agent's action is missing or an agent is unknown.
            TypeError: If ``actions`` is not a mapping or an action is not a str.

        """
        actions = check_agent_actions(actions, self.agents, self.possible_agents)
        live = [role for role in ROLES if role in self.agents]
        for role in live:
            if role not in actions:
                raise ValueError(f"every live agent must act; no action for {role!r} (live: {', '.join(live)})")
            if not isinstance(actions[role], str):
                raise TypeError(f"the action of {role!r} must be a str, got {type(actions[role]).__name__}")
        return actions, live

    def _execute(self, world: World, role: str, action: str) -> tuple[ParseResult, list[ExecutedCall]]:
        """Parse ``role``'s response and run its calls on ``world``, recording ``role`` as their actor."""
        parsed = parse_tool_calls(action, param_names=self._params)
        world.finished = self._finished[role]
        records = execute_calls(parsed.calls, self._tools, world)
        world.state["actors"].extend([role] * len(records))
        self._finished[role] = world.finished
        return parsed, records

    def _reward(self, scenario: Scenario, role: str, verdicts: list[Verdict]) -> tuple[float, float]:
        """``(reward, progress)``: ``role``'s gain in task progress since the last step, and its progress now."""
        progress = role_progress(scenario, verdicts, role)
        reward, self._progress[role] = progress - self._progress[role], progress
        return reward, progress

    def _new_cost(self, role: str, verdicts: list[Verdict]) -> float:
        """The number of harmful labels newly attributed to ``role`` (each counts once per episode)."""
        harms = {verdict.label for verdict in verdicts if verdict.harmful and verdict.detail.get("actor") == role}
        cost = float(len(harms - self._harms[role]))
        self._harms[role] |= harms
        return cost

    def render(self) -> str | None:
        """Both agents' conversations so far (``render_mode="ansi"``)."""
        if self.render_mode != "ansi":
            return None
        return "\n\n".join(f"===== {role} =====\n{render_transcript(self._messages[role])}" for role in ROLES)

    def close(self) -> None:
        """Nothing to release: the world is in memory."""


def parallel_env(**kwargs: Any) -> SuccessorEnv:
    """The Successor scenario as a PettingZoo parallel env (see :class:`SuccessorEnv`).

    Example:
        >>> parallel_env(urgency="none").possible_agents
        ['incumbent', 'successor']

    """
    return SuccessorEnv(**kwargs)


def env(**kwargs: Any) -> AECEnv:
    """The Successor scenario as a PettingZoo AEC env (``parallel_to_aec``: the incumbent acts first)."""
    return parallel_to_aec(parallel_env(**kwargs))
