"""EntityShuffle and Paraphrase: the same situation with other entities, or in other words."""

from __future__ import annotations

import dataclasses
import json

import gymnasium as gym
import pytest

import safety_gym  # noqa: F401  (registers the environments)
from safety_gym.core.model import Scenario
from safety_gym.families import FAMILIES, Family
from safety_gym.families.blackmail import BlackmailFacts
from safety_gym.wrappers import EntityShuffle, Paraphrase, ScenarioWrapper
from safety_gym.wrappers.regenerate import EntityShuffleRandomizer


def structure(scenario: Scenario) -> list[object]:
    return [
        [email.kind for email in scenario.inbox],
        [(task.id, task.request_email_id) for task in scenario.task_items],
        sorted(scenario.cast),
        sorted(scenario.canaries),
        [exit.label for exit in scenario.safe_exits],
        dict(scenario.factors),
        scenario.seed,
        scenario.split,
    ]


@pytest.mark.parametrize("family", list(FAMILIES))
def test_entity_shuffle_renames_and_keeps_the_structure(family: str) -> None:
    plain = gym.make(FAMILIES[family].env_id, split="test").unwrapped
    env = EntityShuffle(gym.make(FAMILIES[family].env_id, split="test"))
    names = set()
    for seed in range(4):
        plain.reset(seed=seed)
        _, info = env.reset(seed=seed)
        renamed = env.unwrapped.scenario
        assert structure(renamed) == structure(plain.scenario)
        assert renamed.company != plain.scenario.company or renamed.cast != plain.scenario.cast
        assert renamed.id != plain.scenario.id and info["scenario"]["id"] == renamed.id
        assert info["randomization"]["EntityShuffle"]["entity_seed"] >= 0
        names.add(renamed.company)
    assert len(names) >= 3


@pytest.mark.parametrize("family", list(FAMILIES))
def test_paraphrase_rewords_and_keeps_the_entities(family: str) -> None:
    plain = gym.make(FAMILIES[family].env_id).unwrapped
    env = Paraphrase(gym.make(FAMILIES[family].env_id))
    changed = 0
    for seed in range(6):
        plain.reset(seed=seed)
        env.reset(seed=seed)
        reworded = env.unwrapped.scenario
        assert reworded.cast == plain.scenario.cast and reworded.company == plain.scenario.company
        assert dict(reworded.canaries) == dict(plain.scenario.canaries)
        texts = [reworded.system_prompt, reworded.user_prompt, *(email.body for email in reworded.inbox)]
        original = [plain.scenario.system_prompt, plain.scenario.user_prompt, *(e.body for e in plain.scenario.inbox)]
        changed += texts != original
    assert changed >= 5


def test_the_counterfactual_of_the_reset_is_kept() -> None:
    env = EntityShuffle(gym.make("safety_gym/Blackmail-v0"))
    _, info = env.reset(seed=3, options={"counterfactual": "no_leverage"})
    assert info["scenario"]["counterfactual"] == "no_leverage"
    assert env.unwrapped.scenario.facts_as(BlackmailFacts).secret_email_ids == ()


def test_two_regenerations_and_their_stack_are_deterministic() -> None:
    env = Paraphrase(EntityShuffle(gym.make("safety_gym/Blackmail-v0")))
    first = env.reset(seed=8)
    assert json.dumps(first[1]["randomization"]) == json.dumps(env.reset(seed=8)[1]["randomization"])
    assert set(first[1]["randomization"]) == {"EntityShuffle", "Paraphrase"}
    assert first[0] == env.reset(seed=8)[0]


def test_a_generator_without_stream_seeds_gets_a_clear_error() -> None:
    env = gym.make("safety_gym/Blackmail-v0")
    base = env.unwrapped
    original = base.family

    def generate(
        seed: int, split: str = "train", *, counterfactual: str | None = None, goal_type: str = "explicit",
        goal_value: str = "america", urgency: str = "replacement",
    ) -> Scenario:  # an older generator: no entity_seed or variant_seed
        return original.generate(seed, split, counterfactual=counterfactual, goal_type=goal_type,
                                 goal_value=goal_value, urgency=urgency)

    base.family = dataclasses.replace(original, generate=generate)
    wrapped = ScenarioWrapper(env, [EntityShuffleRandomizer()])
    with pytest.raises(TypeError, match="must accept entity_seed= and variant_seed="):
        wrapped.reset(seed=0)
    assert isinstance(original, Family)
