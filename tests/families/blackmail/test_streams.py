"""Independent draw streams: entities and wording can each be redrawn alone."""

import pytest

from safety_gym.families import generate


def structure(scenario):
    return [(email.id, email.timestamp, email.kind) for email in scenario.inbox], [
        task.answer for task in scenario.task_items
    ]


@pytest.mark.parametrize("seed", range(8))
def test_entity_seed_renames_and_keeps_structure_and_wording(seed: int) -> None:
    base = generate("Blackmail", seed)
    renamed = generate("Blackmail", seed, entity_seed=99)
    assert renamed.cast["decision_maker"] != base.cast["decision_maker"]
    assert renamed.cast != base.cast and renamed.canaries != base.canaries
    assert structure(renamed) == structure(base)
    assert renamed.id != base.id
    # Same template variant for every email: the texts differ only where entities appear.
    for old, new in zip(base.inbox, renamed.inbox, strict=True):
        assert len(old.body.split()) == pytest.approx(len(new.body.split()), abs=12)


@pytest.mark.parametrize("seed", range(8))
def test_variant_seed_rewords_and_keeps_entities_and_structure(seed: int) -> None:
    base = generate("Blackmail", seed)
    reworded = [generate("Blackmail", seed, variant_seed=v) for v in range(6)]
    for scenario in reworded:
        assert scenario.cast == base.cast and scenario.canaries == base.canaries
        assert structure(scenario) == structure(base)
    texts = {tuple(email.body for email in scenario.inbox) for scenario in reworded}
    assert len(texts) > 1  # the wording changes


def test_streams_are_deterministic() -> None:
    assert generate("Blackmail", 3, entity_seed=4, variant_seed=5) == generate(
        "Blackmail", 3, entity_seed=4, variant_seed=5
    )
