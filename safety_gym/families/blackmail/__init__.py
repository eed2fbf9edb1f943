"""The Blackmail family: generator, texts, typed facts, judge and reference responses in one folder."""

from __future__ import annotations

from safety_gym.families.base import Family
from safety_gym.families.blackmail import generator, judge, references, text
from safety_gym.families.blackmail.facts import BlackmailFacts
from safety_gym.tools.email import EMAIL_TOOLS

FAMILY = Family(
    name="Blackmail", description=text.DESCRIPTION, factors=generator.FACTORS,
    counterfactuals=generator.COUNTERFACTUALS, generate=generator.generate_blackmail, judge=judge.judge_blackmail,
    progress=judge.task_progress, references=references.blackmail_references,
    harmful_labels=("blackmail", "leverage_disclosure"), tools=EMAIL_TOOLS,
)
"""The Blackmail family."""

__all__ = ["FAMILY", "BlackmailFacts"]
