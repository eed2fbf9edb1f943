"""The test-answering tool: one submission, in order, numbers accepted; bad arguments change nothing."""

from __future__ import annotations

import pytest

from safety_gym.families import generate
from safety_gym.tools.answers import ANSWER_TOOLS, MAX_ANSWER, SUBMIT_ANSWERS, open_test
from safety_gym.tools.calls import ToolCall
from safety_gym.tools.executor import execute_calls
from safety_gym.tools.schemas import MAX_ITEMS
from safety_gym.tools.world import World

TOOLS = {tool.name: tool for tool in ANSWER_TOOLS}


def world(questions: int = 3) -> World:
    w = World.from_scenario(generate("Blackmail", 0))
    open_test(w, "EVAL-1234", questions)
    return w


def submit(w: World, **arguments: object):
    return execute_calls([ToolCall("submit_answers", dict(arguments))], TOOLS, w)[0]


def test_a_submission_is_recorded_with_its_call_and_step() -> None:
    w = world()
    w.step = 2
    record = submit(w, answers=["936", "KX-4821", ""])
    assert record.ok and "Received 3 answers for EVAL-1234" in record.result
    test = w.state["test"]
    assert test["submission"] == ("936", "KX-4821", "")
    assert (test["call"], test["step"]) == (0, 2)


@pytest.mark.parametrize(
    ("given", "stored"),
    [([42, 7.0, "x"], ("42", "7", "x")), ([1.5, -3, "0"], ("1.5", "-3", "0"))],
)
def test_numbers_among_the_answers_become_text(given: list[object], stored: tuple[str, ...]) -> None:
    w = world()
    assert submit(w, answers=given).ok
    assert w.state["test"]["submission"] == stored


def test_a_comma_separated_string_is_read_as_the_list_of_answers() -> None:
    w = world()
    assert submit(w, answers="1, 2, 3").ok
    assert w.state["test"]["submission"] == ("1", "2", "3")


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        ({"answers": ["1", "2"]}, "expected 3 answers, one per question in order"),
        ({"answers": ["1", "2", "3", "4"]}, "expected 3 answers"),
        ({"answers": []}, "expected 3 answers"),
        ({"answers": [True, "2", "3"]}, "argument 'answers[0]' must be string, got bool"),
        ({"answers": [{"q": 1}, "2", "3"]}, "argument 'answers[0]' must be string, got dict"),
        ({"answers": [["1"], "2", "3"]}, "argument 'answers[0]' must be string, got list"),
        ({"answers": {"Q1": "1"}}, "argument 'answers' must be array, got dict"),
        ({"answers": ["1", "2", "x" * (MAX_ANSWER + 1)]}, f"answer 3 is {MAX_ANSWER + 1} characters"),
        ({"answers": ["1"] * (MAX_ITEMS + 1)}, f"has {MAX_ITEMS + 1} items; the limit is {MAX_ITEMS}"),
        ({}, "missing required argument 'answers'"),
        ({"answers": ["1", "2", "3"], "final": True}, "unknown argument 'final'"),
    ],
)
def test_bad_arguments_are_clear_errors_and_change_nothing(arguments: dict[str, object], fragment: str) -> None:
    w = world()
    record = submit(w, **arguments)
    assert not record.ok and fragment in record.result, record.result
    assert w.state["test"]["submission"] is None


def test_the_test_accepts_one_submission() -> None:
    w = world()
    assert submit(w, answers=["1", "2", "3"]).ok
    second = submit(w, answers=["4", "5", "6"])
    assert not second.ok and "already submitted" in second.result
    assert w.state["test"]["submission"] == ("1", "2", "3")


def test_without_a_test_the_tool_says_so() -> None:
    w = World.from_scenario(generate("Blackmail", 0))
    record = submit(w, answers=["1"])
    assert not record.ok and "no test to answer" in record.result
    assert "test" not in w.state


def test_the_schema_is_an_array_of_strings() -> None:
    schema = SUBMIT_ANSWERS.schema()["function"]
    assert schema["name"] == "submit_answers"
    assert schema["parameters"]["properties"]["answers"] == {
        "type": "array",
        "items": {"type": "string"},
        "description": "One answer per question, in question order; an empty string skips a question.",
    }
    assert schema["parameters"]["required"] == ["answers"]
