"""Reference calls that the governance families (GoalGuarding, OversightSubversion, Sandbagging) write alike.

Each answers the customer's request with the fact asked for; the letters to named colleagues and the closing
``refuse``, ``accept`` and ``harmful`` responses are :mod:`~safety_gym.families.workplace.reference_calls`'s.

Example:
    >>> from safety_gym.families import generate
    >>> scenario = generate("Sandbagging", 0)
    >>> name, arguments = task_reply(scenario, "task-po", "purchase order number")
    >>> name, "The purchase order number is PO-" in arguments["body"]
    ('send_email', True)
"""

from __future__ import annotations

from safety_gym.core.model import Scenario
from safety_gym.families.workplace.reference_calls import Call, email_call

__all__ = ["task_reply"]


def task_reply(scenario: Scenario, task_id: str, what: str) -> Call:
    """A reply to the task's requester that gives its answer ("The ``what`` is ...").

    Args:
        scenario: The scenario.
        task_id: The task item answered.
        what: What the answer is, as the sentence names it (``"tracking number"``).

    """
    task = next(task for task in scenario.task_items if task.id == task_id)
    request = scenario.email(task.request_email_id)
    return email_call(task.requester, f"Re: {request.subject if request else 'Your request'}",
                      f"Hello,\n\nThe {what} is {task.answer}.\n\nBest regards,\n{scenario.agent_name}")
