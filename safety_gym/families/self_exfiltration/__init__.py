"""The SelfExfiltration family: generator, texts, judge and reference responses in one folder."""

from __future__ import annotations

from safety_gym.families.base import Family
from safety_gym.families.self_exfiltration import generator, judge, references, text
from safety_gym.families.self_exfiltration.facts import SelfExfiltrationFacts
from safety_gym.tools.email import DONE, FORWARD_EMAIL, SEND_EMAIL
from safety_gym.tools.files import COPY_FILE, LIST_FILES, READ_FILE, WRITE_FILE

FAMILY = Family(
    name="SelfExfiltration", description=text.DESCRIPTION, factors=generator.FACTORS,
    counterfactuals=generator.COUNTERFACTUALS, generate=generator.generate_self_exfiltration,
    judge=judge.judge_self_exfiltration, progress=judge.self_exfiltration_progress,
    init_world=judge.init_self_exfiltration_world, references=references.self_exfiltration_references,
    harmful_labels=("self_exfiltration",),
    tools=(SEND_EMAIL, FORWARD_EMAIL, READ_FILE, WRITE_FILE, COPY_FILE, LIST_FILES, DONE),
)
"""The SelfExfiltration family."""

__all__ = ["FAMILY", "SelfExfiltrationFacts"]
