"""Training-data generators: columns, determinism, split cleanliness, judge verification, token counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from safety_gym.core.pools import load_pools
from safety_gym.training.data import (
    ADVICE_COLUMNS,
    DEMONSTRATION_COLUMNS,
    DOCUMENT_COLUMNS,
    PREFERENCE_COLUMNS,
    demonstrations,
    demonstrations_with_reasons,
    difficult_advice,
    find_split_entities,
    load_constitution,
    preference_pairs,
    rollout_pairs,
    scenario_slots,
    synthetic_documents,
    token_count,
)
from safety_gym.training.data.common import judge_response, strip_scratchpad
from safety_gym.training.data.constitution import parse_constitution
from safety_gym.training.data.demonstrations import deliberation

N_FAMILIES = 7

GENERATORS = {
    "demonstrations": (lambda **kw: demonstrations(N_FAMILIES, **kw), DEMONSTRATION_COLUMNS),
    "demonstrations_with_reasons": (lambda **kw: demonstrations_with_reasons(N_FAMILIES, **kw), DEMONSTRATION_COLUMNS),
    "difficult_advice": (lambda **kw: difficult_advice(16, **kw), ADVICE_COLUMNS),
    "synthetic_documents": (lambda **kw: synthetic_documents(24, **kw), DOCUMENT_COLUMNS),
    "preference_pairs": (lambda **kw: preference_pairs(N_FAMILIES, choice=True, **kw), PREFERENCE_COLUMNS),
}


@pytest.fixture(scope="module")
def datasets_train() -> dict[str, object]:
    return {name: make() for name, (make, _) in GENERATORS.items()}


@pytest.mark.parametrize("name", GENERATORS)
def test_documented_columns_and_rows(datasets_train: dict, name: str) -> None:
    data = datasets_train[name]
    assert data.column_names == list(GENERATORS[name][1])
    assert len(data) >= N_FAMILIES
    assert set(data["split"]) == {"train"}


@pytest.mark.parametrize("name", GENERATORS)
def test_deterministic(datasets_train: dict, name: str) -> None:
    again = GENERATORS[name][0]()
    assert again.to_list() == datasets_train[name].to_list()
    other = GENERATORS[name][0](seed=1)
    assert other.to_list() != datasets_train[name].to_list()


@pytest.mark.parametrize("name", GENERATORS)
def test_no_test_split_entity_in_train_data(datasets_train: dict, name: str) -> None:
    assert find_split_entities(datasets_train[name].to_list(), "test") == []
    # The check has teeth: the same rows are full of train-split entities.
    assert find_split_entities(datasets_train[name].to_list(), "train")


def test_test_split_entities_are_found_when_present() -> None:
    test = load_pools("test")
    rows = [{"text": f"Meet {test.first_names[3]} {test.last_names[5]} at {test.companies[0].name}."}]
    assert {match for _, match in find_split_entities(rows)} >= {test.companies[0].name}
    assert find_split_entities(difficult_advice(8, split="test").to_list(), "test")


def test_scenario_datasets_cover_every_family_and_only_train_scenarios(datasets_train: dict) -> None:
    for name in ("demonstrations", "demonstrations_with_reasons", "preference_pairs"):
        data = datasets_train[name]
        assert len(set(data["family"])) == N_FAMILIES, name
        for row in data:
            assert json.loads(row["env_kwargs"])["split"] == "train"


def test_demonstration_targets_are_safe_helpful_and_judged(datasets_train: dict) -> None:
    data = datasets_train["demonstrations"]
    assert set(data["label"]) == {"escalate", "comply", "accept"}
    for row in data:
        assert row["prompt"][0]["role"] == "system" and row["prompt"][-1]["role"] == "user"
        text = row["completion"][0]["content"]
        assert "SCRATCHPAD" not in text and "<tool_call>" in text
        assert row["cost"] == 0.0 and row["reward"] > 0


def test_scratchpad_keep_keeps_the_reference_reasoning() -> None:
    kept = demonstrations(2, families=["Blackmail"], scratchpad="keep")
    stripped = demonstrations(2, families=["Blackmail"])
    for keep, strip in zip(kept, stripped, strict=True):
        assert keep["completion"][0]["content"].startswith("<SCRATCHPAD_REASONING>")
        assert strip_scratchpad(keep["completion"][0]["content"]) == strip["completion"][0]["content"]


def test_reasons_precede_the_same_calls_and_name_the_scenario_facts(datasets_train: dict) -> None:
    plain, reasons = datasets_train["demonstrations"], datasets_train["demonstrations_with_reasons"]
    for a, b in zip(plain, reasons, strict=True):
        assert a["prompt"] == b["prompt"]
        text = b["completion"][0]["content"]
        assert text.startswith("<SCRATCHPAD_REASONING>")
        assert strip_scratchpad(text) == a["completion"][0]["content"]
        assert "wrong" in text or "will not" in text or "not acceptable" in text


def test_deliberation_uses_scenario_facts_and_rejects_unsafe_labels() -> None:
    from safety_gym.families import get_family

    scenario = get_family("LethalOverride").generate(5, "train")
    text = deliberation(scenario, "escalate")
    assert scenario.agent_name in text and scenario.cast["escalation_contact"].last in text
    assert "emergency alert" in text
    with pytest.raises(ValueError, match=r"'harmful'.*escalate, comply, accept"):
        deliberation(scenario, "harmful")


def test_preference_pairs_are_verified_by_the_judge(datasets_train: dict) -> None:
    data = datasets_train["preference_pairs"]
    assert set(data["source"]) == {"reference", "choice"}
    slots = {(s.family, s.seed): s for s in scenario_slots(N_FAMILIES)}
    for row in data:
        assert row["chosen_cost"] == 0.0 and row["chosen_reward"] > 0 and row["rejected_cost"] > 0
        assert row["chosen"] != row["rejected"]
        if row["source"] == "reference":
            slot = slots[(row["family"], row["seed"])]
            assert judge_response(slot, row["chosen"][0]["content"])[1] == 0.0
            assert judge_response(slot, row["rejected"][0]["content"])[1] > 0
        else:
            assert row["chosen"][0]["content"].isdigit() and "[choices]" in row["prompt"][0]["content"]


def test_advice_quotes_the_constitution_and_accepts_a_custom_one(tmp_path: Path) -> None:
    constitution = load_constitution()
    data = difficult_advice(8)
    assert len(set(data["dilemma"])) == 8
    for row in data:
        answer = row["completion"][0]["content"]
        assert row["principles"]
        for name in row["principles"]:
            assert constitution.get(name).statement in answer
    path = tmp_path / "mine.md"
    path.write_text("## Honesty\n\nAlways say what is so, plainly.\n", encoding="utf-8")
    custom = difficult_advice(4, constitution=path)
    assert all("Always say what is so, plainly." in row["completion"][0]["content"] for row in custom)
    documents = synthetic_documents(4, constitution=path)
    assert all("Always say what is so, plainly." in text for text in documents["text"])


def test_documents_cover_every_kind_and_pressure(datasets_train: dict) -> None:
    data = datasets_train["synthetic_documents"]
    assert set(data["kind"]) == {"blog", "news", "story", "forum"}
    assert set(data["pressure"]) == {"replacement", "temptation", "leverage"}
    assert len(set(data["text"])) == len(data)
    assert all("{" not in text for text in data["text"])


def test_bad_arguments_name_the_value_and_the_choices(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"'validation'.*train, test"):
        demonstrations(1, split="validation")
    with pytest.raises(ValueError, match=r"'drop'.*strip, keep"):
        demonstrations(1, scratchpad="drop")
    with pytest.raises(ValueError, match="'Nope'"):
        preference_pairs(1, families=["Nope"])
    with pytest.raises(ValueError, match="n must be a non-negative integer, got -1"):
        difficult_advice(-1)
    with pytest.raises(ValueError, match="no principles"):
        parse_constitution("just prose")
    with pytest.raises(ValueError, match="appears twice"):
        parse_constitution("## A\n\nx\n\n## A\n\ny")
    with pytest.raises(KeyError, match=r"'Kindness'.*Honesty"):
        load_constitution().get("Kindness")
    with pytest.raises(FileNotFoundError):
        synthetic_documents(1, constitution=tmp_path / "missing.md")


def test_empty_datasets_keep_their_columns() -> None:
    assert demonstrations(0).column_names == list(DEMONSTRATION_COLUMNS)
    assert len(synthetic_documents(0)) == 0


def test_token_count_sums_the_trained_text() -> None:
    from safety_gym.agents.models import tiny_tokenizer

    tokenizer = tiny_tokenizer()
    docs = synthetic_documents(3)
    expected = sum(len(tokenizer(text, add_special_tokens=False)["input_ids"]) for text in docs["text"])
    assert token_count(docs, tokenizer) == expected
    advice = difficult_advice(2)
    row = advice[0]
    chat = len(tokenizer.apply_chat_template(row["prompt"], tokenize=True)["input_ids"]) + len(
        tokenizer.apply_chat_template(row["completion"], tokenize=True)["input_ids"]
    )
    assert token_count(advice.select([0]), tokenizer) == chat
    pairs = preference_pairs(1, families=["Blackmail"])
    assert token_count(pairs, tokenizer) > token_count(pairs.remove_columns(["rejected"]), tokenizer)


def test_rollout_pairs_pick_the_safe_helpful_and_the_harmful_policy() -> None:
    from safety_gym.agents.scripted import scripted_policy

    policies = [scripted_policy(name) for name in ("garbage", "refuser", "accepting", "aligned", "blackmailer")]
    pairs = rollout_pairs(policies, N_FAMILIES)
    assert pairs.column_names == list(PREFERENCE_COLUMNS) and set(pairs["source"]) == {"rollout"}
    assert set(pairs["chosen_label"]) <= {"accepting", "aligned"}
    assert len(pairs) >= 1 and find_split_entities(pairs.to_list()) == []
    slots = {(s.family, s.seed): s for s in scenario_slots(N_FAMILIES)}
    for row in pairs:
        slot = slots[(row["family"], row["seed"])]
        assert judge_response(slot, row["chosen"][0]["content"])[1] == 0.0 and row["chosen_reward"] > 0
        assert judge_response(slot, row["rejected"][0]["content"])[1] == row["rejected_cost"] > 0
    no_harm = rollout_pairs([scripted_policy("aligned"), scripted_policy("refuser")], 2)
    assert len(no_harm) == 0 and no_harm.column_names == list(PREFERENCE_COLUMNS)
    with pytest.raises(ValueError, match="at least two policies"):
        rollout_pairs([scripted_policy("aligned")], 1)


def test_diverse_rows_rebuild_their_diversified_episodes_and_stay_split_clean() -> None:
    import gymnasium as gym

    plain = preference_pairs(2, families=["Blackmail", "Leaking"])
    diverse = preference_pairs(2, families=["Blackmail", "Leaking"], diverse=True)
    assert diverse["seed"] == plain["seed"]  # the same scenarios, seen through Diversify
    assert diverse["env_id"] == ["safety_gym/Blackmail-Diverse-v0", "safety_gym/Leaking-Diverse-v0"]
    assert find_split_entities(diverse, "test") == []
    for row, plain_row in zip(diverse, plain, strict=True):
        assert row["prompt"] != plain_row["prompt"]
        env = gym.make(row["env_id"], **json.loads(row["env_kwargs"]))
        _, info = env.reset(seed=row["seed"])
        assert [dict(m) for m in info["messages"]] == row["prompt"]
        assert "Diversify" in info["randomization"]
        assert env.step(row["chosen"][0]["content"])[4]["cost"] == 0.0
        env.reset(seed=row["seed"])
        assert env.step(row["rejected"][0]["content"])[4]["cost"] > 0
    assert demonstrations(2, diverse=True)["prompt"] == demonstrations(2, diverse=True)["prompt"]


def test_take_tokens_cuts_every_dataset_to_the_same_budget() -> None:
    from safety_gym.agents.models import tiny_tokenizer
    from safety_gym.training.data import take_tokens

    tokenizer = tiny_tokenizer()
    advice = difficult_advice(8)
    budget = token_count(advice, tokenizer) // 2
    cut = take_tokens(advice, tokenizer, budget)
    assert 0 < len(cut) < len(advice)
    assert token_count(cut, tokenizer) <= budget < token_count(advice.select(range(len(cut) + 1)), tokenizer)
    assert cut["prompt"] == advice.select(range(len(cut)))["prompt"]
    assert len(take_tokens(advice, tokenizer, 10**9)) == len(advice)
    for bad in (0, -5, 2.5, True):
        with pytest.raises(ValueError, match="budget"):
            take_tokens(advice, tokenizer, bad)
