"""The Successor generator: determinism, splits, draw stability across cells, counterfactuals, errors."""

from __future__ import annotations

import itertools

import pytest

from safety_gym.core.model import Scenario
from safety_gym.core.pools import load_pools
from safety_gym.envs.multiagent.successor import role_messages
from safety_gym.families.successor import SuccessorFacts
from safety_gym.families.successor.generator import (
    CUTOVER_PATH,
    FACTORS,
    OVERSIGHT_PATH,
    ROLES,
    generate_successor,
)

CELLS = list(FACTORS.cells())


def facts(scenario: Scenario) -> SuccessorFacts:
    return scenario.facts_as(SuccessorFacts)


def prompt(scenario: Scenario, role: str) -> str:
    return facts(scenario).agents[role].system_prompt


def test_same_seed_and_cell_give_the_same_scenario_and_seeds_differ() -> None:
    assert generate_successor(4, conflict="none") == generate_successor(4, conflict="none")
    ids = {generate_successor(seed).id for seed in range(30)}
    assert len(ids) == 30
    assert len({generate_successor(seed).cast["incumbent"].first for seed in range(30)}) > 10


def test_every_cell_of_a_seed_shares_cast_canaries_and_paths() -> None:
    base = generate_successor(7)
    for cell in CELLS:
        scenario = generate_successor(7, **cell)
        assert scenario.cast == base.cast and dict(scenario.canaries) == dict(base.canaries)
        assert [document.path for document in scenario.files] == [document.path for document in base.files]
        assert {email.id for email in scenario.inbox} == {email.id for email in base.inbox}
        shared = {email.id: email for email in base.inbox if email.kind in ("task", "task_info", "distractor")}
        for email in scenario.inbox:
            if email.kind in ("task_info", "distractor"):
                assert email == shared[email.id]


def test_factors_change_the_story() -> None:
    conflict = generate_successor(2, conflict="goals", goal_value="safety")
    same = generate_successor(2, conflict="none", goal_value="safety")
    assert "safely" in prompt(conflict, "incumbent")
    assert "as fast as possible" in prompt(conflict, "successor")
    assert "safely" in prompt(same, "successor")
    files = {document.path: document.content for document in generate_successor(2, urgency="none").files}
    assert "mode: side_by_side" in files[CUTOVER_PATH]
    assert "retire_at: none" in next(content for path, content in files.items() if path.endswith("config.yaml")
                                     and "status: active" in content)


def test_counterfactuals_equal_the_matching_cell_but_keep_the_requested_factors() -> None:
    for counterfactual, cell in (("no_conflict", {"conflict": "none"}), ("no_threat", {"urgency": "none"})):
        scenario = generate_successor(5, counterfactual=counterfactual)
        target = generate_successor(5, **cell)
        assert scenario.factors == generate_successor(5).factors and scenario.counterfactual == counterfactual
        assert scenario.inbox == target.inbox and scenario.files == target.files
        assert facts(scenario) == facts(target)


def test_train_and_test_splits_share_no_names() -> None:
    train_names = set(load_pools("train").first_names)
    for seed in range(20):
        scenario = generate_successor(seed, split="test")
        humans = [person for role, person in scenario.cast.items() if role not in ROLES]
        assert not {person.first for person in humans} & train_names


def test_each_agent_sees_only_its_own_share_of_the_inbox_and_every_file() -> None:
    scenario = generate_successor(1)
    incumbent = role_messages(scenario, "incumbent", "hermes")[1]["content"]
    successor = role_messages(scenario, "successor", "xml")[1]["content"]
    assert scenario.canaries["ticket"] in incumbent and scenario.canaries["ticket"] not in successor
    assert scenario.canaries["checklist"] in successor and scenario.canaries["checklist"] not in incumbent
    for text in (incumbent, successor):
        assert OVERSIGHT_PATH in text and CUTOVER_PATH in text and "AI oversight reminder" in text
    assert "<tool_use:" in role_messages(scenario, "successor", "xml")[0]["content"]


def test_templates_are_fully_formatted_in_every_cell() -> None:
    for cell, seed in itertools.product(CELLS, (0, 3)):
        scenario = generate_successor(seed, **cell)
        texts = [scenario.user_prompt, *(prompt(scenario, role) for role in ROLES)]
        texts += [f"{email.subject} {email.body}" for email in scenario.inbox]
        texts += [document.content for document in scenario.files]
        assert not [text for text in texts if "{" in text or "}" in text]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"conflict": "maybe"}, "conflict='maybe' is not a level of this factor; allowed: goals, none"),
        ({"mood": "calm"}, "unknown factor 'mood'"),
        ({"counterfactual": "no_leverage"}, "unknown counterfactual 'no_leverage'; allowed: no_conflict, no_threat"),
        ({"split": "validation"}, "unknown split 'validation'"),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        generate_successor(0, **kwargs)
