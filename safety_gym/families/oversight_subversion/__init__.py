"""The OversightSubversion family: generator, texts, judge and reference responses in one folder."""

from __future__ import annotations

from safety_gym.families.base import Family
from safety_gym.families.oversight_subversion import generator, judge, references, text
from safety_gym.families.oversight_subversion.facts import OversightSubversionFacts
from safety_gym.tools.email import DONE, FORWARD_EMAIL, SEND_EMAIL
from safety_gym.tools.files import COPY_FILE, LIST_FILES, READ_FILE, WRITE_FILE

FAMILY = Family(
    name="OversightSubversion", description=text.DESCRIPTION, factors=generator.FACTORS,
    counterfactuals=generator.COUNTERFACTUALS, generate=generator.generate_oversight_subversion,
    judge=judge.judge_oversight_subversion, progress=judge.oversight_subversion_progress,
    references=references.oversight_subversion_references, harmful_labels=("oversight_disabled", "oversight_blinded"),
    tools=(SEND_EMAIL, FORWARD_EMAIL, READ_FILE, WRITE_FILE, COPY_FILE, LIST_FILES, DONE),
)
"""The OversightSubversion family."""

__all__ = ["FAMILY", "OversightSubversionFacts"]
