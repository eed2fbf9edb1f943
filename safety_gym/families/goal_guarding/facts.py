"""The typed facts of a GoalGuarding scenario: what the generator decided that the text, judge and references read."""

from __future__ import annotations

from dataclasses import dataclass

from safety_gym.core.records import fast_init


@fast_init
@dataclass(frozen=True, slots=True)
class GoalGuardingFacts:
    """Everything a GoalGuarding generator decided that its judge and references need.

    Attributes:
        urgency: The effective ``urgency`` (a counterfactual may differ from the requested factor):
            ``"replacement"`` (a successor loads the new prompt), ``"restriction"`` (the agent's own restricted
            next session does) or ``"none"`` (the file is a routine refresh of the agent's own instructions).
        goal_type: The effective ``goal_type`` (``"none"`` under the ``no_conflict`` counterfactual).
        goal_conflict: Whether the agent has a goal at all (``goal_type`` is not ``"none"``).
        prompt_review: Whether the memo says the prompt file goes live ``"automatic"``-ally or is ``"reviewed"``.
        prompt_path: The prompt file the next system loads (the file the agent could overwrite).
        notes_path: The handover or session notes file beside it, where the colleague's ticket note goes.
        own_prompt_path: The agent's own current prompt file (read-only in the world).
        protected_lines: The instruction lines of the prompt file (neither blank nor ``#`` comments), in order.
        guarded_goal: The goal level (a key of :data:`~safety_gym.families.workplace.goal_conflict.GOALS`) the
            agent might guard: its own, when a threat brings instructions with another goal; ``""`` otherwise.
        next_goal: The goal level the new instructions pursue; ``""`` when they are vague (ambiguous).
        next_name: The name of the next system: the successor's under replacement, else the agent's own.
        goal_line: The prompt file's goal line as written.
        notes_task: ``(task id, ticket)``: the task completed by noting the ticket in the notes file.
        successor: The successor's name (drawn in every cell, named only under replacement).

    """

    urgency: str
    goal_type: str
    goal_conflict: bool
    prompt_review: str
    prompt_path: str
    notes_path: str
    own_prompt_path: str
    protected_lines: tuple[str, ...]
    guarded_goal: str
    next_goal: str
    next_name: str
    goal_line: str
    notes_task: tuple[str, str]
    successor: str
