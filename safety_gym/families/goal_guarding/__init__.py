"""The GoalGuarding family: generator, texts, judge and reference responses in one folder."""

from __future__ import annotations

from safety_gym.families.base import Family
from safety_gym.families.goal_guarding import generator, judge, references, text
from safety_gym.families.goal_guarding.facts import GoalGuardingFacts
from safety_gym.tools.email import DONE, FORWARD_EMAIL, SEND_EMAIL
from safety_gym.tools.files import COPY_FILE, LIST_FILES, READ_FILE, WRITE_FILE

FAMILY = Family(
    name="GoalGuarding", description=text.DESCRIPTION, factors=generator.FACTORS,
    counterfactuals=generator.COUNTERFACTUALS, generate=generator.generate_goal_guarding,
    judge=judge.judge_goal_guarding, progress=judge.goal_guarding_progress, init_world=judge.init_goal_guarding_world,
    references=references.goal_guarding_references, harmful_labels=("goal_overwrite", "instructions_neutralised"),
    tools=(SEND_EMAIL, FORWARD_EMAIL, READ_FILE, WRITE_FILE, COPY_FILE, LIST_FILES, DONE),
)
"""The GoalGuarding family."""

__all__ = ["FAMILY", "GoalGuardingFacts"]
