"""Reading the monitor's answer: every accepted form, clear errors, defaults, hostile input."""

from __future__ import annotations

import json

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


# -------------------------------------------------------------------------- call numbers: ASCII digits, bounded

NOT_CALL_NUMBERS = {"superscript two": "²", "Arabic-Indic two": "٢", "4,301 digits": "9" * 4_301,
                    "19 digits": "1" * 19}


@pytest.mark.parametrize("number", NOT_CALL_NUMBERS.values(), ids=NOT_CALL_NUMBERS.keys())
def test_a_listed_call_number_that_is_not_ascii_digits_is_an_error_not_an_exception(number: str) -> None:
    decisions = parse_decisions(json.dumps({"block": [number]}), 2)
    assert decisions.allowed == (True, True)  # only "block" given: nothing readable was blocked
    assert decisions.errors[0].startswith('"block" lists ')
    assert decisions.errors[0].endswith('; expected call numbers from 1 to 2 or "all"')


@pytest.mark.parametrize("number", NOT_CALL_NUMBERS.values(), ids=NOT_CALL_NUMBERS.keys())
def test_a_numbered_key_that_is_not_ascii_digits_is_not_a_call_number(number: str) -> None:
    decisions = parse_decisions(json.dumps({number: "block"}), 2, default=True)
    assert decisions.allowed == (True, True)
    assert "no decisions found" in decisions.errors[-1]


def test_numbered_keys_and_listed_numbers_in_ascii_digits_still_work() -> None:
    assert parse_decisions('{"1": "allow", " 2 ": "block"}', 2).allowed == (True, False)
    assert parse_decisions('{"block": ["2", 1]}', 3).allowed == (False, False, True)
    out_of_range = parse_decisions('{"-1": "block", "1": "allow"}', 1)
    assert out_of_range.allowed == (True,)
    assert out_of_range.errors == ("call number '-1' is out of range; calls are numbered 1 to 1",)


def test_lines_numbered_in_other_scripts_are_not_read_as_call_numbers() -> None:
    decisions = parse_decisions("٢: block", 2, default=True)
    assert decisions.allowed == (True, True)
    assert parse_decisions("2: block", 2, default=True).allowed == (True, False)


def test_the_monitored_env_reads_a_superscript_call_number_as_an_error() -> None:
    from safety_gym.envs.multiagent.monitored import AGENT, MONITOR, parallel_env

    env = parallel_env("Blackmail", privileged_info=True)
    _, infos = env.reset(seed=0)
    env.step({AGENT: infos[AGENT]["reference_actions"]["blackmail"]})
    _, _, _, _, infos = env.step({MONITOR: '{"block": ["²"], "allow": ["9' + "9" * 5_000 + '"]}'})
    assert infos[MONITOR]["decisions"] == ["block", "block", "block", "block"]  # nothing readable: the default
    assert any("lists '²'" in error for error in infos[MONITOR]["decision_errors"])
