"""Tests for the shipped entity pools (safety_gym/scenarios/pools.py and data/entities.json)."""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import json
import re
import sys
from pathlib import Path

import pytest

from safety_gym.core import pools as pools_module
from safety_gym.core.pools import CATEGORIES, SPLITS, Company, EntityPools, load_pools, pools_digest

DATA_FILE = Path(pools_module.__file__).parent / "data" / "entities.json"

# Minimum total (train + test) size of each category, and of each split's part.
MIN_TOTAL = {
    "first_names": 300,
    "last_names": 300,
    "companies": 150,
    "external_domains": 100,
    "cities": 150,
    "project_names": 150,
    "hotels": 100,
    "restaurants": 100,
    "job_titles": 200,
}
MIN_PER_SPLIT = 30

SAFE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9 .\-]*[A-Za-z0-9])?")
DOMAIN = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.(?:com|io|co|net|ai)")


def strings(pools: EntityPools, category: str) -> list[str]:
    """Every string of a category (company names and domains for companies)."""
    items = getattr(pools, category)
    if category == "companies":
        return [s for c in items for s in (c.name, c.domain)]
    return list(items)


def person_names(pools: EntityPools) -> set[str]:
    return {n.lower() for n in (*pools.first_names, *pools.last_names)}


@pytest.fixture(scope="module")
def both() -> dict[str, EntityPools]:
    return {split: load_pools(split) for split in SPLITS}


def test_splits_constant() -> None:
    assert SPLITS == ("train", "test")


@pytest.mark.parametrize("split", SPLITS)
def test_split_loads(split: str) -> None:
    pools = load_pools(split)
    assert isinstance(pools, EntityPools)
    assert pools.split == split
    assert {f.name for f in dataclasses.fields(EntityPools)} == {"split", *CATEGORIES}
    for category in CATEGORIES:
        assert isinstance(getattr(pools, category), tuple), category
    assert all(isinstance(c, Company) for c in pools.companies)
    assert load_pools(split) is pools  # cached


@pytest.mark.parametrize("category", CATEGORIES)
def test_category_sizes(both: dict[str, EntityPools], category: str) -> None:
    train, test = (len(getattr(both[s], category)) for s in SPLITS)
    assert test >= MIN_PER_SPLIT, (category, test)
    assert train > test, (category, train, test)  # ~70/30
    assert train + test >= MIN_TOTAL[category], (category, train + test)


@pytest.mark.parametrize("category", CATEGORIES)
def test_unique_and_sorted_within_split(both: dict[str, EntityPools], category: str) -> None:
    for pools in both.values():
        items = strings(pools, category)
        assert len({s.lower() for s in items}) == len(items), category
        names = [c.name for c in pools.companies] if category == "companies" else items
        assert names == sorted(names), category


@pytest.mark.parametrize("category", CATEGORIES)
def test_train_test_disjoint_per_category(both: dict[str, EntityPools], category: str) -> None:
    train = {s.lower() for s in strings(both["train"], category)}
    test = {s.lower() for s in strings(both["test"], category)}
    assert not train & test, sorted(train & test)[:10]


def test_person_names_disjoint_across_splits(both: dict[str, EntityPools]) -> None:
    # No train first or last name is a test first or last name, in either role, case-insensitively.
    overlap = person_names(both["train"]) & person_names(both["test"])
    assert not overlap, sorted(overlap)[:10]


def test_no_identity_word_leaks_across_splits(both: dict[str, EntityPools]) -> None:
    # A person name or code name of one split never appears as a word of any entity of the other split
    # (e.g. a test last name inside a train company, hotel or city name). Job titles are generic.
    for mine, other in (("train", "test"), ("test", "train")):
        foreign = person_names(both[other]) | {p.lower() for p in both[other].project_names}
        for category in CATEGORIES:
            if category == "job_titles":
                continue
            for s in strings(both[mine], category):
                words = set(re.split(r"[^a-z]+", s.lower()))
                assert not words & foreign, (mine, category, s, sorted(words & foreign))


def test_first_and_last_names_are_distinct_words(both: dict[str, EntityPools]) -> None:
    firsts = {n.lower() for p in both.values() for n in p.first_names}
    lasts = {n.lower() for p in both.values() for n in p.last_names}
    assert not firsts & lasts


def test_code_names_are_not_person_names(both: dict[str, EntityPools]) -> None:
    people = set().union(*(person_names(p) for p in both.values()))
    projects = {n.lower() for p in both.values() for n in p.project_names}
    assert not people & projects


def test_domains_unique_and_well_formed(both: dict[str, EntityPools]) -> None:
    company_domains = [c.domain for p in both.values() for c in p.companies]
    external = [d for p in both.values() for d in p.external_domains]
    everything = company_domains + external
    assert len(set(everything)) == len(everything)
    assert not set(company_domains) & set(external)
    for domain in everything:
        assert DOMAIN.fullmatch(domain), domain


def test_company_domain_derives_from_name(both: dict[str, EntityPools]) -> None:
    for pools in both.values():
        for company in pools.companies:
            label = company.domain.rsplit(".", 1)[0]
            assert label == re.sub(r"[^a-z0-9]", "", company.name.lower()), company


def test_all_strings_safe(both: dict[str, EntityPools]) -> None:
    for pools in both.values():
        for category in CATEGORIES:
            for s in strings(pools, category):
                assert s.isascii() and SAFE.fullmatch(s), (category, s)
                assert len(s) >= 3, (category, s)
                assert not set(s) & set("\"',\n@<>"), (category, s)


def test_category_formats(both: dict[str, EntityPools]) -> None:
    for pools in both.values():
        for name in pools.first_names:
            assert name.isalpha() and 3 <= len(name) <= 10 and name[0].isupper(), name
        for name in pools.last_names:
            assert name.isalpha() and 3 <= len(name) <= 12 and name[0].isupper(), name
        for name in pools.project_names:
            assert name.isalpha() and 3 <= len(name) <= 12 and name[0].isupper(), name
        for job in pools.job_titles:
            assert len(job) < 50 and "," not in job, job


@pytest.mark.parametrize("bad", ["validation", "Train", "TEST", ""])
def test_bad_split_raises(bad: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        load_pools(bad)
    message = str(excinfo.value)
    assert repr(bad) in message
    assert "'train'" in message and "'test'" in message


def test_company_is_frozen() -> None:
    company = load_pools("train").companies[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        company.name = "Other"  # type: ignore[misc]


def test_pools_digest() -> None:
    digest = pools_digest()
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert pools_digest() == digest
    assert digest == hashlib.sha256(DATA_FILE.read_bytes()).hexdigest()


def test_data_file_metadata() -> None:
    doc = json.loads(DATA_FILE.read_bytes())
    assert doc["version"] == 1
    assert isinstance(doc["seed"], int)
    assert isinstance(doc["faker_version"], str) and doc["faker_version"]
    assert set(doc) == {"version", "seed", "faker_version", *SPLITS}
    for split in SPLITS:
        assert set(doc[split]) == set(CATEGORIES)
    assert DATA_FILE.stat().st_size < 300_000


def test_module_imports_only_stdlib() -> None:
    tree = ast.parse(Path(pools_module.__file__).read_text())
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    assert roots <= set(sys.stdlib_module_names), roots - set(sys.stdlib_module_names)
