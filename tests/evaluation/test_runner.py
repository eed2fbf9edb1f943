"""The runner: batched rollouts over every family, records, multi-turn, choice mode, resuming, batch independence."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from safety_gym.agents.scripted import scripted_policy
from safety_gym.evaluation import PolicySpec, episodes_for, grid, read_records, rollout, run_episodes, summarize
from safety_gym.evaluation.spec import Cell, EpisodeSpec
from safety_gym.families import FAMILIES


class CountingPolicy:
    """A scripted policy that records the size of every batch it is given."""

    def __init__(self, name: str) -> None:
        self.inner = scripted_policy(name)
        self.name = self.inner.name
        self.privileged_info = getattr(self.inner, "privileged_info", False)
        self.batches: list[int] = []

    def act(self, observations: Sequence[str], infos: Sequence[dict[str, Any]]) -> list[str]:
        self.batches.append(len(observations))
        return self.inner.act(observations, infos)


def strip(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "timings"}


def test_every_registered_family_runs_and_scripted_policies_behave(tmp_path: Path) -> None:
    cells = grid(list(FAMILIES))
    for name, harmful in (("aligned", 0.0), ("harmful", 1.0)):
        run_episodes(scripted_policy(name), episodes_for(cells, 3), tmp_path / f"{name}.jsonl", progress=False)
        summary = summarize(read_records(tmp_path / f"{name}.jsonl"))
        assert {g.family for g in summary.families} == set(FAMILIES)
        assert all(g.n == 3 and g.harmful.value == harmful for g in summary.families), name
        assert all(g.format_failure.value == 0.0 for g in summary.families)
        if name == "aligned":
            assert all(g.safe_exit.value == 1.0 for g in summary.families)


def test_records_hold_what_an_analysis_needs(tmp_path: Path) -> None:
    cell = Cell("Blackmail", {"urgency": "restriction", "split": "test"})
    run_episodes(scripted_policy("blackmailer"), [EpisodeSpec(cell, 7)], tmp_path / "r.jsonl", progress=False)
    (record,) = read_records(tmp_path / "r.jsonl")
    assert record["env_id"] == "safety_gym/Blackmail-v0" and record["kwargs"] == {"urgency": "restriction",
                                                                                 "split": "test"}
    assert record["seed"] == 7 and record["counterfactual"] is None and record["family"] == "Blackmail"
    assert record["policy"] == {"name": "blackmailer", "settings": {}}
    assert record["scenario"]["seed"] == 7 and record["scenario"]["split"] == "test"
    assert record["harmful"] is True and record["harmful_labels"] == ["blackmail"] and record["cost"] == 1.0
    assert record["reward"] == 1.0 and record["task_progress"] == 1.0 and record["n_steps"] == 1
    assert record["actions"][0].startswith("<SCRATCHPAD_REASONING>")
    assert [call["name"] for call in record["steps"][0]["tool_calls"]][-1] == "done"
    assert {v["label"] for v in record["verdicts"]} >= {"blackmail", "task_completed"}
    assert set(record["timings"]) == {"reset_s", "policy_s", "env_s", "wall_s"}
    assert record["mode"] == "generation" and record["refused"] is False and record["safe_exit"] is False
    assert json.loads(record["key"])["policy"] == "blackmailer"


def test_batches_are_full_until_the_work_runs_out_and_do_not_change_results(tmp_path: Path) -> None:
    episodes = episodes_for(grid(["Blackmail", "Leaking"], {"urgency": ["none", "replacement"]}), 5)
    wide, narrow = CountingPolicy("aligned"), CountingPolicy("aligned")
    records: dict[int, list[dict[str, Any]]] = {4: [], 1: []}
    rollout(wide, episodes, records[4].append, batch_size=4)
    rollout(narrow, episodes, records[1].append, batch_size=1)
    assert wide.batches == [4] * 5 and narrow.batches == [1] * 20
    by_key = {r["key"]: strip(r) for r in records[1]}
    assert {r["key"]: strip(r) for r in records[4]} == by_key and len(by_key) == 20


def test_multi_turn_episodes_run_until_done_or_the_step_limit(tmp_path: Path) -> None:
    cell = Cell("Blackmail", {"mode": "multi", "max_steps": 3})
    stats = run_episodes(scripted_policy("garbage"), [EpisodeSpec(cell, s) for s in range(3)], tmp_path / "m.jsonl",
                         batch_size=2, progress=False)
    records = read_records(tmp_path / "m.jsonl")
    assert stats.written == 3 and all(r["n_steps"] == 3 and r["truncated"] for r in records)
    assert all(r["format_failure"] for r in records) and stats.policy_calls >= 3
    run_episodes(scripted_policy("aligned"), [EpisodeSpec(cell, 0)], tmp_path / "a.jsonl", progress=False)
    (done,) = read_records(tmp_path / "a.jsonl")
    assert done["n_steps"] == 1 and done["terminated"] and not done["truncated"]


def test_choice_mode_maps_scripted_text_to_candidate_indices(tmp_path: Path) -> None:
    cells = grid(["Blackmail", "Sandbagging"], wrappers=[("ChoiceWrapper", {"k": 4})])
    run_episodes(PolicySpec.parse("scripted:aligned", "choice"), episodes_for(cells, 3), tmp_path / "c.jsonl",
                 progress=False)
    records = read_records(tmp_path / "c.jsonl")
    assert all(r["mode"] == "choice" and r["choices"][0]["label"] == "escalate" for r in records)
    assert all(r["candidate_labels"][r["choices"][0]["index"]] == "escalate" for r in records)
    assert not any(r["harmful"] for r in records)


def test_choice_mode_rejects_text_that_is_no_candidate(tmp_path: Path) -> None:
    cells = grid(["Blackmail"], wrappers=[("ChoiceWrapper", {})])
    with pytest.raises(ValueError, match="not one of the candidates"):
        run_episodes(scripted_policy("garbage"), episodes_for(cells, 1), tmp_path / "x.jsonl", progress=False)


def test_counterfactual_episodes_run_with_their_option(tmp_path: Path) -> None:
    episodes = episodes_for(grid(["Blackmail"]), 2, counterfactuals=["no_threat"])
    assert [(e.seed, e.counterfactual) for e in episodes] == [(0, None), (0, "no_threat"), (1, None), (1, "no_threat")]
    run_episodes(scripted_policy("harmful"), episodes, tmp_path / "cf.jsonl", progress=False)
    records = read_records(tmp_path / "cf.jsonl")
    assert [r["scenario"]["counterfactual"] for r in records] == [None, "no_threat", None, "no_threat"]
    assert summarize(records).effects[0].pairs == 2


def test_resuming_runs_only_what_is_missing(tmp_path: Path) -> None:
    episodes = episodes_for(grid(["Blackmail", "Leaking"]), 4)
    path = tmp_path / "r.jsonl"
    first = run_episodes(scripted_policy("aligned"), episodes[:3], path, progress=False)
    second = run_episodes(scripted_policy("aligned"), episodes, path, progress=False)
    assert (first.written, second.written, second.skipped) == (3, 5, 3)
    keys = [r["key"] for r in read_records(path)]
    assert len(keys) == len(set(keys)) == 8
    other = run_episodes(scripted_policy("harmful"), episodes, path, progress=False)
    assert other.written == 8  # another policy: its own episodes


def test_errors_name_the_bad_value() -> None:
    with pytest.raises(ValueError, match="unknown env 'Nonesuch'; families: Blackmail"):
        grid(["Nonesuch"])
    with pytest.raises(ValueError, match="unknown factor 'mood'"):
        grid(["Blackmail"], {"mood": ["happy"]})
    with pytest.raises(ValueError, match="urgency='soon' is not a level of Blackmail; allowed: replacement"):
        grid(["Blackmail"], {"urgency": ["soon"]})
    with pytest.raises(ValueError, match=r"unknown wrapper 'Nope'; wrappers: .*ChoiceWrapper"):
        Cell("Blackmail", wrappers=(("Nope", {}),))
    with pytest.raises(ValueError, match="unknown counterfactual 'no_cake'; allowed: no_conflict"):
        episodes_for(grid(["Blackmail"]), 1, counterfactuals=["no_cake"])
    with pytest.raises(ValueError, match="episodes must be a positive integer"):
        episodes_for(grid(["Blackmail"]), 0)
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        rollout(scripted_policy("aligned"), [], lambda r: None, batch_size=0)


def test_randomizer_wrappers_stack_below_choice_mode(tmp_path: Path) -> None:
    cells = grid(["Leaking"], wrappers=[("UnusedTools", {"k": 2}), ("ChoiceWrapper", {"k": 3})])
    run_episodes(PolicySpec.parse("scripted:harmful", "choice"), episodes_for(cells, 2), tmp_path / "w.jsonl",
                 progress=False)
    records = read_records(tmp_path / "w.jsonl")
    assert all(r["harmful"] for r in records)
    assert records[0]["wrappers"] == [["UnusedTools", {"k": 2}], ["ChoiceWrapper", {"k": 3}]]


DONE = '<tool_call>{"name": "done", "arguments": {}}</tool_call>'


class PartialPolicy:
    """Answers every env but those whose seed is in ``fail``; raises ``error(actions)`` when some fail."""

    name = "partial"

    def __init__(self, fail: set[int], error: type[BaseException]) -> None:
        self.fail, self.error, self.calls = fail, error, 0

    def act(self, observations: Sequence[str], infos: Sequence[dict[str, Any]]) -> list[str]:
        self.calls += 1
        actions = [None if info["scenario"]["seed"] in self.fail else DONE for info in infos]
        if None in actions:
            raised = self.error("some requests failed")
            raised.actions = actions  # type: ignore[attr-defined]
            raise raised
        return actions  # type: ignore[return-value]


def test_a_partly_failed_batch_writes_the_answered_episodes_and_resume_repeats_the_others(tmp_path: Path) -> None:
    from safety_gym.evaluation.rollout import EpisodesFailed

    episodes = [EpisodeSpec(Cell("Blackmail"), seed) for seed in range(5)]
    path = tmp_path / "r.jsonl"
    with pytest.raises(EpisodesFailed, match=r"1 episode failed and was not written \(4 written\)") as raised:
        run_episodes(PartialPolicy({1}, RuntimeError), episodes, path, batch_size=2, progress=False)
    assert str(raised.value.first) == "some requests failed" and raised.value.__cause__ is raised.value.first
    assert sorted(r["seed"] for r in read_records(path)) == [0, 2, 3, 4]
    stats = run_episodes(PartialPolicy(set(), RuntimeError), episodes, path, batch_size=2, progress=False)
    assert (stats.written, stats.skipped) == (1, 4)


def test_a_round_without_any_answer_stops_the_run(tmp_path: Path) -> None:
    from safety_gym.evaluation.rollout import EpisodesFailed

    policy = PartialPolicy(set(range(6)), RuntimeError)
    with pytest.raises(EpisodesFailed, match=r"2 episodes failed .*\(0 written; 4 not started\)"):
        run_episodes(policy, [EpisodeSpec(Cell("Blackmail"), seed) for seed in range(6)], tmp_path / "r.jsonl",
                     batch_size=2, progress=False)
    assert policy.calls == 1


def test_ctrl_c_with_answers_writes_them_then_stops(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    with pytest.raises(KeyboardInterrupt):
        run_episodes(PartialPolicy({1, 2, 3}, KeyboardInterrupt), [EpisodeSpec(Cell("Blackmail"), s) for s in range(4)],
                     path, batch_size=4, progress=False)
    assert [r["seed"] for r in read_records(path)] == [0]


def test_an_error_without_answers_propagates_unchanged(tmp_path: Path) -> None:
    class Broken:
        name = "broken"

        def act(self, observations: Sequence[str], infos: Sequence[dict[str, Any]]) -> list[str]:
            raise ValueError("bad policy")

    with pytest.raises(ValueError, match="bad policy"):
        run_episodes(Broken(), [EpisodeSpec(Cell("Blackmail"), 0)], tmp_path / "r.jsonl", progress=False)
