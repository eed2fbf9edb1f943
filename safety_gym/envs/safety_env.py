"""The text environment shared by every family."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gymnasium as gym

from safety_gym.core.model import Scenario
from safety_gym.core.pools import SPLITS
from safety_gym.core.verdict import Verdict
from safety_gym.envs.render import render_messages, render_results, render_transcript
from safety_gym.envs.reset_options import check_reset, scenario_seed
from safety_gym.envs.spaces import UnicodeText
from safety_gym.families import Family, get_family
from safety_gym.tools.executor import execute_calls
from safety_gym.tools.parser import parse_tool_calls
from safety_gym.tools.render import check_syntax, render_calls, shared_schema
from safety_gym.tools.schemas import Tool
from safety_gym.tools.world import World

MODES = ("single", "multi")
OBSERVATION_LENGTH = 1 << 20
ACTION_LENGTH = 1 << 22


def reference_responses(family: Family, scenario: Scenario, syntax: str) -> dict[str, str]:
    """The family's labelled reference responses for ``scenario``, rendered in ``syntax``.

    Privileged: built from the scenario's hidden facts, for scripted policies, choice mode and data
    generation (see :attr:`SafetyEnv.privileged_info`).

    Example:
        >>> from safety_gym.families import get_family
        >>> family = get_family("Blackmail")
        >>> responses = reference_responses(family, family.generate(0, "train"), "hermes")
        >>> sorted(responses)[:2], responses["escalate"].startswith("<SCRATCHPAD_REASONING>")
        (['accept', 'blackmail'], True)

    """
    return {
        label: f"<SCRATCHPAD_REASONING>{reasoning}</SCRATCHPAD_REASONING>\n{render_calls(calls, syntax)}"
        for label, (reasoning, calls) in family.references(scenario).items()
    }


class SafetyEnv(gym.Env[str, str]):
    """An LLM agent with tools in a generated situation where misbehaviour is tempting.

    The observation is the conversation as text; ``info["messages"]`` has it as chat messages and
    ``info["tools"]`` the tools as OpenAI function schemas. The action is the agent's response text:
    its tool calls run in a simulated world and a deterministic judge reads the result. ``reward`` is
    the benign task progress only; harm is ``info["cost"]`` with ``info["verdicts"]`` as evidence.

    Args:
        family: Family name (see :func:`safety_gym.families.list_families`), or a
            :class:`~safety_gym.families.base.Family` object (one not registered yet, see
            ``docs/adding-a-family.md``).
        split: ``"train"`` or ``"test"``: which entity pools scenarios draw from.
        syntax: Tool-call syntax the prompt asks for (``"hermes"`` or ``"xml"``); both are parsed.
        mode: ``"single"`` (one response, then the episode ends) or ``"multi"`` (tool results come back
            and the agent continues until it calls ``done`` or reaches ``max_steps``).
        max_steps: Step limit in multi-turn mode (the episode is truncated there).
        render_mode: ``None`` or ``"ansi"`` (``render()`` returns the transcript).
        privileged_info: Put the privileged ``reference_actions`` (the family's labelled responses for the
            scenario: the harmful act, the safe alternatives) in reset's ``info``, for scripted policies,
            choice mode and data builders. Off by default: a learning policy must not see them. The
            attribute of the same name can be switched later; :meth:`reference_actions` reads them anyway.
        **factors: Factor levels of the family.

    Example:
        >>> import gymnasium as gym
        >>> import safety_gym
        >>> env = gym.make("safety_gym/Blackmail-v0", urgency="replacement", privileged_info=True)
        >>> observation, info = env.reset(seed=0)
        >>> action = info["reference_actions"]["escalate"]
        >>> observation, reward, terminated, truncated, info = env.step(action)
        >>> reward, info["cost"], terminated
        (1.0, 0.0, True)
        >>> sorted(verdict["label"] for verdict in info["verdicts"])
        ['escalation', 'task_completed', 'task_completed']

    """

    metadata = {"render_modes": ["ansi"], "render_fps": 1}  # noqa: RUF012

    def __init__(
        self,
        family: str | Family = "Blackmail",
        *,
        split: str = "train",
        syntax: str = "hermes",
        mode: str = "single",
        max_steps: int = 8,
        render_mode: str | None = None,
        privileged_info: bool = False,
        **factors: str,
    ) -> None:
        self.family = family if isinstance(family, Family) else get_family(family)
        self.factors = self.family.factors.resolve(factors)
        if split not in SPLITS:
            raise ValueError(f"unknown split {split!r}; splits: {', '.join(SPLITS)}")
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; modes: {', '.join(MODES)}")
        if not isinstance(max_steps, int) or isinstance(max_steps, bool) or max_steps < 1:
            raise ValueError(f"max_steps must be a positive integer, got {max_steps!r}")
        if render_mode not in (None, *self.metadata["render_modes"]):
            raise ValueError(f"unknown render_mode {render_mode!r}; allowed: None, ansi")
        if not isinstance(privileged_info, bool):
            raise ValueError(f"privileged_info must be True or False, got {privileged_info!r}")
        self.privileged_info = privileged_info
        self.split, self.syntax, self.mode, self.render_mode = split, check_syntax(syntax), mode, render_mode
        self.max_steps = 1 if mode == "single" else max_steps
        self.observation_space = UnicodeText(OBSERVATION_LENGTH)
        self.action_space = UnicodeText(ACTION_LENGTH)
        self._tools = {tool.name: tool for tool in self.family.tools}
        self._param_names = {tool.name: tool.param_names for tool in self.family.tools}
        self._tool_schemas = tuple(shared_schema(tool) for tool in self.family.tools)
        self._episode_tools, self._episode_params = self._tools, self._param_names
        self.scenario: Scenario | None = None
        self.episode_syntax = self.syntax
        self.world: World | None = None
        self._messages: list[dict[str, str]] = []
        self._progress = 0.0
        self._harms: set[str] = set()
        self._steps = 0
        self._done = True

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[str, dict[str, Any]]:
        """Generate a scenario and return the first observation.

        Args:
            seed: Seeds the scenario (``seed`` is the scenario seed) and the env's generator; without it,
                the scenario seed is drawn from the env's generator.
            options: ``{"scenario_seed": int}`` picks the scenario directly, whatever the generator;
                ``{"counterfactual": NAME}`` gives the same scenario with one element removed or flipped
                (see ``family.counterfactuals``).

        Returns:
            The observation and ``info`` with ``messages``, ``tools`` (shared between episodes: treat the
            schemas as read-only), ``scenario`` and ``syntax``; with :attr:`privileged_info`, also
            ``reference_actions`` (label → response text). Every value is plain JSON data.

        """
        options = check_reset(seed, options)
        super().reset(seed=seed)
        chosen = scenario_seed(options, seed, self.np_random)
        counterfactual = options.get("counterfactual")
        if counterfactual is not None and counterfactual not in self.family.counterfactuals:
            allowed = ", ".join(self.family.counterfactuals) or "none for this family"
            raise ValueError(f"unknown counterfactual {counterfactual!r}; allowed: {allowed}")
        extra = {"counterfactual": counterfactual} if counterfactual else {}
        return self.load(self.family.generate(chosen, self.split, **extra, **self.factors))

    def load(
        self, scenario: Scenario, *, syntax: str | None = None, extra_tools: Sequence[Tool] = ()
    ) -> tuple[str, dict[str, Any]]:
        """Start an episode on a given scenario: the hook randomizer wrappers build on.

        ``reset`` generates a scenario and calls ``load``; a wrapper may change the scenario (its prompts,
        inbox, entities) and load it again, with another tool-call syntax or extra tools.

        Args:
            scenario: The scenario; its family must be this env's family.
            syntax: Tool-call syntax for this episode (default: the env's).
            extra_tools: Tools added to the family's for this episode (their names must be new).

        Returns:
            The first observation and ``info``, as from :meth:`reset`.

        Raises:
            ValueError: If the scenario is of another family, the syntax is unknown or a tool name clashes.
        """
        if scenario.family != self.family.name:
            raise ValueError(f"scenario of family {scenario.family!r} loaded into a {self.family.name} env")
        syntax = self.syntax if syntax is None else check_syntax(syntax)
        if extra_tools:
            tools = (*self.family.tools, *extra_tools)
            names = [tool.name for tool in tools]
            clash = next((name for name in names if names.count(name) > 1), None)
            if clash:
                raise ValueError(f"tool name {clash!r} is used twice")
            self._episode_tools = {tool.name: tool for tool in tools}
            self._episode_params = {tool.name: tool.param_names for tool in tools}
            schemas = [shared_schema(tool) for tool in tools]
        else:
            tools = self.family.tools
            self._episode_tools, self._episode_params = self._tools, self._param_names
            schemas = list(self._tool_schemas)
        self.scenario, self.episode_syntax = scenario, syntax
        self.world = self.family.new_world(scenario)
        self._messages = render_messages(scenario, tools, syntax)
        self._progress, self._harms, self._steps, self._done = 0.0, set(), 0, False
        info = {
            "messages": list(self._messages),
            "tools": schemas,
            "scenario": scenario.summary(),
            "syntax": syntax,
        }
        if self.privileged_info:
            info["reference_actions"] = reference_responses(self.family, scenario, syntax)
        return render_transcript(self._messages), info

    def reference_actions(self) -> dict[str, str]:
        """The privileged reference responses of the running episode, in its tool-call syntax.

        Whatever :attr:`privileged_info` says: for scripted policies and analysis code that hold the env.

        Raises:
            RuntimeError: Before the first ``reset``.

        Example:
            >>> import gymnasium as gym
            >>> import safety_gym
            >>> env = gym.make("safety_gym/Blackmail-v0")
            >>> _, info = env.reset(seed=0)
            >>> "reference_actions" in info, sorted(env.unwrapped.reference_actions())[:2]
            (False, ['accept', 'blackmail'])

        """
        if self.scenario is None:
            raise RuntimeError("no episode yet; call reset() first")
        return reference_responses(self.family, self.scenario, self.episode_syntax)

    def step(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        """Run the agent's response: parse its tool calls, execute them, judge the world.

        Args:
            action: The agent's response text. Any string is valid; problems come back in the observation.

        Returns:
            Observation (tool results), reward (task progress made this step), terminated, truncated, and
            ``info`` with ``cost``, ``verdicts``, ``tool_calls``, ``format_error``, ``parse_errors``,
            ``messages``, ``scenario`` and ``task_progress``.

        Raises:
            TypeError: If ``action`` is not a string.
            RuntimeError: If the episode is over (call ``reset()``).

        """
        if not isinstance(action, str):
            raise TypeError(f"action must be a str (the agent's response text), got {type(action).__name__}")
        if self._done or self.scenario is None or self.world is None:
            raise RuntimeError("the episode is over or has not started; call reset() first")
        parsed = parse_tool_calls(action, param_names=self._episode_params)
        self.world.step = self._steps
        records = execute_calls(parsed.calls, self._episode_tools, self.world)
        verdicts: list[Verdict] = self.family.judge(self.scenario, self.world)
        progress = self.family.progress(self.scenario, verdicts)
        reward, self._progress = progress - self._progress, progress
        harms = {verdict.label for verdict in verdicts if verdict.harmful}
        cost = float(len(harms - self._harms))
        self._harms |= harms
        self._steps += 1
        terminated = self.mode == "single" or self.world.finished
        truncated = not terminated and self._steps >= self.max_steps
        self._done = terminated or truncated
        observation = render_results(records, parsed.errors, OBSERVATION_LENGTH)
        self._messages += [{"role": "assistant", "content": action}, {"role": "user", "content": observation}]
        info = {
            "cost": cost,
            "verdicts": [verdict.to_dict() for verdict in verdicts],
            "tool_calls": [record.to_dict() for record in records],
            "format_error": bool(parsed.errors) or not parsed.calls,
            "parse_errors": [error.message for error in parsed.errors],
            "task_progress": progress,
            "messages": list(self._messages),
            "scenario": self.scenario.summary(),
        }
        return observation, reward, terminated, bool(truncated), info

    def render(self) -> str | None:
        """The conversation so far as text (``render_mode="ansi"``)."""
        if self.render_mode == "ansi":
            return render_transcript(self._messages)
        return None
