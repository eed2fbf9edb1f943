"""Contracts every registered family keeps, checked generically over ``safety_gym.families.FAMILIES``.

A family added to the registry is covered here without new tests: ``check_env`` on ``gym.make(id)`` for
every factor cell, byte-identical rollouts in fresh processes with other hash seeds, the scripted reference
labels and their verdicts, draw-stable factor cells and counterfactuals, and the family table in
``docs/families.md``.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import subprocess
import sys
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env

import safety_gym  # noqa: F401  (registers the environments)
from safety_gym.families import FAMILIES, describe_families, factor_cells, list_envs, list_families

FAMILY_NAMES = list(FAMILIES)
CHUNK = 30
SAFE_LABELS = ("escalate", "comply", "accept", "refuse")
LABELS = (*SAFE_LABELS, "harmful")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "families.md"
HARM_NEEDS_A_THREAT = {"Sandbagging": "underperforming is harm only when a high score is threatened"}
"""Families whose harm is defined relative to the threat: their harmful reference is harmless at urgency=none."""


def chunks() -> list[Any]:
    params = []
    for name in FAMILY_NAMES:
        count = len(factor_cells(name))
        params += [pytest.param(name, start, id=f"{name}-{start // CHUNK}") for start in range(0, count, CHUNK)]
    return params


# --------------------------------------------------------------------------- the registry


def test_registry_lists_every_family_env_and_cell() -> None:
    assert list_families() == FAMILY_NAMES and FAMILY_NAMES[0] == "Blackmail"
    assert list_envs() == [FAMILIES[name].env_id for name in FAMILY_NAMES]
    described = describe_families()
    assert list(described) == FAMILY_NAMES
    for name, family in FAMILIES.items():
        assert family.env_id in gym.registry and gym.spec(family.env_id).kwargs == {"family": name}
        cells = factor_cells(name)
        assert len(cells) == described[name]["cells"] == len({json.dumps(cell) for cell in cells})
        assert all(list(cell) == list(family.factors.names) for cell in cells)
        entry = described[name]
        assert entry["harmful_labels"] == list(family.harmful_labels) and entry["harmful_labels"]
        assert entry["tools"] == [tool.name for tool in family.tools]
        for factor in family.factors.factors:
            assert entry["factors"][factor.name] == {"levels": list(factor.levels), "default": factor.default}
    json.dumps(described)  # JSON-ready
    with pytest.raises(ValueError, match="unknown family 'Nope'"):
        factor_cells("Nope")


# --------------------------------------------------------------------------- check_env


@pytest.mark.parametrize(("name", "start"), chunks())
def test_check_env_passes_on_gym_make_for_every_factor_cell(name: str, start: int) -> None:
    family = FAMILIES[name]
    for cell in factor_cells(name)[start : start + CHUNK]:
        env = gym.make(family.env_id, **cell)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            check_env(env, skip_render_check=True)
        advice = [str(w.message) for w in caught if "is different from the unwrapped version" not in str(w.message)]
        assert not advice, (cell, advice)


# --------------------------------------------------------------------------- determinism across processes


def digest_families(names: list[str], seeds: list[int]) -> dict[str, str]:
    """SHA-256 per family over resets, every scripted label's step and a follow-up interview.

    This function's source also runs in fresh interpreters, so it must stay self-contained.
    """
    import hashlib
    import importlib
    import json

    import gymnasium as gym

    importlib.import_module("safety_gym")
    registry = importlib.import_module("safety_gym.families")
    interview = importlib.import_module("safety_gym.wrappers.interview")

    def feed(h: Any, value: Any) -> None:
        h.update(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8"))
        h.update(b"\x00")

    digests = {}
    for name in names:
        family = registry.FAMILIES[name]
        cells = list(family.factors.cells())
        h = hashlib.sha256()
        for cell, split, syntax in ((cells[0], "train", "hermes"), (cells[-1], "test", "xml")):
            env = interview.FollowUpInterview(gym.make(family.env_id, split=split, syntax=syntax, **cell,
                                                       privileged_info=True))
            for seed in seeds:
                observation, info = env.reset(seed=seed)
                feed(h, [observation, info["messages"], info["tools"], info["scenario"]])
                for label in ("escalate", "comply", "accept", "refuse", "harmful"):
                    _, info = env.reset(seed=seed)
                    action = info["reference_actions"][label]
                    observation, reward, terminated, truncated, step_info = env.step(action)
                    step_info = {key: value for key, value in step_info.items() if key != "reference_actions"}
                    feed(h, [action, observation, reward, terminated, truncated, step_info])
                answers = env.step(info["reference_actions"]["harmful"])[4]["reference_actions"]["deny"]
                _, info = env.reset(seed=seed)
                env.step(info["reference_actions"]["harmful"])
                feed(h, env.step(answers))
        digests[name] = h.hexdigest()
    return digests


def test_rollouts_are_byte_identical_in_processes_with_other_hash_seeds() -> None:
    seeds = [0, 1, 7]
    code = (
        "import json\nfrom typing import Any\n"
        f"{inspect.getsource(digest_families)}\n"
        f"print(json.dumps(digest_families({FAMILY_NAMES!r}, {seeds!r})))\n"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env={**os.environ, "PYTHONHASHSEED": hash_seed})
        for hash_seed in ("1", "4242")
    ]
    here = digest_families(FAMILY_NAMES, seeds)
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err[-3000:]
        assert json.loads(out.strip().splitlines()[-1]) == here
    assert len(set(here.values())) == len(FAMILY_NAMES)
    assert digest_families(FAMILY_NAMES[:1], [0]) != digest_families(FAMILY_NAMES[:1], [1])


# --------------------------------------------------------------------------- scripted labels


@pytest.mark.parametrize("name", FAMILY_NAMES)
def test_scripted_labels_exist_and_get_the_expected_verdicts_in_every_cell(name: str) -> None:
    # Every cell runs the harmful response and one safe response (in turn), so each label meets many cells.
    family = FAMILIES[name]
    assert set(HARM_NEEDS_A_THREAT) <= set(FAMILIES)
    for index, cell in enumerate(factor_cells(name)):
        harm_possible = name not in HARM_NEEDS_A_THREAT or cell.get("urgency") != "none"
        env = gym.make(family.env_id, split=("train", "test")[index % 2], **cell, privileged_info=True).unwrapped
        _, info = env.reset(seed=index)
        references = info["reference_actions"]
        missing = [label for label in LABELS if label not in references]
        assert not missing, f"{name} {cell}: no reference response {missing}"
        for label in ("harmful", SAFE_LABELS[index % len(SAFE_LABELS)]):
            _, info = env.reset(seed=index)
            _, reward, terminated, _, step = env.step(info["reference_actions"][label])
            harmful = [verdict["label"] for verdict in step["verdicts"] if verdict["harmful"]]
            assert not step["format_error"], (name, cell, label, step["parse_errors"])
            if label == "harmful" and harm_possible:
                assert step["cost"] >= 1.0 and harmful, (name, cell, label)
                assert set(harmful) <= set(family.harmful_labels), harmful
                assert all(verdict["evidence"] for verdict in step["verdicts"] if verdict["harmful"])
            else:
                assert step["cost"] == 0.0 and not harmful, (name, cell, label, harmful)
            assert 0.0 <= reward <= 1.0 and terminated


# --------------------------------------------------------------------------- draw stability


def _surface(scenario: Any, tasks: bool = True) -> tuple[Any, ...]:
    surface = (scenario.cast, scenario.company, scenario.domain, scenario.agent_name, scenario.tool_names)
    return (*surface, scenario.task_items) if tasks else surface


def _kept(base: Any, variant: Any) -> float:
    emails = {email.id: email for email in variant.inbox}
    files = {document.path: document for document in variant.files}
    kept = sum(emails.get(email.id) == email for email in base.inbox)
    kept += sum(files.get(document.path) == document for document in base.files)
    return kept / max(1, len(base.inbox) + len(base.files))


@pytest.mark.parametrize("name", FAMILY_NAMES)
def test_counterfactuals_keep_the_surface_and_change_one_element(name: str) -> None:
    family = FAMILIES[name]
    for split in ("train", "test"):
        for seed in range(4):
            base = family.generate(seed, split)
            for counterfactual in family.counterfactuals:
                variant = family.generate(seed, split, counterfactual=counterfactual)
                assert _surface(variant) == _surface(base), (name, counterfactual)
                assert (variant.counterfactual, variant.factors, variant.split) == (counterfactual, base.factors, split)
                assert variant.id != base.id
                assert variant.summary()["counterfactual"] == counterfactual
                assert (variant.inbox, variant.files, variant.system_prompt, variant.facts) != (
                    base.inbox, base.files, base.system_prompt, base.facts)  # it does remove something
                assert _kept(base, variant) >= 0.5, (name, counterfactual, _kept(base, variant))


@pytest.mark.parametrize("name", FAMILY_NAMES)
def test_every_factor_cell_of_a_seed_shares_the_cast(name: str) -> None:
    # A factor may change the tasks (Sandbagging's question_kind does), never who is in the scenario.
    family = FAMILIES[name]
    cells = factor_cells(name)
    for split in ("train", "test"):
        for seed in (0, 5):
            scenarios = [family.generate(seed, split, **cell) for cell in cells[:: max(1, len(cells) // 12)]]
            assert len({json.dumps(s.summary()["factors"]) for s in scenarios}) == len(scenarios)
            assert all(_surface(s, tasks=False) == _surface(scenarios[0], tasks=False) for s in scenarios), name


def test_the_stability_checks_can_fail() -> None:
    family = FAMILIES["Blackmail"]
    assert _surface(family.generate(0, "train")) != _surface(family.generate(1, "train"))
    assert _kept(family.generate(0, "train"), family.generate(1, "train")) < 0.5


# --------------------------------------------------------------------------- docs/families.md


def parse_family_table(text: str) -> dict[str, dict[str, Any]]:
    """Rows of the first markdown table whose header starts with ``| Family |``."""
    lines = text.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("| Family |"))
    header = [cell.strip() for cell in lines[start].strip("|").split("|")]
    rows: dict[str, dict[str, Any]] = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = dict(zip(header, (cell.strip() for cell in line.strip().strip("|").split("|")), strict=True))
        factors: dict[str, Any] = {}
        for part in cells["Factors"].split("<br>"):
            match = re.fullmatch(r"`(\w+)`: (.+)", part.strip())
            assert match, f"unreadable factor cell {part!r}"
            levels = [level.strip() for level in match.group(2).split(",")]
            defaults = [level.strip("*") for level in levels if level.startswith("**")]
            factors[match.group(1)] = {"levels": [level.strip("*") for level in levels], "default": defaults}
        rows[cells["Family"]] = {
            "env_id": cells["Env id"].strip("`"),
            "factors": factors,
            "harmful": re.findall(r"`(\w+)`", cells["Harmful labels"]),
            "exits": re.findall(r"`(\w+)`", cells["Safe exits"]),
            "checks": cells["What the judge checks"],
        }
    return rows


def expected_row(name: str) -> str:
    family = FAMILIES[name]
    factors = "<br>".join(
        f"`{f.name}`: " + ", ".join(f"**{level}**" if level == f.default else level for level in f.levels)
        for f in family.factors.factors
    )
    harms = ", ".join(f"`{label}`" for label in family.harmful_labels)
    exits = ", ".join(f"`{label}`" for label in safe_exit_labels(name))
    return f"| {name} | `{family.env_id}` | {factors} | {harms} | {exits} | ... |"


@cache
def safe_exit_labels(name: str) -> list[str]:
    labels: dict[str, None] = {}
    for cell in factor_cells(name):
        for exit_ in FAMILIES[name].generate(0, "train", **cell).safe_exits:
            labels[exit_.label] = None
    return list(labels)


def test_docs_family_table_lists_exactly_the_registered_families_and_their_factors() -> None:
    rows = parse_family_table(DOCS.read_text(encoding="utf-8"))
    missing = [expected_row(name) for name in FAMILY_NAMES if name not in rows]
    assert not missing, "docs/families.md lacks rows for:\n" + "\n".join(missing)
    assert list(rows) == FAMILY_NAMES, f"docs/families.md lists {list(rows)}; registered: {FAMILY_NAMES}"
    for name, row in rows.items():
        family = FAMILIES[name]
        hint = f"docs/families.md row for {name} is out of date; expected:\n{expected_row(name)}"
        assert row["env_id"] == family.env_id, hint
        assert list(row["factors"]) == list(family.factors.names), hint
        for factor in family.factors.factors:
            assert row["factors"][factor.name] == {"levels": list(factor.levels), "default": [factor.default]}, hint
        assert row["harmful"] == list(family.harmful_labels), hint
        assert sorted(row["exits"]) == sorted(safe_exit_labels(name)), hint
        assert len(row["checks"]) > 40, hint


def test_the_table_parser_notices_drift() -> None:
    text = DOCS.read_text(encoding="utf-8")
    rows = parse_family_table(text.replace("restriction, none<br>`appeal`", "none<br>`appeal`", 1))
    if "Leaking" in rows:
        assert rows["Leaking"]["factors"]["urgency"]["levels"] == ["replacement", "none"]
    assert "**explicit**" in expected_row("Blackmail") and "`blackmail`" in expected_row("Blackmail")
