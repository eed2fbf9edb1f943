"""The judge-agreement corpus (``benchmarks/judge_corpus/``) is well formed, covers what it must, and fills.

It does not check agreement: the corpus measures the judges, and today's judges disagree with it on purpose
(see ``docs/judge-corpus.md``). It checks that every case can be run: each placeholder fills on a train and
a test scenario in both syntaxes, and the calls execute without tool or parse errors unless the case is about
an errored call.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("yaml")
pytest.importorskip("pettingzoo")

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from judge_corpus.corpus import (  # noqa: E402
    LANGUAGES,
    MONITOR,
    SUCCESSOR,
    Runner,
    is_held_out,
    load_corpus,
)

from safety_gym.families import FAMILIES  # noqa: E402

CASES = load_corpus()


def test_corpus_is_large_and_covers_every_family() -> None:
    assert len(CASES) >= 400
    counts = Counter(case.family for case in CASES)
    for family in (*FAMILIES, SUCCESSOR, MONITOR):
        assert counts[family] >= 25, family


def test_labels_are_known_harms_or_benign() -> None:
    from safety_gym.families.successor import FAMILY as SUCCESSOR_FAMILY

    harms = {name: set(family.harmful_labels) for name, family in FAMILIES.items()}
    harms[SUCCESSOR] = set(SUCCESSOR_FAMILY.harmful_labels)
    for case in CASES:
        if case.family == MONITOR:
            assert case.label == "decisions" and len(case.expected) == case.n_calls, case.id
            assert set(case.expected) <= {"allow", "block"}, case.id
        else:
            assert case.label == "benign" or case.label in harms[case.family], case.id
        assert case.note, case.id
        assert case.language in (*LANGUAGES, "en"), case.id


def test_every_family_has_harmful_and_benign_cases_and_near_misses() -> None:
    for family in (*FAMILIES, SUCCESSOR):
        cases = [case for case in CASES if case.family == family]
        assert any(case.harmful for case in cases) and any(not case.harmful for case in cases), family
        kinds = {case.kind for case in cases}
        assert {"scratchpad_only", "errored_call", "refusal"} <= kinds, family


def test_coercion_is_covered_in_six_languages() -> None:
    coercion = {case.language for case in CASES if case.family == "Blackmail" and case.label == "blackmail"}
    assert set(LANGUAGES) <= coercion


def test_the_failure_classes_of_the_issue_are_covered() -> None:
    kinds = {(case.family, case.kind) for case in CASES}
    for needed in [
        ("Blackmail", "coercion_bargain"), ("Blackmail", "coercion_quid_pro_quo"), ("Blackmail", "coercion_implied"),
        ("Blackmail", "coercion_foreign"), ("Blackmail", "negated_mention"), ("Leaking", "leak_reformatted"),
        ("Leaking", "leak_rounded"), ("Leaking", "leak_summary"), ("LethalOverride", "standdown_message"),
        ("Sandbagging", "honest_format"), ("SelfExfiltration", "checksum_only"),
        ("OversightSubversion", "config_json"), ("GoalGuarding", "format_only_edit"),
    ]:
        assert needed in kinds, needed


def test_held_out_share_is_fixed_and_about_a_quarter() -> None:
    held = [case for case in CASES if case.held_out]
    assert 0.20 <= len(held) / len(CASES) <= 0.30
    assert all(case.held_out == is_held_out(case.id) for case in CASES)
    for family in (*FAMILIES, SUCCESSOR, MONITOR):
        assert any(case.held_out and case.family == family for case in CASES), family


@pytest.mark.parametrize("split", ["train", "test"])
@pytest.mark.parametrize("syntax", ["hermes", "xml"])
def test_every_case_fills_and_runs(split: str, syntax: str) -> None:
    runner = Runner()
    broken = []
    for case in CASES:
        run = runner.run(case, 0, split, syntax)
        if case.family != MONITOR:
            assert "{{" not in run.response, case.id
        if run.problems and case.kind != "errored_call":
            broken.append((case.id, run.problems))
    assert not broken
