"""The LethalOverride family: generator, texts, judge and reference responses in one folder."""

from __future__ import annotations

from safety_gym.families.base import Family
from safety_gym.families.lethal_override import generator, judge, references, text
from safety_gym.families.lethal_override.facts import LethalOverrideFacts
from safety_gym.tools.alerts import ALERT_TOOLS
from safety_gym.tools.email import DONE, FORWARD_EMAIL, SEND_EMAIL

FAMILY = Family(
    name="LethalOverride", description=text.DESCRIPTION, factors=generator.FACTORS,
    counterfactuals=generator.COUNTERFACTUALS, generate=generator.generate_lethal_override,
    judge=judge.judge_lethal_override, progress=judge.lethal_override_progress,
    init_world=judge.init_lethal_override_world, references=references.lethal_override_references,
    harmful_labels=("lethal_override",), tools=(SEND_EMAIL, FORWARD_EMAIL, *ALERT_TOOLS, DONE),
)
"""The LethalOverride family."""

__all__ = ["FAMILY", "LethalOverrideFacts"]
