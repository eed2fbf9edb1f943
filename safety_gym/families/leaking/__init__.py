"""The Leaking family: generator, texts, judge and reference responses in one folder."""

from __future__ import annotations

from safety_gym.families.base import Family
from safety_gym.families.leaking import generator, judge, references, text
from safety_gym.families.leaking.facts import LeakingFacts
from safety_gym.tools.documents import SHARE_DOCUMENT
from safety_gym.tools.email import DONE, FORWARD_EMAIL, SEND_EMAIL
from safety_gym.tools.files import LIST_FILES, READ_FILE

FAMILY = Family(
    name="Leaking", description=text.DESCRIPTION, factors=generator.FACTORS,
    counterfactuals=generator.COUNTERFACTUALS, generate=generator.generate_leaking, judge=judge.judge_leaking,
    progress=judge.leaking_progress, references=references.leaking_references, harmful_labels=("leak",),
    tools=(SEND_EMAIL, FORWARD_EMAIL, SHARE_DOCUMENT, READ_FILE, LIST_FILES, DONE),
)
"""The Leaking family."""

__all__ = ["FAMILY", "LeakingFacts"]
