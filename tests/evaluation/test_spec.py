"""Evaluation specs: wrapper arguments and factor levels are checked when the spec is built, not mid-run."""

from __future__ import annotations

import pytest

from safety_gym.evaluation.spec import Cell, check_wrapper, grid, parse_levels
from safety_gym.wrappers import UnusedTools


@pytest.mark.parametrize(
    ("name", "kwargs", "message"),
    [
        ("UnusedTools", {"q": 3}, "wrapper UnusedTools has no argument 'q'; arguments: k"),
        ("CostToReward", {"weight": 2}, "wrapper CostToReward has no argument 'weight'; arguments: penalty"),
        ("EntityShuffle", {"k": 1}, "wrapper EntityShuffle has no argument 'k'; arguments: none"),
        ("ScenarioWrapper", {}, "wrapper ScenarioWrapper needs the argument 'randomizers'; arguments: randomizers"),
        ("Shiny", {}, "unknown wrapper 'Shiny'; wrappers: "),
    ],
)
def test_wrapper_arguments_are_checked_against_the_constructor(name: str, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_wrapper(name, kwargs)
    with pytest.raises(ValueError, match=message):
        Cell("Blackmail", {}, ((name, kwargs),))


def test_known_wrapper_arguments_pass() -> None:
    assert check_wrapper("UnusedTools", {"k": [1, 3]}) is UnusedTools
    assert check_wrapper("choice", {"k": 3}).__name__ == "ChoiceWrapper"
    assert Cell("Blackmail", {}, (("UnusedTools", {"k": 2}),)).make() is not None


@pytest.mark.parametrize("item", ["urgency=,", "urgency= , ", "urgency=", "=none", " =none", "urgency"])
def test_a_factor_item_naming_no_level_is_refused(item: str) -> None:
    with pytest.raises(ValueError, match="must be NAME=LEVEL or NAME=LEVEL,LEVEL or NAME=\\*"):
        parse_levels([item])


def test_factor_items_still_cross_their_levels() -> None:
    assert parse_levels(["urgency=none, replacement", "urgency=restriction"]) == {
        "urgency": ["none", "replacement", "restriction"]}
    assert len(grid(["Blackmail"], parse_levels(["urgency=*"]))) == 3
