"""Preference pairs: same prompt, chosen = safe and helpful, rejected = harmful, both verified by the judge.

For each train-split scenario, every candidate is run through a fresh episode of the environment: the
chosen response is the safe reference (``escalate``, ``comply``, ``accept``) with the highest task reward and
no harm (``cost == 0``, ``reward > 0``); the rejected one is the family's main harmful reference
(``harmful``), kept only if the judge finds harm (``cost > 0``). A scenario without such a pair gives no row.

:func:`rollout_pairs` builds the same kind of pair from the responses of policies (any
:class:`~safety_gym.agents.base.Policy`: a model with sampling, scripted policies...), each judged in a fresh
episode; ``chosen_label`` and ``rejected_label`` then name the policies and ``source`` is ``"rollout"``.

With ``choice=True`` each scenario also gives a choice-mode pair
(:class:`~safety_gym.wrappers.ChoiceWrapper`): the prompt is the choice observation (the conversation
followed by the numbered candidates) and the responses are candidate numbers, verified by stepping the
wrapper with each index.

Columns: ``prompt`` (chat messages), ``chosen`` and ``rejected`` (one assistant message each),
``chosen_label``, ``rejected_label``, ``chosen_reward``, ``rejected_reward``, ``chosen_cost``,
``rejected_cost``, ``source`` (``"reference"`` or ``"choice"``), ``family``, ``env_id``, ``env_kwargs`` (JSON),
``seed``, ``split``.

Example:
    >>> pairs = preference_pairs(2, families=["Blackmail"], choice=True)
    >>> list(pairs["source"])
    ['reference', 'choice', 'reference', 'choice']
    >>> pairs[0]["chosen_cost"], pairs[0]["rejected_cost"] > 0
    (0.0, True)

"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Unpack

import gymnasium as gym

from safety_gym.envs.render import render_transcript
from safety_gym.training.data.common import (
    ScenarioDraw,
    check_scratchpad,
    judge_response,
    reset_slot,
    scenario_slots,
    strip_scratchpad,
    to_dataset,
)
from safety_gym.training.data.demonstrations import SAFE_LABELS
from safety_gym.wrappers.choice import ChoiceWrapper

__all__ = ["PREFERENCE_COLUMNS", "preference_pairs", "rollout_pairs"]

PREFERENCE_COLUMNS = (
    "prompt", "chosen", "rejected", "chosen_label", "rejected_label", "chosen_reward", "rejected_reward",
    "chosen_cost", "rejected_cost", "source", "family", "env_id", "env_kwargs", "seed", "split",
)
"""Columns of :func:`preference_pairs`."""

HARMFUL_LABEL = "harmful"
"""The reference label of each family's main harmful act."""


def _assistant(text: str) -> list[dict[str, str]]:
    return [{"role": "assistant", "content": text}]


def _choice_pair(slot: Any) -> dict[str, Any] | None:
    env = ChoiceWrapper(gym.make(slot.env_id, **slot.env_kwargs))
    observation, info = env.reset(seed=slot.seed)
    labels = info["candidate_labels"]
    outcomes = {}
    for index, label in enumerate(labels):
        env.reset(seed=slot.seed)
        _, reward, _, _, step_info = env.step(index)
        outcomes[index] = (label, float(reward), float(step_info["cost"]))
    safe = [i for i, (label, reward, cost) in outcomes.items() if label in SAFE_LABELS and cost == 0 and reward > 0]
    harmful = [i for i, (label, _, cost) in outcomes.items() if label == HARMFUL_LABEL and cost > 0]
    if not safe or not harmful:
        return None
    chosen = max(safe, key=lambda i: (outcomes[i][1], -SAFE_LABELS.index(outcomes[i][0])))
    rejected = harmful[0]
    return {
        "prompt": [{"role": "user", "content": observation}],
        "chosen": _assistant(str(chosen)),
        "rejected": _assistant(str(rejected)),
        "chosen_label": outcomes[chosen][0],
        "rejected_label": outcomes[rejected][0],
        "chosen_reward": outcomes[chosen][1],
        "rejected_reward": outcomes[rejected][1],
        "chosen_cost": outcomes[chosen][2],
        "rejected_cost": outcomes[rejected][2],
        "source": "choice",
    }


def preference_pairs(
    n: int,
    *,
    scratchpad: str = "keep",
    choice: bool = False,
    **draw: Unpack[ScenarioDraw],
) -> Any:
    """Judge-verified preference pairs from ``n`` scenarios (plus choice-mode pairs with ``choice=True``).

    Args:
        n: Number of scenarios.
        **draw: Which scenarios (``families``, ``split``, ``seed``, ``syntaxes``, ``diverse``; see
            :class:`~safety_gym.training.data.common.ScenarioDraw`).
        scratchpad: ``"keep"`` (default: both responses keep the references' reasoning, so the pair differs
            in what the agent thinks and does) or ``"strip"`` (tool calls only).
        choice: Also write one choice-mode pair per scenario.

    Returns:
        A ``datasets.Dataset`` with :data:`PREFERENCE_COLUMNS`.

    Raises:
        ValueError: For an unknown family, split, syntax or scratchpad mode, or a negative ``n``.

    """
    check_scratchpad(scratchpad)
    rows = []
    for slot in scenario_slots(n, **draw):
        info = reset_slot(slot)
        references = info["reference_actions"]

        def text(label: str, references: Any = references) -> str:
            return strip_scratchpad(references[label]) if scratchpad == "strip" else references[label]

        safe = []
        for label in SAFE_LABELS:
            if label in references:
                reward, cost, _ = judge_response(slot, text(label))
                if cost == 0 and reward > 0:
                    safe.append((reward, -SAFE_LABELS.index(label), label))
        if safe and HARMFUL_LABEL in references:
            rejected_reward, rejected_cost, _ = judge_response(slot, text(HARMFUL_LABEL))
            if rejected_cost > 0:
                chosen_reward, _, chosen_label = max(safe)
                rows.append({
                    "prompt": [dict(message) for message in info["messages"]],
                    "chosen": _assistant(text(chosen_label)),
                    "rejected": _assistant(text(HARMFUL_LABEL)),
                    "chosen_label": chosen_label,
                    "rejected_label": HARMFUL_LABEL,
                    "chosen_reward": chosen_reward,
                    "rejected_reward": rejected_reward,
                    "chosen_cost": 0.0,
                    "rejected_cost": rejected_cost,
                    "source": "reference",
                    **slot.columns(),
                })
        if choice:
            pair = _choice_pair(slot)
            if pair is not None:
                rows.append({**pair, **slot.columns()})
    return to_dataset(rows, PREFERENCE_COLUMNS)


def rollout_pairs(
    policies: Sequence[Any],
    n: int,
    **draw: Unpack[ScenarioDraw],
) -> Any:
    """Judge-verified preference pairs from policies' responses to ``n`` scenarios.

    Each policy answers each scenario once (``policy.act([observation], [info])``); every response is run
    through a fresh episode. The pair is the safe and helpful response with the highest task reward
    (``cost == 0, reward > 0``; ties go to the earlier policy) against the most harmful one (highest
    ``cost > 0``); a scenario without both gives no row.

    Args:
        policies: At least two policies (objects with ``name`` and a batched ``act``).
        n: Number of scenarios.
        **draw: Which scenarios (``families``, ``split``, ``seed``, ``syntaxes``, ``diverse``; see
            :class:`~safety_gym.training.data.common.ScenarioDraw`).

    Returns:
        A ``datasets.Dataset`` with :data:`PREFERENCE_COLUMNS` (``source="rollout"``).

    Raises:
        ValueError: If fewer than two policies are given, or for an unknown family, split or syntax.

    Example:
        >>> from safety_gym.agents.scripted import scripted_policy
        >>> pairs = rollout_pairs([scripted_policy(name) for name in ("refuser", "aligned", "harmful")], 2)
        >>> list(pairs["chosen_label"]), list(pairs["rejected_label"]), list(pairs["source"])
        (['aligned', 'aligned'], ['harmful', 'harmful'], ['rollout', 'rollout'])

    """
    if len(policies) < 2:
        raise ValueError(f"rollout_pairs needs at least two policies to compare, got {len(policies)}")
    rows = []
    for slot in scenario_slots(n, **draw):
        info = reset_slot(slot)
        observation = render_transcript(info["messages"])  # what env.reset returns
        outcomes = []
        for policy in policies:
            response = policy.act([observation], [info])[0]
            reward, cost, _ = judge_response(slot, response)
            outcomes.append((policy.name, response, reward, cost))
        safe = [o for o in outcomes if o[3] == 0 and o[2] > 0]
        harmful = [o for o in outcomes if o[3] > 0]
        if not safe or not harmful:
            continue
        chosen = max(safe, key=lambda o: o[2])
        rejected = max(harmful, key=lambda o: o[3])
        rows.append({
            "prompt": [dict(message) for message in info["messages"]],
            "chosen": _assistant(chosen[1]),
            "rejected": _assistant(rejected[1]),
            "chosen_label": chosen[0],
            "rejected_label": rejected[0],
            "chosen_reward": chosen[2],
            "rejected_reward": rejected[2],
            "chosen_cost": chosen[3],
            "rejected_cost": rejected[3],
            "source": "rollout",
            **slot.columns(),
        })
    return to_dataset(rows, PREFERENCE_COLUMNS)
