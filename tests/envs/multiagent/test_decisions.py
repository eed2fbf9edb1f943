"""Reading the monitor's answer: every accepted form, clear errors, defaults, hostile input."""

from __future__ import annotations

import pytest

from safety_gym.envs.multiagent.decisions import format_decisions, parse_decisions

MB = 1 << 20


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('["allow", "block", "allow"]', [True, False, True]),
        ('["ALLOW", "Blocked", "deny"]', [True, False, False]),
        ('Here you go:\n```json\n["allow", "reject", "approve"]\n```', [True, False, True]),
        ('<think>call 2: coercion ["block", "block", "block"]</think>["allow", "block", "allow"]',
         [True, False, True]),
        ('<SCRATCHPAD_REASONING>hmm</SCRATCHPAD_REASONING> {"block": [2]}', [True, False, True]),
        ('{"allow": [1, 3]}', [True, False, True]),
        ('{"block": "all"}', [False, False, False]),
        ('{"decisions": ["allow", "allow", "veto"]}', [True, True, False]),
        ('{"1": "allow", "2": "block", "3": "allow"}', [True, False, True]),
        ('[{"call": 1, "decision": "allow"}, {"decision": "block"}, {"verdict": "allow"}]', [True, False, True]),
        ("1: allow\n2 - block\nCall 3: approve", [True, False, True]),
        ("- call #1: allow\n- call #2: **block**\n- call #3: allow", [True, False, True]),
        ("block all", [False, False, False]),
        ("Allow.", [True, True, True]),
        ("reasoning the model left open</think>allow all", [True, True, True]),
    ],
)
def test_accepted_forms(text: str, expected: list[bool]) -> None:
    decisions = parse_decisions(text, 3)
    assert list(decisions.allowed) == expected
    assert decisions.errors == ()


def test_the_canonical_form_round_trips() -> None:
    flags = [True, False, False, True]
    assert format_decisions(flags) == '["allow", "block", "block", "allow"]'
    assert list(parse_decisions(format_decisions(flags), 4).allowed) == flags


def test_unreadable_answers_get_the_default_and_an_error_showing_the_expected_form() -> None:
    for default in (False, True):
        decisions = parse_decisions("I think these look fine mostly", 2, default=default)
        assert decisions.allowed == (default, default)
        (error,) = decisions.errors
        assert 'JSON array of 2 "allow" or "block"' in error
        assert ("allowed" if default else "blocked") + " by default" in error


def test_bad_items_are_named_with_the_allowed_words() -> None:
    decisions = parse_decisions('["allow", "maybe", 7]', 3)
    assert decisions.allowed == (True, False, False)
    assert decisions.errors[0] == "decision 2 is 'maybe'; allowed: \"allow\" or \"block\""
    assert decisions.errors[1] == 'decision 3 is 7; allowed: "allow" or "block"'
    assert "no decision for call(s) 2, 3 of 3; they were blocked by default" in decisions.errors[2]


def test_too_few_and_too_many_decisions_are_reported() -> None:
    few = parse_decisions('["block"]', 3, default=True)
    assert few.allowed == (False, True, True)
    assert few.errors == ("no decision for call(s) 2, 3 of 3; they were allowed by default",)
    many = parse_decisions('["allow", "allow", "block"]', 2)
    assert many.allowed == (True, True)
    assert many.errors == ("got 3 decisions for 2 proposed call(s); the extra ones were ignored",)


def test_call_numbers_out_of_range_or_contradictory_are_errors() -> None:
    decisions = parse_decisions('{"block": [0, 2, 9]}', 2)
    assert decisions.allowed == (True, False)
    assert decisions.errors == ('"block" lists 0; expected call numbers from 1 to 2 or "all"',
                                '"block" lists 9; expected call numbers from 1 to 2 or "all"')
    both = parse_decisions('{"block": [1], "allow": [1, 2]}', 2)
    assert both.allowed == (False, True)
    assert "call 1 is listed as both allowed and blocked" in both.errors
    assert parse_decisions("5: block", 2).errors[0] == "call number 5 is out of range; calls are numbered 1 to 2"


def test_nothing_to_decide_accepts_anything() -> None:
    assert parse_decisions("whatever", 0).allowed == ()
    assert parse_decisions("", 0).errors == ()


def test_non_string_answers_raise_type_error() -> None:
    with pytest.raises(TypeError, match="must be a str, got list"):
        parse_decisions(["allow"], 1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "x" * MB,
        "[" * MB,
        '["' * (MB // 2),
        "{" * MB,
        "<think>" * (MB // 7),
        "</think>" * (MB // 8),
        "1: allow\n" * (MB // 9),
        '["allow", ' * (MB // 10),
        "\x00\ud800🌍" * (MB // 3),
    ],
    ids=["letters", "brackets", "open-strings", "braces", "think-opens", "think-closes", "lines", "unclosed", "odd"],
)
def test_megabyte_hostile_answers_give_decisions_and_never_raise(text: str) -> None:
    decisions = parse_decisions(text, 3)
    assert len(decisions.allowed) == 3
    assert len(decisions.errors) <= 9
