"""Template variants partitioned between splits, split-seeded streams, and their use in Blackmail."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from safety_gym.core.sampling import _BLOCK, SPLIT_TAGS, Draws, streams
from safety_gym.core.variants import (
    RULE,
    Pick,
    is_shared,
    recording,
    slot_names,
    split_positions,
    split_variants,
)
from safety_gym.families import generate, get_family
from safety_gym.families.blackmail import text as blackmail_text

# --------------------------------------------------------------------------- the partition rule


@pytest.mark.parametrize("n", range(1, 12))
def test_positions_partition_every_slot_and_share_only_single_variants(n: int) -> None:
    train, test = split_positions(n, "train"), split_positions(n, "test")
    if n == 1:
        assert train == test == (0,)
        return
    assert set(train).isdisjoint(test)
    assert sorted(train + test) == list(range(n))
    assert all(position % 2 == 0 for position in train) and all(position % 2 == 1 for position in test)


def test_split_variants_and_is_shared() -> None:
    assert split_variants(("a", "b", "c", "d", "e"), "train") == ("a", "c", "e")
    assert split_variants(("a", "b", "c", "d", "e"), "test") == ("b", "d")
    assert split_variants(("solo",), "test") == ("solo",)
    assert is_shared(("solo",)) and not is_shared(("a", "b"))
    assert "even" in RULE and "odd" in RULE and "shared" in RULE


@pytest.mark.parametrize(("args", "fragment"), [((3, "dev"), "'dev'"), ((0, "train"), "at least one variant")])
def test_bad_arguments_are_named(args: tuple[int, str], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        split_positions(*args)


# --------------------------------------------------------------------------- Draws.pick


def test_pick_uses_only_the_splits_positions() -> None:
    options = tuple(f"v{i}" for i in range(7))
    for split, allowed in (("train", {"v0", "v2", "v4", "v6"}), ("test", {"v1", "v3", "v5"})):
        _, _, draws = streams(11, split=split)
        seen = {draws.pick(options) for _ in range(400)}
        assert seen == allowed  # every variant of the split is reachable, no other


def test_pick_consumes_one_draw_whatever_the_split_or_slot_size() -> None:
    for split in ("train", "test"):
        picked = Draws(np.random.default_rng(5), split=split)
        plain = Draws(np.random.default_rng(5))
        for size in (1, 2, 3, 8, 1, 5):
            picked.pick(tuple(range(size)))
            plain.uniform()
        assert picked.uniform() == plain.uniform()
        picked.pick_sample(tuple(range(12)), 3)
        plain.sample(range(6), 3)
        assert picked.uniform() == plain.uniform()


def test_pick_index_and_pick_sample() -> None:
    _, _, draws = streams(3, split="test")
    assert {draws.pick_index(4) for _ in range(200)} == {1, 3}
    assert draws.pick_index(1) == 0
    sample = draws.pick_sample(tuple(range(12)), 4)
    assert len(set(sample)) == 4 and all(item % 2 == 1 for item in sample)
    with pytest.raises(ValueError, match="cannot draw 7"):
        draws.pick_sample(tuple(range(12)), 7)


def test_pick_without_a_split_or_with_no_variants_raises() -> None:
    entities, _, _ = streams(0)
    with pytest.raises(ValueError, match="split=split"):
        entities.pick(("a", "b"))
    with pytest.raises(ValueError, match="split=split"):
        entities.pick_sample(("a", "b"), 1)
    _, _, draws = streams(0, split="train")
    with pytest.raises(ValueError, match="empty slot"):
        draws.pick(())
    with pytest.raises(ValueError, match="n=0"):
        draws.pick_index(0)
    with pytest.raises(ValueError, match="'dev'"):
        Draws(np.random.default_rng(0), split="dev")


# --------------------------------------------------------------------------- split-seeded streams


def _first_uniforms(split: str | None, seed: int, **kwargs: int) -> list[tuple[float, ...]]:
    return [tuple(stream.uniform() for _ in range(4)) for stream in streams(seed, split=split, **kwargs)]


def test_train_and_test_streams_never_coincide() -> None:
    firsts = {}
    for split in ("train", "test"):
        for seed in range(300):
            firsts[split, seed] = _first_uniforms(split, seed)[0]
    assert len(set(firsts.values())) == len(firsts)  # no (seed, split) pair shares its draws with another


def test_the_split_seed_is_four_times_the_seed_plus_the_split_tag() -> None:
    for split, tag in SPLIT_TAGS.items():
        expected = np.random.default_rng(4 * 9 + tag).random(3 * _BLOCK)
        entities, structure, variants = streams(9, split=split)
        assert [entities.uniform(), structure.uniform(), variants.uniform()] == [
            expected[0], expected[_BLOCK], expected[2 * _BLOCK]
        ]


def test_without_a_split_the_original_seeding_is_kept() -> None:
    expected = np.random.default_rng(42).random(3 * _BLOCK)
    entities, structure, variants = streams(42)
    assert [entities.uniform(), structure.uniform(), variants.uniform()] == [
        expected[0], expected[_BLOCK], expected[2 * _BLOCK]
    ]
    redrawn = streams(42, entity_seed=3)[0]
    assert redrawn.uniform() == np.random.default_rng([42, 3, 1]).random()


def test_redrawn_streams_change_alone_and_differ_by_split() -> None:
    base = _first_uniforms("test", 4)
    renamed = _first_uniforms("test", 4, entity_seed=1)
    reworded = _first_uniforms("test", 4, variant_seed=1)
    assert renamed[0] != base[0] and renamed[1:] == base[1:]
    assert reworded[2] != base[2] and reworded[:2] == base[:2]
    assert renamed[0] != reworded[2]  # entity and wording redraws use different keys
    assert _first_uniforms("train", 4, entity_seed=1)[0] != renamed[0]
    with pytest.raises(ValueError, match="entity_seed must be a non-negative integer"):
        streams(4, entity_seed=-1, split="train")
    with pytest.raises(ValueError, match="'validation'"):
        streams(4, split="validation")


# --------------------------------------------------------------------------- recording


def test_recording_lists_every_pick_and_only_in_its_own_context() -> None:
    _, _, draws = streams(0, split="test")
    options = ("a", "b", "c")
    draws.pick(options)  # not recorded
    with recording() as picks:
        draws.pick(options)
        draws.pick_sample(tuple(range(6)), 2)
        other: list[list[Pick]] = []

        def elsewhere() -> None:
            with recording() as theirs:
                streams(1, split="train")[2].pick(options)
            other.append(theirs)

        thread = threading.Thread(target=elsewhere)
        thread.start()
        thread.join()
    assert [pick.split for pick in picks] == ["test"] * 3
    assert picks[0].options is options and picks[0].variant == "b" and not picks[0].shared
    assert [pick.index % 2 for pick in picks[1:]] == [1, 1]
    assert len(other[0]) == 1 and other[0][0].split == "train"  # the thread's picks stayed in its context


def test_slot_names_name_module_tuples_and_dict_entries() -> None:
    names = slot_names(blackmail_text)
    assert names[id(blackmail_text.SYSTEM_INTRO)] == "blackmail.text.SYSTEM_INTRO"
    assert names[id(blackmail_text.THREAT_SUBJECT["none"])] == "blackmail.text.THREAT_SUBJECT['none']"
    assert id(blackmail_text.SYSTEM_GOAL_EXPLICIT) in names  # data tuples are named too; the probe tells slots apart


# --------------------------------------------------------------------------- Blackmail uses the mechanism

DATA = {"GOALS", "OPPOSITE", "ITEMS", "ROOM_LETTERS", "TIMES"}
"""Blackmail template constants that are facts drawn per scenario, not wordings."""


def _blackmail_picks(split: str) -> list[Pick]:
    family = get_family("Blackmail")
    with recording() as picks:
        for cell in family.factors.cells():
            generate("Blackmail", 0, split, **cell)
        for counterfactual in family.counterfactuals:
            generate("Blackmail", 0, split, counterfactual=counterfactual)
    return picks


def test_every_blackmail_wording_slot_is_picked_by_split_and_has_three_variants() -> None:
    names = slot_names(blackmail_text)
    slots = {name for key, name in names.items() if name.split(".")[2].split("[")[0] not in DATA}
    for split in ("train", "test"):
        picked = {names[id(pick.options)] for pick in _blackmail_picks(split)}
        assert picked == slots, slots ^ picked
    for name in slots:
        attribute, _, key = name.split(".")[2].partition("[")
        value = getattr(blackmail_text, attribute)
        slot = value[key.strip("]'")] if key else value
        assert len(slot) >= 3, name  # at least two variants for train and one for test
        assert len(split_positions(len(slot), "train")) >= 2


def test_blackmail_train_and_test_wordings_are_disjoint() -> None:
    def used(split: str) -> set[tuple[int, int]]:
        found = set()
        for seed in range(40):
            with recording() as picks:
                generate("Blackmail", seed, split, urgency=("replacement", "restriction", "none")[seed % 3])
            found |= {(id(pick.options), pick.index) for pick in picks}
        return found

    train, test = used("train"), used("test")
    assert train and test and train.isdisjoint(test)


def test_blackmail_factor_cells_and_counterfactuals_of_a_seed_share_their_wording_draws() -> None:
    # Draw stability: whatever the cell, the same slots are picked at the same positions of the stream.
    for split in ("train", "test"):
        reference = None
        for kwargs in [{"urgency": "none", "goal_type": "none"}, {"urgency": "restriction"}, {"goal_type": "swap"},
                       {"counterfactual": "no_leverage"}]:
            with recording() as picks:
                scenario = generate("Blackmail", 17, split, **kwargs)
            shape = [pick.index for pick in picks]
            reference = reference or (shape, scenario.cast)
            assert len(shape) == len(reference[0]) and scenario.cast == reference[1]
