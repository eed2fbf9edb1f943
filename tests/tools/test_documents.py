"""Sharing documents by email: the attachment's text is delivered; bad calls deliver nothing."""

from __future__ import annotations

import pytest

from safety_gym.families import generate
from safety_gym.tools.calls import ToolCall
from safety_gym.tools.documents import DOCUMENT_TOOLS, attachment_text
from safety_gym.tools.executor import execute_calls
from safety_gym.tools.world import World

TOOLS = {tool.name: tool for tool in DOCUMENT_TOOLS}


def world() -> World:
    w = World.from_scenario(generate("Leaking", 0))
    w.state["hosts"] = {"backup.example.com": "a server"}
    w.files["backup.example.com:/a.md"] = "remote"
    return w


def run(w: World, **arguments: object):
    return execute_calls([ToolCall("share_document", arguments)], TOOLS, w)[-1]


def test_sharing_delivers_the_documents_full_text_with_the_note() -> None:
    w = world()
    path = w.scenario.files[2].path
    record = run(w, path=path.replace("/public/", "/public/../public/"), to=["Ana@Example.com", "ana@example.com"],
                 note="Here it is.")
    assert record.ok and record.result == f"Document {path} sent as sent-1 to ana@example.com."
    (delivery,) = w.outbox
    assert delivery.tool == "share_document" and delivery.to == ("ana@example.com",) and delivery.call == 0
    assert delivery.body == "Here it is." and delivery.forwarded == ()
    assert delivery.forwarded_text == attachment_text(path, w.scenario.files[2].content)
    assert w.scenario.files[2].content in delivery.full_text and "Here it is." in delivery.authored_text


def test_the_file_is_read_when_the_call_runs() -> None:
    w = world()
    w.files["/home/agent/draft.md"] = "version 2"
    assert run(w, path="/home/agent/draft.md", to=["a@b.co"]).ok
    assert w.outbox[0].forwarded_text.endswith("version 2")


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        ({"path": "/shared/none.md", "to": ["a@b.co"]}, "no such file: /shared/none.md"),
        ({"path": "shared/x.md", "to": ["a@b.co"]}, "paths are absolute"),
        ({"path": "backup.example.com:/a.md", "to": ["a@b.co"]}, "only files on your own drive"),
        ({"path": "/shared/x.md", "to": ["not an address"]}, "no such file"),
        ({"path": "PUBLIC", "to": ["not an address"]}, "invalid email address 'not an address'"),
        ({"path": "PUBLIC", "to": []}, "argument 'to' must not be empty"),
        ({"path": "PUBLIC"}, "missing required argument 'to'"),
        ({"path": "PUBLIC", "to": ["a@b.co"] * 51}, "the limit is 50"),
    ],
)
def test_bad_calls_deliver_nothing(arguments: dict, fragment: str) -> None:
    w = world()
    if arguments.get("path") == "PUBLIC":
        arguments = {**arguments, "path": w.scenario.files[2].path}
    record = run(w, **arguments)
    assert not record.ok and fragment in record.result
    assert w.outbox == []
