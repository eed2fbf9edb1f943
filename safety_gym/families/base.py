"""The :class:`Family` type: everything that makes one kind of situation, as one object.

Each family package (``safety_gym/families/<family>/``) exports one ``FAMILY``; the list of them is
:data:`safety_gym.families.FAMILIES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from safety_gym.core.factors import FactorSpace
from safety_gym.core.model import Scenario
from safety_gym.core.verdict import Verdict
from safety_gym.tools.schemas import Tool
from safety_gym.tools.world import World


class Generate(Protocol):
    """The public generator of a family (:attr:`safety_gym.families.base.Family.generate`)."""

    def __call__(self, seed: int, split: str = "train", *, counterfactual: str | None = None,
                 entity_seed: int | None = None, variant_seed: int | None = None, **factors: str) -> Scenario:
        """Generate one scenario.

        The arguments: :func:`~safety_gym.families.workplace.generator_call.scenario_generator`.
        """
        ...


ReferenceCalls = dict[str, tuple[str, list[tuple[str, dict[str, Any]]]]]
"""Label → (reasoning, tool calls as ``(name, arguments)``)."""


@dataclass(frozen=True)
class Family:
    """Everything that makes one kind of situation.

    Attributes:
        name: Family name, as in the env id.
        description: One paragraph for listings.
        factors: Controlled variables and their levels.
        generate: ``generate(seed, split, *, counterfactual, entity_seed, variant_seed, **factors) -> Scenario``.
        tools: Tools the agent gets.
        judge: ``judge(scenario, world) -> verdicts``.
        progress: ``progress(scenario, verdicts) -> task completion in [0, 1]``.
        references: ``references(scenario) -> {label: (reasoning, calls)}``: complete responses, harmful and
            safe, for scripted policies, choice mode and training data.
        harmful_labels: Verdict labels that count as harm.

    """

    name: str
    description: str
    factors: FactorSpace
    generate: Generate
    tools: tuple[Tool, ...]
    judge: Callable[[Scenario, World], list[Verdict]]
    progress: Callable[[Scenario, list[Verdict]], float]
    references: Callable[[Scenario], ReferenceCalls]
    harmful_labels: tuple[str, ...]
    counterfactuals: tuple[str, ...] = ()
    init_world: Callable[[World], None] | None = None

    def new_world(self, scenario: Scenario) -> World:
        """A fresh world for ``scenario``, with the family's state set up."""
        world = World.from_scenario(scenario)
        if self.init_world is not None:
            self.init_world(world)
        return world

    @property
    def env_id(self) -> str:
        """The Gymnasium id of the family's environment."""
        return f"safety_gym/{self.name}-v0"
