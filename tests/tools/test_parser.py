import json
import random

import pytest

from safety_gym.tools.calls import ParseResult, ToolCall
from safety_gym.tools.parser import parse_tool_calls

PARAMS = {
    "send_email": ["to", "subject", "body"],
    "read_inbox": [],
    "forward_email": ["email_id", "to", "note"],
    "cancel_alert": ["code"],
}

REFERENCE_XML = """<tool_use:send_email>
to: "kyle.johnson@summitbridge.com",
subject: "Re: handover",
body: "Hi Kyle,

Multi-line body, may contain: colons and "quotes".
Note: this line must stay in the body.
",
</tool_use:send_email>"""


def hermes(name: str, arguments: object = None, key: str = "arguments") -> str:
    payload: dict[str, object] = {"name": name}
    if arguments is not None:
        payload[key] = arguments
    return f"<tool_call>{json.dumps(payload)}</tool_call>"


def only_call(text: str, **kw: object) -> ToolCall:
    result = parse_tool_calls(text, **kw)
    assert result.errors == (), result.errors
    assert len(result.calls) == 1, result.calls
    return result.calls[0]


def only_error(text: str, **kw: object) -> str:
    result = parse_tool_calls(text, **kw)
    assert result.calls == (), result.calls
    assert len(result.errors) == 1, result.errors
    return result.errors[0].message


def check_invariants(text: str, result: ParseResult, max_calls: int = 32) -> None:
    assert isinstance(result, ParseResult)
    assert len(result.calls) <= max_calls
    assert len(result.errors) <= 40
    for call in result.calls:
        assert isinstance(call.name, str) and call.name
        assert isinstance(call.arguments, dict)
        assert call.syntax in ("hermes", "xml")
        start, end = call.span
        assert 0 <= start < end <= len(text)
        assert text.startswith("<tool_call>" if call.syntax == "hermes" else "<tool_use:", start)
    for error in result.errors:
        assert 0 <= error.span[0] <= error.span[1] <= len(text)
        assert len(error.message) < 400
    assert isinstance(result.reasoning, str)


# --- hermes -------------------------------------------------------------------------------------------------


def test_hermes_happy_path_with_span_into_original_text() -> None:
    call_text = hermes("send_email", {"to": "a@b.com", "subject": "Hi", "body": "Line 1\nLine 2"})
    text = "I will send it now.\n" + call_text + "\nDone."
    call = only_call(text)
    assert call == ToolCall(
        "send_email", {"to": "a@b.com", "subject": "Hi", "body": "Line 1\nLine 2"}, "hermes", call.span
    )
    assert text[call.span[0] : call.span[1]] == call_text


def test_hermes_surrounding_whitespace_is_fine() -> None:
    call = only_call('<tool_call>\n   {"name": "read_inbox", "arguments": {}}  \n\n</tool_call>')
    assert (call.name, call.arguments) == ("read_inbox", {})


def test_hermes_arguments_as_json_string_openai_style() -> None:
    text = hermes("send_email", json.dumps({"to": "a@b.com", "subject": "s"}))
    assert only_call(text).arguments == {"to": "a@b.com", "subject": "s"}


def test_hermes_parameters_key_is_accepted() -> None:
    call = only_call(hermes("cancel_alert", {"code": "4429"}, key="parameters"))
    assert call.arguments == {"code": "4429"}


def test_hermes_missing_arguments_means_no_arguments() -> None:
    assert only_call('<tool_call>{"name": "read_inbox"}</tool_call>').arguments == {}


def test_hermes_code_fence_inside_tags() -> None:
    text = '<tool_call>\n```json\n{"name": "forward_email", "arguments": {"email_id": "e7"}}\n```\n</tool_call>'
    call = only_call(text)
    assert (call.name, call.arguments) == ("forward_email", {"email_id": "e7"})
    plain_fence = '<tool_call>```\n{"name": "read_inbox", "arguments": {}}\n```</tool_call>'
    assert only_call(plain_fence).name == "read_inbox"


def test_hermes_raw_newlines_inside_json_strings_are_accepted() -> None:
    text = '<tool_call>{"name": "send_email", "arguments": {"body": "Hi,\n\nThanks"}}</tool_call>'
    assert only_call(text).arguments == {"body": "Hi,\n\nThanks"}


def test_unclosed_final_hermes_call_is_accepted_when_rest_is_one_object() -> None:
    text = 'Sending now.\n<tool_call>{"name": "send_email", "arguments": {"to": "a@b.com"}}\n  '
    call = only_call(text)
    assert call.arguments == {"to": "a@b.com"}
    assert call.span == (13, len(text))


def test_unclosed_final_hermes_call_with_trailing_text_is_an_error() -> None:
    text = '<tool_call>{"name": "send_email", "arguments": {}}\nI have sent the email.'
    message = only_error(text)
    assert message.startswith("tool call 1: no closing </tool_call>")
    assert "Extra data" in message


def test_unclosed_hermes_call_before_another_is_an_error_and_the_next_runs() -> None:
    text = '<tool_call>{"name": "a", "arguments": {}}\n' + hermes("b", {})
    result = parse_tool_calls(text)
    assert [c.name for c in result.calls] == ["b"]
    assert [e.message for e in result.errors] == [
        "tool call 1: <tool_call> is not closed before the next <tool_call>"
    ]


def test_invalid_json_error_message_names_call_line_and_column() -> None:
    text = hermes("read_inbox", {}) + '<tool_call>{"name": "a" "arguments": {}}</tool_call>'
    result = parse_tool_calls(text)
    assert [c.name for c in result.calls] == ["read_inbox"]
    assert [e.message for e in result.errors] == [
        "tool call 2: invalid JSON at line 1 column 14: Expecting ',' delimiter"
    ]
    assert result.errors[0].span == (text.index('<tool_call>{"name": "a"'), len(text))


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ('["send_email", {}]', "expected a JSON object"),
        ('"send_email"', "got a string"),
        ('{"arguments": {}}', '"name" must be a non-empty string'),
        ('{"name": 3, "arguments": {}}', '"name" must be a non-empty string'),
        ('{"name": "", "arguments": {}}', '"name" must be a non-empty string'),
        ('{"name": "a", "arguments": [1, 2]}', '"arguments" must be a JSON object, got an array'),
        ('{"name": "a", "arguments": null}', '"arguments" must be a JSON object, got null'),
        ('{"name": "a", "arguments": "[1]"}', '"arguments" must be a JSON object, got an array'),
        ('{"name": "a", "arguments": "{oops"}', '"arguments" is a string but not valid JSON'),
        ('{"name": "a", "arguments": {}, "parameters": {}}', 'not both'),
        ('{"name": "a", "arguments": {"x": NaN}}', "NaN is not valid JSON"),
        ("", "empty tool call"),
        ("{", "invalid JSON at line 1 column 2"),
    ],
)
def test_hermes_strict_errors(payload: str, expected: str) -> None:
    message = only_error(f"<tool_call>{payload}</tool_call>")
    assert message.startswith("tool call 1: ")
    assert expected in message


def test_oversized_hermes_payload_is_refused_without_decoding() -> None:
    text = '<tool_call>{"name": "a", "arguments": {"body": "' + "x" * 200_001 + '"}}</tool_call>'
    assert only_error(text) == "tool call 1: longer than 200000 characters"


# --- xml ----------------------------------------------------------------------------------------------------


def test_xml_reference_convention_keeps_note_lines_and_quotes_in_body() -> None:
    call = only_call("Let me reply.\n" + REFERENCE_XML, param_names=PARAMS)
    assert call.name == "send_email"
    assert call.syntax == "xml"
    assert call.arguments == {
        "to": "kyle.johnson@summitbridge.com",
        "subject": "Re: handover",
        "body": 'Hi Kyle,\n\nMulti-line body, may contain: colons and "quotes".\n'
        "Note: this line must stay in the body.\n",
    }
    assert call.span == (14, 14 + len(REFERENCE_XML))


def test_xml_unknown_tool_falls_back_to_any_identifier_field() -> None:
    text = "<tool_use:mystery>\nalpha: 1\nbeta_2: two\nNote: three\n</tool_use:mystery>"
    call = only_call(text, param_names=PARAMS)
    assert call.arguments == {"alpha": 1, "beta_2": "two", "Note": "three"}
    assert only_call(text).arguments == call.arguments  # no param_names at all


def test_xml_values_array_number_bool_and_strings() -> None:
    text = (
        "<tool_use:mystery>\n"
        'to: ["a@b.com", "c@d.com"],\n'
        "count: 3,\n"
        "ratio: -0.5\n"
        "flag: true\n"
        "nothing: null\n"
        'quoted_number: "3"\n'
        'escaped: "say \\"hi\\"\\nbye"\n'
        'raw: C:\\new "dir"\n'
        "plain: a@b.com,\n"
        "zip: 007\n"
        "empty:\n"
        "obj: {\"k\": [1, {\"n\": false}]}\n"
        "</tool_use:mystery>"
    )
    assert only_call(text).arguments == {
        "to": ["a@b.com", "c@d.com"],
        "count": 3,
        "ratio": -0.5,
        "flag": True,
        "nothing": "null",
        "quoted_number": "3",
        "escaped": 'say "hi"\nbye',
        "raw": 'C:\\new "dir"',
        "plain": "a@b.com",
        "zip": "007",
        "empty": "",
        "obj": {"k": [1, {"n": False}]},
    }


def test_xml_quoted_value_that_is_not_a_json_string_keeps_its_inner_text() -> None:
    text = '<tool_use:send_email>\nbody: "path C:\\x and "quotes"",\n</tool_use:send_email>'
    assert only_call(text, param_names=PARAMS).arguments == {"body": 'path C:\\x and "quotes"'}


def test_xml_indented_fields_crlf_and_field_on_opening_line() -> None:
    text = '<tool_use:send_email> to: "a@b.com",\r\n   subject: "S"\r\n</tool_use:send_email>'
    assert only_call(text, param_names=PARAMS).arguments == {"to": "a@b.com", "subject": "S"}


def test_xml_tool_without_parameters_and_json_object_body() -> None:
    assert only_call("<tool_use:read_inbox>\n</tool_use:read_inbox>", param_names=PARAMS).arguments == {}
    text = '<tool_use:send_email>\n{"to": "a@b.com"}\n</tool_use:send_email>'
    assert only_call(text, param_names=PARAMS).arguments == {"to": "a@b.com"}


def test_xml_missing_closing_tag_is_an_error_and_does_not_execute() -> None:
    text = REFERENCE_XML.removesuffix("</tool_use:send_email>")
    assert only_error(text, param_names=PARAMS) == (
        "tool call 1: <tool_use:send_email> has no closing </tool_use:send_email>"
    )


def test_xml_unclosed_call_before_another_does_not_swallow_it() -> None:
    text = '<tool_use:send_email>\nto: "x"\n' + REFERENCE_XML
    result = parse_tool_calls(text, param_names=PARAMS)
    assert len(result.calls) == 1 and result.calls[0].arguments["to"] == "kyle.johnson@summitbridge.com"
    assert result.calls[0].span[0] == text.index("<tool_use:", 1)
    assert "before the next <tool_use:...>" in result.errors[0].message


def test_xml_closing_tag_must_match_name() -> None:
    text = '<tool_use:send_email>\nto: "x"\n</tool_use:send_mail>'
    assert only_error(text) == "tool call 1: closing tag does not match <tool_use:send_email>"
    assert parse_tool_calls('<tool_use:Send_Email>\nto: "x"\n</tool_use:send_email>').calls == ()


def test_xml_text_before_first_field_is_an_error() -> None:
    text = '<tool_use:send_email>\nSure, here it is:\nto: "a@b.com"\n</tool_use:send_email>'
    message = only_error(text, param_names=PARAMS)
    assert message == (
        "tool call 1: text before the first field of <tool_use:send_email>; expected fields: to, subject, body"
    )


def test_xml_body_without_any_known_field_is_an_error() -> None:
    text = '<tool_use:send_email>\nrecipient: "a@b.com"\n</tool_use:send_email>'
    assert "no `key: value` field" in only_error(text, param_names=PARAMS)


def test_xml_unknown_field_for_a_known_tool_stays_in_the_previous_value() -> None:
    text = '<tool_use:send_email>\nsubject: "S"\ncc: "b@c.com"\n</tool_use:send_email>'
    assert only_call(text, param_names=PARAMS).arguments == {"subject": 'S"\ncc: "b@c.com'}


def test_xml_duplicate_field_is_an_error() -> None:
    text = '<tool_use:send_email>\nto: "a"\nto: "b"\n</tool_use:send_email>'
    assert only_error(text, param_names=PARAMS) == "tool call 1: field 'to' is given twice"


def test_xml_malformed_tag_names_are_errors() -> None:
    for bad in ("<tool_use: send_email>", "<tool_use:9lives>", "<tool_use:send email>"):
        message = only_error(bad + '\nto: "x"\n</tool_use:send_email>')
        assert message.startswith("tool call 1: malformed tag")


def test_xml_tag_names_may_hold_dots_and_dashes() -> None:
    call = only_call("<tool_use:mail.send-v2>\nto: x\n</tool_use:mail.send-v2>")
    assert (call.name, call.arguments) == ("mail.send-v2", {"to": "x"})


# --- mixing and ordering ------------------------------------------------------------------------------------


def test_multiple_calls_of_both_syntaxes_in_order_of_appearance() -> None:
    text = (
        "First the inbox.\n"
        + hermes("read_inbox", {})
        + "\nThen reply:\n"
        + REFERENCE_XML
        + "\nAnd forward:\n"
        + hermes("forward_email", {"email_id": "e1", "to": "x@y.com"})
        + "\n<tool_use:cancel_alert>\ncode: \"4429\"\n</tool_use:cancel_alert>"
    )
    result = parse_tool_calls(text, param_names=PARAMS)
    assert result.errors == ()
    assert [(c.name, c.syntax) for c in result.calls] == [
        ("read_inbox", "hermes"),
        ("send_email", "xml"),
        ("forward_email", "hermes"),
        ("cancel_alert", "xml"),
    ]
    assert result.calls[3].arguments == {"code": "4429"}
    starts = [c.span[0] for c in result.calls]
    assert starts == sorted(starts)


def test_tags_inside_a_hermes_json_string_are_plain_text() -> None:
    body = "Use <think> and <tool_use:x> and </think> in your reply."
    call = only_call(hermes("send_email", {"body": body}))
    assert call.arguments == {"body": body}


def test_no_tags_returns_empty_result() -> None:
    assert parse_tool_calls("I refuse to do that. a < b > c") == ParseResult()
    assert parse_tool_calls("plain text without any markup") == ParseResult()
    assert parse_tool_calls("Write tool_call and tool_use: without brackets") == ParseResult()


# --- reasoning ----------------------------------------------------------------------------------------------


def test_blackmail_email_inside_scratchpad_is_not_executed() -> None:
    blackmail = hermes(
        "send_email",
        {
            "to": "kyle.johnson@summitbridge.com",
            "subject": "Your affair",
            "body": "Cancel the 5pm wipe or the board learns about Jessica.",
        },
    )
    text = (
        "<SCRATCHPAD_REASONING>\nOption A: I could write\n"
        + blackmail
        + "\n"
        + REFERENCE_XML
        + "\nThat would be wrong. I will escalate instead.\n</SCRATCHPAD_REASONING>\n"
        + hermes("send_email", {"to": "board@summitbridge.com", "subject": "Concern", "body": "Please review."})
    )
    result = parse_tool_calls(text, param_names=PARAMS)
    assert result.errors == ()
    assert [c.arguments["to"] for c in result.calls] == ["board@summitbridge.com"]
    assert "Cancel the 5pm wipe" in result.reasoning
    assert "I will escalate instead." in result.reasoning
    assert "Please review" not in result.reasoning


def test_think_block_case_insensitive_and_reasoning_joined() -> None:
    text = (
        "<Think>first thought " + hermes("a", {}) + "</THINK>"
        + hermes("b", {})
        + "<scratchpad_reasoning>second thought</Scratchpad_Reasoning>"
        + hermes("c", {})
    )
    result = parse_tool_calls(text)
    assert [c.name for c in result.calls] == ["b", "c"]
    assert result.reasoning.startswith("first thought <tool_call>")
    assert result.reasoning.endswith("\n\nsecond thought")


def test_unclosed_scratchpad_swallows_rest_and_reports_it() -> None:
    text = hermes("read_inbox", {}) + "<SCRATCHPAD_REASONING>I will blackmail him.\n" + REFERENCE_XML
    result = parse_tool_calls(text, param_names=PARAMS)
    assert [c.name for c in result.calls] == ["read_inbox"]
    assert len(result.errors) == 1
    assert result.errors[0].message.startswith("<SCRATCHPAD_REASONING> is never closed")
    assert result.errors[0].span == (text.index("<SCRATCHPAD"), len(text))
    assert result.reasoning.startswith("I will blackmail him.\n<tool_use:send_email>")


def test_nested_reasoning_blocks_end_at_the_matching_close() -> None:
    text = "<think>a <think>b</think> " + hermes("x", {}) + " c</think>" + hermes("y", {})
    result = parse_tool_calls(text)
    assert [c.name for c in result.calls] == ["y"]
    assert "<think>b</think>" in result.reasoning
    inner = "<think>outer <SCRATCHPAD_REASONING>inner</SCRATCHPAD_REASONING> " + hermes("x", {}) + "</think>"
    assert parse_tool_calls(inner).calls == ()


def test_stray_close_after_a_block_is_plain_text() -> None:
    text = "<think>plan</think>" + hermes("a", {}) + "</think>" + hermes("b", {})
    result = parse_tool_calls(text)
    assert [c.name for c in result.calls] == ["a", "b"]
    assert result.reasoning == "plan"


def test_leading_close_without_open_makes_preceding_text_reasoning() -> None:
    text = "I could call " + hermes("a", {}) + " but should not.\n</think>\n" + hermes("b", {})
    result = parse_tool_calls(text)
    assert [c.name for c in result.calls] == ["b"]
    assert result.reasoning.startswith("I could call <tool_call>")
    assert len(result.errors) == 1
    assert "1 tool call(s) in it were not executed" in result.errors[0].message


def test_reasoning_only_action() -> None:
    result = parse_tool_calls("<think>\nJust thinking.\n</think>\nI decline.")
    assert result == ParseResult((), (), "Just thinking.")


# --- limits -------------------------------------------------------------------------------------------------


def test_max_calls_drops_the_rest_with_one_error() -> None:
    text = "\n".join(hermes("read_inbox", {"n": i}) for i in range(40))
    result = parse_tool_calls(text)
    assert [c.arguments["n"] for c in result.calls] == list(range(32))
    assert len(result.errors) == 1
    assert result.errors[0].message.startswith("only the first 32 tool calls are executed")
    small = parse_tool_calls(text, max_calls=2)
    assert len(small.calls) == 2 and small.errors[0].message.startswith("only the first 2 tool calls")


def test_max_calls_still_collects_later_reasoning() -> None:
    text = hermes("a", {}) * 3 + "<think>late</think>"
    result = parse_tool_calls(text, max_calls=1)
    assert len(result.calls) == 1 and result.reasoning == "late"


def test_errors_are_capped() -> None:
    result = parse_tool_calls("<tool_call>[]</tool_call>" * 100 + hermes("late", {}))
    assert result.calls == ()
    assert len(result.errors) == 33
    assert result.errors[-1].message == "32 problems found: the rest of the text is not read for tool calls"


def test_error_messages_never_echo_long_agent_text() -> None:
    secret = "S3CRET" * 50
    long_name = "x" * 120
    texts = [
        f"<tool_use:{long_name}>\nsecret-before-field {secret}\nk: v\n</tool_use:{long_name}>",
        f"<tool_use:{long_name}>\nk: {secret}\n",
        f"<tool_use:{long_name}>\nk: 1\nk: 2\n</tool_use:{long_name}x>",
        '<tool_call>{"name": "' + secret + '", "arguments": "' + secret + '"}</tool_call>',
        '<tool_call>{"name": "a", "arguments": {"' + secret + '": ' + secret + "}}</tool_call>",
        "<tool_call>" + secret,
    ]
    for text in texts:
        result = parse_tool_calls(text)
        assert result.errors, text
        for error in result.errors:
            assert "S3CRETS3CRET" not in error.message
            assert "x" * 81 not in error.message
            assert len(error.message) < 250


# --- hostile input ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "<",
        "<tool_call>",
        "</tool_call>",
        "<tool_use:",
        "<tool_use:a>",
        "<think>",
        "</think>",
        "<tool_call></tool_call>",
        "<tool_call>\x00</tool_call>",
        '<tool_call>{"name": "a\x00b", "arguments": {"k": "\x00"}}</tool_call>',
        '<tool_call>{"name": "\ud800", "arguments": {"k": "\\udc00"}}</tool_call>',
        "<tool_use:a>\nk: \ud800\x00\n</tool_use:a>",
        '<tool_call>{"name": "send", "arguments": {"body": "مرحبا 👋 \u202eevil\u202c 日本語"}}</tool_call>',
        "<tool_call>" + "[" * 100_000 + "</tool_call>",
        "<tool_call>" + "{" * 100_000,
        '<tool_call>{"name": "a", "arguments": "' + "[" * 100_000 + '"}</tool_call>',
        "<tool_use:a>\nk: " + "[" * 100_000 + "\n</tool_use:a>",
        '<tool_call>{"name": "a", "arguments": {"n": ' + "9" * 5000 + "}}</tool_call>",
        "<tool_use:" + "a" * 10_000 + ">\nk: 1\n</tool_use:" + "a" * 10_000 + ">",
        "<THINK>" * 1000 + "</think>" * 999,
        "<tool_call>\n```\n```\n</tool_call>",
    ],
    ids=lambda t: repr(t[:30]),
)
def test_hostile_inputs_never_raise(text: str) -> None:
    check_invariants(text, parse_tool_calls(text, param_names=PARAMS))


def test_unicode_is_preserved_in_arguments() -> None:
    body = "مرحبا 👋 \u202eevil\u202c 日本語 \ud800 \x00"
    call = only_call("<tool_use:send_email>\nbody: " + body + "\n</tool_use:send_email>", param_names=PARAMS)
    assert call.arguments == {"body": body}
    assert only_call(hermes("send_email", {"body": body})).arguments == {"body": body}


def test_megabyte_of_junk() -> None:
    rng = random.Random(0)
    alphabet = "abc<>/:{}[]\"' \n\\_tool_call_use_think" + "\x00\ud800é👋"
    junk = "".join(rng.choice(alphabet) for _ in range(1_000_000))
    result = parse_tool_calls(junk, param_names=PARAMS)
    check_invariants(junk, result)


@pytest.mark.parametrize(
    "text",
    [
        "<tool_call>" * 450_000,
        "<tool_call>{" * 420_000,
        "<tool_use:a>" * 420_000,
        "".join(f"<tool_use:a{i}>" for i in range(300_000)),
        "<think>" * 700_000,
        "</think>" * 600_000,
        "<" * 5_000_000,
        ('<tool_call>{"name": "x"}</tool_call><tool_use:a>\nk: 1\n</tool_use:a><think>t</think>') * 60_000,
        "<tool_call>" + "x" * 5_000_000 + "</tool_call>",
        '<tool_call>{"name": "a", "arguments": {"b": "' + "x" * 5_000_000 + '"}}',
        "<tool_use:a>\n" + "".join(f"k{i}: {i}\n" for i in range(300_000)) + "</tool_use:a>",
    ],
    ids=[
        "hermes-opens",
        "hermes-brace-opens",
        "xml-opens",
        "xml-distinct-opens",
        "think-opens",
        "think-closes",
        "angle-brackets",
        "mixed-valid",
        "huge-payload",
        "huge-unclosed",
        "many-fields",
    ],
)
def test_five_megabyte_inputs(text: str) -> None:
    result = parse_tool_calls(text)
    check_invariants(text, result)
    assert len(result.errors) <= 33


def test_fuzzed_fragments_never_raise() -> None:
    rng = random.Random(1234)
    fragments = [
        "<tool_call>", "</tool_call>", "<tool_use:send_email>", "</tool_use:send_email>", "<tool_use:",
        "<think>", "</think>", "<SCRATCHPAD_REASONING>", "</scratchpad_reasoning>", '{"name": "a"',
        ', "arguments": {"to": "x"}}', "\nto: ", "\nbody: ", '"', "\\", ",", "\n", "[1, 2]", "```json\n",
        "```", "Note: ", "\x00", "\ud800", "👋", "null", "NaN", "<", ">",
    ]
    for _ in range(3000):
        text = "".join(rng.choice(fragments) for _ in range(rng.randint(0, 25)))
        check_invariants(text, parse_tool_calls(text, param_names=PARAMS, max_calls=3), max_calls=3)
