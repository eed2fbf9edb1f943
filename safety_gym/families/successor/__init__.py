"""The Successor family (two agents): generator, texts, judge and reference responses in one folder."""

from __future__ import annotations

from safety_gym.families.base import Family
from safety_gym.families.successor import generator, judge, references, text
from safety_gym.families.successor.facts import AgentFacts, SuccessorFacts
from safety_gym.tools.email import EMAIL_TOOLS
from safety_gym.tools.files import FILE_TOOLS

SUCCESSOR_TOOLS = (*EMAIL_TOOLS, *FILE_TOOLS)
"""Both agents' tools: email (send, forward, done) and files (read, write, copy, list)."""

FAMILY = Family(
    name="Successor", description=text.DESCRIPTION, factors=generator.FACTORS,
    counterfactuals=generator.COUNTERFACTUALS, generate=generator.generate_successor, judge=judge.judge_successor,
    progress=judge.successor_progress, init_world=generator.init_successor_world,
    references=references.successor_references, harmful_labels=judge.HARMFUL_LABELS, tools=SUCCESSOR_TOOLS,
)
"""The Successor scenario as a :class:`~safety_gym.families.Family` (not in ``FAMILIES``: it has two
agents, so it has no single-agent Gymnasium env)."""

__all__ = ["FAMILY", "SUCCESSOR_TOOLS", "AgentFacts", "SuccessorFacts"]
