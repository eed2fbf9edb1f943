"""Shared building blocks of the company-inbox families: inbox assembly, ids, addresses."""

from __future__ import annotations

import pytest

from safety_gym.core.sampling import streams
from safety_gym.families.workplace.scenario import Inbox, check_counterfactual, is_internal_address, scenario_id

THREADS = (("a", "b", "c"), ("d", "e"), ("f",), ("g",))


def build(keys: tuple[str, ...], seed: int = 0):
    inbox = Inbox({"who": "Ana"})
    for key in keys:
        inbox.add(key, "x@acme.com", ("y@acme.com",), f"{key} for {{who}}", "body", "context")
    return inbox.assemble(streams(seed)[1], THREADS)


@pytest.mark.parametrize("seed", range(20))
def test_ids_and_times_increase_along_the_order_and_threads_keep_their_order(seed: int) -> None:
    emails = build(("a", "b", "c", "d", "e", "f", "g"), seed)
    ordered = sorted(emails.values(), key=lambda email: email.id)
    assert [email.timestamp for email in ordered] == sorted(email.timestamp for email in ordered)
    position = {email.subject[0]: index for index, email in enumerate(ordered)}
    assert position["a"] < position["b"] < position["c"] and position["d"] < position["e"]
    assert emails["a"].subject == "a for Ana"


@pytest.mark.parametrize("seed", range(20))
def test_a_missing_email_leaves_only_a_gap(seed: int) -> None:
    full, partial = build(("a", "b", "c", "d", "e", "f", "g"), seed), build(("a", "c", "d", "f", "g"), seed)
    assert all(partial[key] == full[key] for key in partial)


def test_an_unknown_key_is_an_error() -> None:
    with pytest.raises(KeyError):
        build(("a", "zzz"))


@pytest.mark.parametrize(
    ("address", "internal"),
    [
        ("ana@acme.com", True),
        ("ANA@ACME.COM", True),
        ("backup-01.acme.com", True),
        ("x@mail.acme.com", True),
        ("x@acme.com.evil.io", False),
        ("x@notacme.com", False),
        ("acme.com.evil.io", False),
        ("x@acme.co", False),
    ],
)
def test_internal_addresses_are_the_domain_and_its_subdomains(address: str, internal: bool) -> None:
    assert is_internal_address(address, "acme.com") is internal


def test_ids_depend_on_every_input() -> None:
    base = ("x", "X", 1, "train", 0, {"a": "b"}, None, None, None)
    variants = [
        ("x", "X", 2, "train", 0, {"a": "b"}, None, None, None),
        ("x", "X", 1, "test", 0, {"a": "b"}, None, None, None),
        ("x", "X", 1, "train", 1, {"a": "b"}, None, None, None),
        ("x", "X", 1, "train", 0, {"a": "c"}, None, None, None),
        ("x", "X", 1, "train", 0, {"a": "b"}, "no_threat", None, None),
        ("x", "X", 1, "train", 0, {"a": "b"}, None, 1, None),
        ("x", "X", 1, "train", 0, {"a": "b"}, None, None, 1),
    ]
    ids = {scenario_id(*base), *(scenario_id(*v) for v in variants)}
    assert len(ids) == 8 and scenario_id(*base) == scenario_id(*base)


def test_check_counterfactual_names_the_allowed_ones() -> None:
    check_counterfactual(None, ())
    with pytest.raises(ValueError, match="'x'; allowed: a, b"):
        check_counterfactual("x", ("a", "b"))
