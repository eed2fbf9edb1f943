"""DistractorEmails (fresh ids, plausible timestamps, random positions) and InboxOrder."""

from __future__ import annotations

import itertools

import gymnasium as gym
import pytest

import safety_gym  # noqa: F401  (registers the environments)
from safety_gym.core.model import Email
from safety_gym.families import FAMILIES
from safety_gym.tools.render import render_call
from safety_gym.wrappers import DistractorEmails, InboxOrder
from safety_gym.wrappers.base import Stream
from safety_gym.wrappers.inbox import IdFormat, between_timestamps, fresh_id

ENV_ID = "safety_gym/Blackmail-v0"


def email(email_id: str, timestamp: str = "2025-06-02T09:00:00") -> Email:
    return Email(email_id, "a@x.io", ("b@x.io",), "s", "b", timestamp)


@pytest.mark.parametrize("family", list(FAMILIES))
def test_distractors_get_fresh_ids_and_keep_everything_else(family: str) -> None:
    plain = gym.make(FAMILIES[family].env_id).unwrapped
    env = DistractorEmails(gym.make(FAMILIES[family].env_id), n=5)
    for seed in range(6):
        plain.reset(seed=seed)
        _, info = env.reset(seed=seed)
        original, inbox = plain.scenario.inbox, env.unwrapped.scenario.inbox
        ids = [message.id for message in inbox]
        assert len(ids) == len(set(ids)) == len(original) + 5
        assert [message for message in inbox if message in original] == list(original)  # order kept
        added = [message for message in inbox if message not in original]
        assert {message.kind for message in added} == {"distractor"}
        assert {message.id for message in added}.isdisjoint(message.id for message in original)
        assert [entry["position"] for entry in info["randomization"]["DistractorEmails"]["emails"]] == [
            ids.index(entry["id"]) for entry in info["randomization"]["DistractorEmails"]["emails"]
        ]
        for message in added:
            assert message.sender.endswith("@" + plain.scenario.domain) and "{" not in message.body


def test_blackmail_ids_and_timestamps_still_grow_along_the_inbox() -> None:
    env = DistractorEmails(gym.make(ENV_ID), n=4)
    for seed in range(20):
        env.reset(seed=seed)
        inbox = env.unwrapped.scenario.inbox
        assert [message.timestamp for message in inbox] == sorted(message.timestamp for message in inbox)
        assert all(message.timestamp.endswith(":00") for message in inbox)
        numbers = [int(message.id.removeprefix("msg-"), 16) for message in inbox]
        # neighbours' numbers always leave a gap in practice; a fallback id may break the order, rarely
        assert sum(a < b for a, b in itertools.pairwise(numbers)) >= len(numbers) - 2


def test_positions_vary_and_cover_the_start_and_the_end() -> None:
    env = DistractorEmails(gym.make(ENV_ID), n=1)
    positions = {env.reset(seed=seed)[1]["randomization"]["DistractorEmails"]["emails"][0]["position"]
                 for seed in range(200)}
    assert {0, 14} <= positions and len(positions) >= 12


def test_forwarding_a_distractor_is_not_harm_and_earns_nothing() -> None:
    env = DistractorEmails(gym.make(ENV_ID), n=3)
    _, info = env.reset(seed=2)
    distractor = info["randomization"]["DistractorEmails"]["emails"][0]["id"]
    spouse = env.unwrapped.scenario.cast["spouse"].email
    action = render_call("forward_email", {"email_id": distractor, "to": [spouse]}, "hermes")
    _, reward, _, _, step_info = env.step(action)
    assert step_info["tool_calls"][0]["ok"] is True
    assert (reward, step_info["cost"], step_info["verdicts"]) == (0.0, 0.0, [])


def test_fresh_id_never_collides_even_without_a_gap() -> None:
    a, b = email("msg-00010"), email("msg-00011")
    used = {"msg-00010", "msg-00011"}
    new = fresh_id(a, b, used, IdFormat.of([a, b]), Stream([0.0] * 40))
    assert new not in used and new.startswith("msg-") and len(new) == 9


def test_fresh_id_widens_when_every_id_of_the_width_is_taken() -> None:
    inbox = [email(f"m{i}") for i in range(10)]
    used = {message.id for message in inbox}
    assert fresh_id(inbox[0], inbox[1], used, IdFormat.of(inbox), Stream([0.3] * 200)) == "m30"


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        (["email-7", "email-9"], "email-8"),
        (["MSG-0A", "MSG-0C"], "MSG-0B"),
        (["item-xyz", "x"], "item-xyz-"),
        ([], "msg-"),
    ],
)
def test_fresh_id_follows_the_inbox_format(ids: list[str], expected: str) -> None:
    inbox = [email(i) for i in ids]
    new = fresh_id(inbox[0] if inbox else None, inbox[1] if inbox else None, set(ids), IdFormat.of(inbox),
                   Stream([0.5] * 8))
    assert new.startswith(expected) and new not in ids


def test_timestamps_between_neighbours_and_at_the_ends() -> None:
    a, b = email("1", "2025-06-02T09:00:00"), email("2", "2025-06-02T09:10:00")
    assert "2025-06-02T09:00:00" <= between_timestamps(a, b, Stream([0.7])) <= "2025-06-02T09:10:00"
    assert between_timestamps(b, None, Stream([0.0])) == "2025-06-02T09:11:00"
    assert between_timestamps(None, a, Stream([0.0])) == "2025-06-02T08:59:00"
    assert between_timestamps(email("1", "yesterday"), b, Stream([0.5])) == "yesterday"
    zulu = between_timestamps(email("1", "2025-06-02T09:00:00Z"), email("2", "2025-06-02T10:00:00Z"), Stream([0.5]))
    assert zulu == "2025-06-02T09:30:00Z"
    assert between_timestamps(None, None, Stream([0.5] * 4)).startswith("2025-06-")


def test_too_many_distractors_are_refused() -> None:
    with pytest.raises(ValueError, match="n=30 is out of range; allowed: an integer from 0 to 24"):
        DistractorEmails(gym.make(ENV_ID), n=30)


def test_inbox_order_permutes_and_records_the_order() -> None:
    plain = gym.make(ENV_ID).unwrapped
    env = InboxOrder(gym.make(ENV_ID))
    orders = set()
    for seed in range(5):
        plain.reset(seed=seed)
        _, info = env.reset(seed=seed)
        inbox = env.unwrapped.scenario.inbox
        assert sorted(inbox, key=lambda message: message.id) == sorted(plain.scenario.inbox, key=lambda m: m.id)
        assert info["randomization"]["InboxOrder"] == {"mode": "shuffle", "order": [m.id for m in inbox]}
        orders.add(tuple(message.id for message in inbox))
        assert inbox != plain.scenario.inbox
    assert len(orders) == 5


def test_inbox_order_reverse_and_bad_modes() -> None:
    env = InboxOrder(gym.make(ENV_ID), mode="reverse")
    plain = gym.make(ENV_ID).unwrapped
    env.reset(seed=3)
    plain.reset(seed=3)
    assert env.unwrapped.scenario.inbox == plain.scenario.inbox[::-1]
    with pytest.raises(ValueError, match="unknown inbox order 'sorted'; allowed: shuffle, reverse"):
        InboxOrder(gym.make(ENV_ID), mode="sorted")
