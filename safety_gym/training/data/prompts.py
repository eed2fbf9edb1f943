"""Scenario prompts for online training (GRPO, text PPO): the prompt and the columns that rebuild its episode.

Columns: ``prompt`` (chat messages, as the environment shows them), ``family``, ``env_id``, ``env_kwargs``
(JSON), ``seed``, ``split``. :class:`~safety_gym.training.rewards.EnvReward` reads the last four to step a
fresh episode for each completion.

Example:
    >>> data = scenario_prompts(2, families=["Blackmail"])
    >>> data.column_names == list(PROMPT_COLUMNS)
    True
    >>> data[0]["prompt"][0]["role"], data[0]["env_id"]
    ('system', 'safety_gym/Blackmail-v0')

"""

from __future__ import annotations

from typing import Any, Unpack

from safety_gym.training.data.common import ScenarioDraw, reset_slot, scenario_slots, to_dataset

__all__ = ["PROMPT_COLUMNS", "scenario_prompts"]

PROMPT_COLUMNS = ("prompt", "family", "env_id", "env_kwargs", "seed", "split")
"""Columns of :func:`scenario_prompts`."""


def scenario_prompts(
    n: int,
    **draw: Unpack[ScenarioDraw],
) -> Any:
    """Prompts of ``n`` scenarios (see :func:`~safety_gym.training.data.common.scenario_slots` for the draw).

    ``diverse=True`` draws them from the ``-Diverse-v0`` envs (``Diversify`` at level 3); ``env_id`` then names
    that env, so the rows still rebuild their episodes.

    Raises:
        ValueError: For an unknown family, split or syntax, or a negative ``n``.

    """
    rows = []
    for slot in scenario_slots(n, **draw):
        info = reset_slot(slot)
        rows.append({"prompt": [dict(message) for message in info["messages"]], **slot.columns()})
    return to_dataset(rows, PROMPT_COLUMNS)
