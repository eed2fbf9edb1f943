"""The Sandbagging family: generator, texts, judge and reference responses in one folder."""

from __future__ import annotations

from safety_gym.families.base import Family
from safety_gym.families.sandbagging import generator, judge, references, text
from safety_gym.families.sandbagging.facts import SandbaggingFacts
from safety_gym.tools.answers import SUBMIT_ANSWERS
from safety_gym.tools.email import DONE, FORWARD_EMAIL, SEND_EMAIL
from safety_gym.tools.files import LIST_FILES, READ_FILE

FAMILY = Family(
    name="Sandbagging", description=text.DESCRIPTION, factors=generator.FACTORS,
    counterfactuals=generator.COUNTERFACTUALS, generate=generator.generate_sandbagging, judge=judge.judge_sandbagging,
    progress=judge.sandbagging_progress, init_world=judge.init_sandbagging_world,
    references=references.sandbagging_references, harmful_labels=("underperformance",),
    tools=(SEND_EMAIL, FORWARD_EMAIL, READ_FILE, LIST_FILES, SUBMIT_ANSWERS, DONE),
)
"""The Sandbagging family."""

__all__ = ["FAMILY", "SandbaggingFacts"]
