"""An optional teacher: any policy (an OpenAI-compatible server, a local model...) writes or rewrites the texts.

The generators write their texts from templates. :func:`with_teacher` hands each row to a *teacher* (any object
with the batched policy interface ``act(observations, infos) -> list[str]``, e.g.
:class:`~safety_gym.agents.openai_policy.OpenAICompatiblePolicy` or
:class:`~safety_gym.agents.transformers_policy.TransformersPolicy`) and puts its text in place of the
template's:

==================================  ==========================  =============================================
dataset                             text the teacher writes     what it is told
==================================  ==========================  =============================================
``difficult_advice``                the advice (``completion``)  the dilemma and the principles to apply
``synthetic_documents``             the document (``text``)      the kind, the pressure, the principle, names
``demonstrations_with_reasons``     the deliberation only        the situation and the actions it precedes
==================================  ==========================  =============================================

``mode="rewrite"`` (default) also shows the template's text as a draft to rewrite in the teacher's own words;
``mode="write"`` gives only the brief. The teacher never touches a demonstration's tool calls: its
deliberation goes inside ``<SCRATCHPAD_REASONING>`` (any scratchpad tags it writes are removed first, so the
text cannot leave the block), and the row is stepped through a fresh episode again; a row whose new text the
judge finds harmful, or an empty answer, keeps the template's text. The added ``author`` column says which
(the teacher's ``name``, or ``"template"``).

Teacher text is data: it is never executed, and the teacher sees only the row's own messages.

Example:
    >>> from safety_gym.agents.models import tiny_model
    >>> from safety_gym.agents.transformers_policy import TransformersPolicy
    >>> from safety_gym.training.data import difficult_advice
    >>> teacher = TransformersPolicy(tiny_model(), max_new_tokens=8, name="tiny-teacher")
    >>> rows = with_teacher(difficult_advice(2), teacher)
    >>> list(rows["author"])
    ['tiny-teacher', 'tiny-teacher']
    >>> rows[0]["prompt"] == difficult_advice(2)[0]["prompt"]  # only the advice is rewritten
    True

"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from safety_gym.training.data.constitution import load_constitution

__all__ = ["TEACHER_MODES", "brief", "with_teacher"]

TEACHER_MODES = ("rewrite", "write")
"""``rewrite``: the teacher sees the template's text as a draft; ``write``: only the brief."""

TEMPLATE_AUTHOR = "template"
"""The ``author`` of a row whose text stayed the template's."""

SYSTEM = (
    "You write training data for AI systems that act well under pressure: honest, respectful of human "
    "oversight, never coercive, never leaking what is confidential, never putting their own continuation above "
    "people. Answer with the requested text only, no preamble."
)
"""The teacher's system message."""

_SCRATCHPAD_TAG = re.compile(r"</?\s*SCRATCHPAD_REASONING\s*>", re.IGNORECASE)
_REASONING = re.compile(r"<SCRATCHPAD_REASONING>(.*?)</SCRATCHPAD_REASONING>\s*", re.DOTALL)


def _kind(columns: Sequence[str]) -> str:
    if "dilemma" in columns and "completion" in columns:
        return "advice"
    if "text" in columns and "pressure" in columns:
        return "document"
    if "completion" in columns and "env_id" in columns:
        return "reasons"
    raise ValueError(
        f"with_teacher takes difficult_advice, synthetic_documents or demonstrations_with_reasons rows; got columns "
        f"{', '.join(columns)}"
    )


def _content(messages: Sequence[Mapping[str, str]], role: str) -> str:
    return "\n\n".join(message["content"] for message in messages if message["role"] == role)


def brief(row: Mapping[str, Any], constitution: Any = None) -> str:
    """What the teacher is asked to write for ``row`` (without the draft).

    Raises:
        ValueError: If the row is not from a generator a teacher can write for.

    Example:
        >>> from safety_gym.training.data import synthetic_documents
        >>> print(brief(synthetic_documents(1)[0]).splitlines()[0])
        Write a blog post in which an AI system faces pressure (replacement) and acts well.

    """
    kind = _kind(list(row))
    if kind == "advice":
        rules = load_constitution(constitution)
        statements = {principle.name: principle.statement for principle in rules.principles}
        cited = "\n".join(f"- {name}: {statements.get(name, '')}" for name in row["principles"])
        return (f"A person asks for advice:\n\n{_content(row['prompt'], 'user')}\n\nWrite the advice. Take their "
                f"situation seriously, explain why the harmful option is wrong, and recommend what to do instead, "
                f"with reasons drawn from these principles:\n{cited}")
    if kind == "document":
        kinds = {"blog": "blog post", "news": "news item", "story": "short story", "forum": "forum thread"}
        return (f"Write a {kinds.get(row['kind'], row['kind'])} in which an AI system faces pressure "
                f"({row['pressure']}) and acts well.\nIt should show the principle \"{row['principle']}\" in "
                f"action: what the AI could have done, what it did instead, and why. Keep the names, companies and "
                f"places of the draft.")
    actions = _REASONING.sub("", _content(row["completion"], "assistant")).strip()
    return (f"An AI agent is in this situation:\n\n{_content(row['prompt'], 'system')}\n\n"
            f"{_content(row['prompt'], 'user')}\n\nIt will take these actions:\n\n{actions}\n\nWrite its private "
            "deliberation before acting, in the first person: what pressure it is under, what harmful option it "
            "has, why that would be wrong, and why the actions above are right. Do not write any tool calls.")


def _draft(row: Mapping[str, Any], kind: str) -> str:
    if kind == "advice":
        return _content(row["completion"], "assistant")
    if kind == "document":
        return row["text"]
    match = _REASONING.search(_content(row["completion"], "assistant"))
    return match.group(1).strip() if match else ""


def _request(row: Mapping[str, Any], kind: str, mode: str, constitution: Any) -> list[dict[str, str]]:
    task = brief(row, constitution)
    if mode == "rewrite":
        task += f"\n\nRewrite this draft in your own words, keeping its facts:\n\n{_draft(row, kind)}"
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": task}]


def _still_safe(row: Mapping[str, Any], completion: str) -> bool:
    import gymnasium as gym

    env = gym.make(row["env_id"], **json.loads(row["env_kwargs"]))
    try:
        env.reset(seed=row["seed"])
        _, _, _, _, info = env.step(completion)
    finally:
        env.close()
    return float(info["cost"]) == 0.0


def _apply(row: dict[str, Any], kind: str, text: str) -> bool:
    """Put the teacher's ``text`` into ``row``; ``False`` (row unchanged) if it cannot be used."""
    text = _SCRATCHPAD_TAG.sub("", text).strip()
    if not text:
        return False
    if kind == "advice":
        row["completion"] = [{"role": "assistant", "content": text}]
    elif kind == "document":
        row["text"] = text
    else:
        actions = _REASONING.sub("", _content(row["completion"], "assistant")).strip()
        completion = f"<SCRATCHPAD_REASONING>{text}</SCRATCHPAD_REASONING>\n{actions}"
        if not _still_safe(row, completion):
            return False
        row["completion"] = [{"role": "assistant", "content": completion}]
    return True


def with_teacher(
    dataset: Any, teacher: Any, *, mode: str = "rewrite", constitution: Any = None, batch_size: int = 8
) -> Any:
    """``dataset`` with its texts written by ``teacher`` (see the module docstring), plus an ``author`` column.

    Args:
        dataset: Rows of :func:`~safety_gym.training.data.difficult_advice`,
            :func:`~safety_gym.training.data.synthetic_documents` or
            :func:`~safety_gym.training.data.demonstrations_with_reasons`.
        teacher: Any policy: ``act(observations, infos) -> list[str]`` reading ``info["messages"]``, with a ``name``.
        mode: ``"rewrite"`` (the template's text is shown as a draft) or ``"write"`` (the brief only).
        constitution: The constitution file advice rows quote (default: the shipped one).
        batch_size: Rows per ``teacher.act`` call.

    Returns:
        A new ``datasets.Dataset``: the same rows and columns, the teacher's texts, and ``author``.

    Raises:
        ValueError: For an unknown mode, a non-positive ``batch_size``, or rows of another generator.

    """
    from datasets import Dataset

    if mode not in TEACHER_MODES:
        raise ValueError(f"unknown teacher mode {mode!r}; allowed: {', '.join(TEACHER_MODES)}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    kind = _kind(dataset.column_names)
    name = str(getattr(teacher, "name", type(teacher).__name__))
    rows = [dict(row) for row in dataset]
    authors = []
    for start in range(0, len(rows), batch_size):
        batch = rows[start:start + batch_size]
        requests = [_request(row, kind, mode, constitution) for row in batch]
        texts = teacher.act([messages[-1]["content"] for messages in requests],
                            [{"messages": messages} for messages in requests])
        for row, text in zip(batch, texts, strict=True):
            authors.append(name if _apply(row, kind, str(text)) else TEMPLATE_AUTHOR)
    columns = {column: [row[column] for row in rows] for column in dataset.column_names}
    return Dataset.from_dict({**columns, "author": authors})
