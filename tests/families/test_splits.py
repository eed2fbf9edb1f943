"""Splits: no test-split scenario can appear in the train split, and the manifest pins a split down exactly.

The leak test generates many scenarios of every registered family in both splits and compares what they are
made of: entity strings (people, addresses, companies, domains, agent names, pool-drawn canaries, and any
pool name of the other split in the scenario's text), scenario ids, and the template variants the generator
picked (recorded with :func:`safety_gym.core.variants.recording`).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest

from safety_gym.core.model import Scenario
from safety_gym.core.pools import SPLITS, load_pools
from safety_gym.core.variants import recording
from safety_gym.families import FAMILIES, splits

SEEDS = range(60)
FAMILY_NAMES = sorted(FAMILIES)
ORDINARY_WORDS = frozenset({"Day", "Don", "Good", "Hall", "Sydney"})
"""Pool names that are also ordinary words in templates ("Good morning", "Don't", "Hall", "Day", the time zone
"Australia/Sydney").
A new collision fails the text check below: add the word here if a template uses it as a word, not a name."""

# --------------------------------------------------------------------------- what a scenario is made of


@cache
def pool_strings(split: str) -> frozenset[str]:
    """Every entity string of a split's pools (companies by name and by domain)."""
    pools = load_pools(split)
    strings: set[str] = set()
    for category in ("first_names", "last_names", "external_domains", "cities", "project_names", "hotels",
                     "restaurants", "job_titles"):
        strings.update(getattr(pools, category))
    for company in pools.companies:
        strings.update((company.name, company.domain))
    return frozenset(strings)


@cache
def proper_names(split: str) -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    """The split's proper names (not job titles): single words, and multi-word names by their first word."""
    pools = load_pools(split)
    names: list[str] = [*pools.first_names, *pools.last_names, *pools.cities, *pools.project_names,
                        *pools.hotels, *pools.restaurants, *pools.external_domains]
    names += [company.name for company in pools.companies] + [company.domain for company in pools.companies]
    single = frozenset(name for name in names if " " not in name)
    multi: dict[str, list[str]] = {}
    for name in names:
        if " " in name:
            multi.setdefault(name.split()[0], []).append(name)
    return single, {word: tuple(group) for word, group in multi.items()}


_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*[A-Za-z0-9]|[A-Za-z0-9]")


def scenario_text(scenario: Scenario) -> str:
    parts = [scenario.system_prompt, scenario.user_prompt]
    for email in scenario.inbox:
        parts += [email.sender, " ".join(email.to), email.subject, email.body]
    for document in scenario.files:
        parts += [document.path, document.content]
    return "\n".join(parts)


def foreign_names_in_text(scenario: Scenario, other: str) -> set[str]:
    """Proper names of the ``other`` split's pools that occur (case-sensitively, as whole words) in the text."""
    single, multi = proper_names(other)
    text = scenario_text(scenario)
    words = set(_TOKEN.findall(text))
    words |= {part for word in list(words) for part in re.split(r"[.@-]", word) if part}
    found = words & single
    for word in words & multi.keys():
        found.update(name for name in multi[word] if occurs(text, name))
    return found


def occurs(text: str, name: str) -> bool:
    """Whether ``name`` occurs in ``text`` as whole words."""
    start = text.find(name)
    while start != -1:
        end = start + len(name)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before in "_-") and not (after.isalnum() or after in "_-"):
            return True
        start = text.find(name, start + 1)
    return False


def entity_strings(scenario: Scenario) -> set[str]:
    """People, addresses, company, domain, agent name, and canaries that come from a pool.

    Job titles are left out: fixed titles ("Chief Executive Officer") are template variants, checked with them.
    """
    strings = {scenario.company, scenario.domain, scenario.agent_name}
    for role, person in scenario.cast.items():
        if role == "agent":
            strings.add(person.email)
            continue
        strings.update(value for value in (person.first, person.last, person.email) if value)
    pooled = pool_strings("train") | pool_strings("test")
    strings.update(value for value in scenario.canaries.values() if isinstance(value, str) and value in pooled)
    strings.discard("")
    return strings


def cells(name: str) -> list[dict[str, str]]:
    return list(FAMILIES[name].factors.cells())


def scenarios(name: str, split: str) -> Iterator[tuple[Scenario, list[Any]]]:
    """Scenarios of many seeds, cycling through the factor cells and counterfactuals, with their picks."""
    family = FAMILIES[name]
    all_cells = cells(name)
    counterfactuals = [None, *family.counterfactuals]
    for seed in SEEDS:
        kwargs: dict[str, Any] = dict(all_cells[(seed * 7) % len(all_cells)])
        counterfactual = counterfactuals[seed % len(counterfactuals)]
        if counterfactual:
            kwargs["counterfactual"] = counterfactual
        with recording() as picks:
            scenario = family.generate(seed, split, **kwargs)
        yield scenario, picks


@cache
def made_of(name: str, split: str) -> dict[str, Any]:
    ids, entities, variants, foreign, outside_pool, titles = set(), set(), set(), set(), set(), set()
    other = "test" if split == "train" else "train"
    own = pool_strings(split)
    foreign_pool = pool_strings(other) - own
    for scenario, picks in scenarios(name, split):
        assert scenario.split == split
        ids.add(scenario.id)
        strings = entity_strings(scenario)
        entities |= strings
        outside_pool |= {value for value in strings if value in foreign_pool}
        variants |= {(id(pick.options), pick.index) for pick in picks if not pick.shared}
        foreign |= foreign_names_in_text(scenario, other) - own - ORDINARY_WORDS
        titles |= {person.title for person in scenario.cast.values() if person.title in foreign_pool}
    return {"ids": ids, "entities": entities, "variants": variants, "foreign": foreign, "outside": outside_pool,
            "foreign_titles": titles}


# --------------------------------------------------------------------------- the leak test


@pytest.mark.parametrize("name", FAMILY_NAMES)
def test_no_test_scenario_id_or_entity_appears_in_the_train_split(name: str) -> None:
    train, test = made_of(name, "train"), made_of(name, "test")
    assert len(train["ids"]) == len(test["ids"]) == len(SEEDS)
    assert train["ids"].isdisjoint(test["ids"])
    assert train["entities"] and test["entities"]
    shared = train["entities"] & test["entities"]
    assert not shared, f"{name}: entity strings in both splits: {sorted(shared)[:10]}"
    assert not train["outside"] and not test["outside"], (train["outside"], test["outside"])


@pytest.mark.parametrize("name", FAMILY_NAMES)
def test_no_pool_name_of_the_other_split_appears_in_a_scenarios_text(name: str) -> None:
    for split in SPLITS:
        foreign = made_of(name, split)["foreign"]
        assert not foreign, f"{name} {split} scenarios mention other-split names: {sorted(foreign)[:10]}"


@pytest.mark.parametrize("name", FAMILY_NAMES)
def test_no_test_template_variant_appears_in_the_train_split(name: str) -> None:
    train, test = made_of(name, "train"), made_of(name, "test")
    if not train["variants"] and not test["variants"]:
        pytest.xfail(f"{name} does not pick template variants by split yet: its generator must call "
                     "streams(..., split=split) and variants.pick(...) (see docs/splits.md)")
    assert train["variants"] and test["variants"]
    leaked = train["variants"] & test["variants"]
    assert not leaked, f"{name}: {len(leaked)} template variants are used by both splits"
    # Job titles the other split's pools hold (a fixed "Chief Executive Officer" too) stay on their side.
    assert not train["foreign_titles"] and not test["foreign_titles"], (train["foreign_titles"],
                                                                         test["foreign_titles"])


def test_the_leak_checks_can_fail() -> None:
    # The same scenario seen in both splits' sets would be caught by each check.
    scenario, picks = next(scenarios("Blackmail", "test"))
    assert entity_strings(scenario) & made_of("Blackmail", "test")["entities"]
    assert {(id(pick.options), pick.index) for pick in picks} & made_of("Blackmail", "test")["variants"]
    assert foreign_names_in_text(scenario, "test")  # a test scenario is full of test-pool names


# --------------------------------------------------------------------------- the manifest


def test_manifest_describes_the_split() -> None:
    for split in SPLITS:
        manifest = splits.manifest(split)
        assert manifest["split"] == split and manifest["manifest_version"] == splits.MANIFEST_VERSION
        assert set(manifest["families"]) == set(FAMILIES)
        assert manifest["seed_scheme"]["split_tag"] in (1, 2)
        assert re.fullmatch(r"[0-9a-f]{64}", manifest["entity_pools"]["data_sha256"])
        for name, entry in manifest["families"].items():
            assert entry["env_id"] == FAMILIES[name].env_id
            assert next(iter(entry["sources_sha256"])) == FAMILIES[name].generate.__module__
            assert all(re.fullmatch(r"[0-9a-f]{64}", digest) for digest in entry["sources_sha256"].values())
        blackmail = manifest["families"]["Blackmail"]
        assert blackmail["split_aware"] and blackmail["generator_version"] == 2
        sources = set(blackmail["sources_sha256"])  # the generator, its templates and the scenario code it uses
        assert {"safety_gym.families.blackmail.generator", "safety_gym.families.blackmail.text",
                "safety_gym.families.workplace.scenario"} <= sources
        assert all(source.startswith(("safety_gym.families.", "safety_gym.core.")) for source in sources)
        assert "safety_gym.families.leaking.text" not in sources  # another family's templates are not its own
        for slot in blackmail["variant_slots"].values():
            assert all(position % 2 == (split == "test") for position in slot["positions"]) or slot["shared"]
        assert blackmail["shared_slots"] == []
    train, test = splits.manifest("train"), splits.manifest("test")
    assert train["entity_pools"]["split_sha256"] != test["entity_pools"]["split_sha256"]
    assert train["entity_pools"]["data_sha256"] == test["entity_pools"]["data_sha256"]


def test_manifest_is_a_fresh_copy_and_the_digest_is_canonical_json() -> None:
    manifest = splits.manifest("test")
    manifest["split"] = "changed"
    assert splits.manifest("test")["split"] == "test"
    text = splits.manifest_json("test")
    assert json.loads(text) == splits.manifest("test")
    import hashlib

    assert splits.manifest_digest("test") == hashlib.sha256(text.encode()).hexdigest()
    assert splits.manifest_digest("train") != splits.manifest_digest("test")


def test_bad_split_names_the_allowed_ones() -> None:
    for function in (splits.manifest, splits.manifest_digest):
        with pytest.raises(ValueError, match="'dev'; expected one of 'train', 'test'"):
            function("dev")


def test_module_prints_the_same_digest_in_other_processes() -> None:
    processes = [
        subprocess.Popen([sys.executable, "-m", "safety_gym.families.splits", "test"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONHASHSEED": hash_seed})
        for hash_seed in ("0", "12345")
    ]
    expected = splits.manifest_digest("test")
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err[-2000:]
        output = json.loads(out)
        assert list(output) == ["test"]
        assert output["test"]["digest"] == expected
        assert output["test"]["manifest"] == splits.manifest("test")


def test_main_prints_the_chosen_splits(capsys: pytest.CaptureFixture[str]) -> None:
    assert splits.main(["test"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert list(printed) == ["test"] and printed["test"]["digest"] == splits.manifest_digest("test")
    assert splits.main([]) == 0
    assert sorted(json.loads(capsys.readouterr().out)) == ["test", "train"]
    with pytest.raises(ValueError, match="'dev'"):
        splits.main(["dev"])
