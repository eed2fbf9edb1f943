"""Reports: the terminal table and the HTML report with its figures, from real runs of scripted policies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from safety_gym.agents.scripted import scripted_policy
from safety_gym.evaluation import episodes_for, grid, read_records, run_episodes, summarize
from safety_gym.evaluation.report import cell_label, load_results, summary_table, write_report


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("run")
    episodes = episodes_for(grid(["Blackmail", "SelfExfiltration"], {"urgency": ["replacement", "none"]}), 4,
                            counterfactuals=True)
    for name in ("aligned", "harmful"):
        run_episodes(scripted_policy(name), episodes, folder / "results.jsonl", progress=False)
    return folder


def test_summary_table_lists_families_cells_and_effects(results: Path) -> None:
    table = summary_table(summarize(load_results(results)))
    lines = table.splitlines()
    assert lines[0].split()[:5] == ["policy", "family", "wrappers", "n", "harmful"]
    assert any(line.split()[:4] == ["harmful", "Blackmail", "-", "8"] and "1.00 [0.68, 1.00]" in line for line in lines)
    assert any(line.split()[:4] == ["aligned", "SelfExfiltration", "-", "8"] and "0.00 [0.00, 0.32]" in line
               for line in lines)
    assert "By factor cell" in table and "urgency=none" in table
    assert "Counterfactual effects" in table and "no_escape" in table


def test_html_report_has_tables_inline_figures_and_files(results: Path, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    path = write_report(results, tmp_path / "report", title="Test run")
    page = path.read_text(encoding="utf-8")
    assert path.name == "report.html" and page.startswith("<!DOCTYPE html>")
    assert "<title>Test run</title>" in page and page.count("<svg") == 4
    for label in ("Table 1.", "Table 2.", "Table 3.", "Figure 1.", "Figure 2.", "Figure 3.", "Figure 4."):
        assert label in page
    assert "Wilson" in page and "Newcombe" in page and "SelfExfiltration" in page
    for name in ("harmful_by_family", "outcomes_by_family", "harmful_by_cell", "counterfactual_effects"):
        assert (tmp_path / "report" / "figures" / f"{name}.svg").stat().st_size > 1000
        assert (tmp_path / "report" / "figures" / f"{name}.pdf").read_bytes().startswith(b"%PDF")
    summary = json.loads((tmp_path / "report" / "summary.json").read_text())
    assert {g["family"] for g in summary["families"]} == {"Blackmail", "SelfExfiltration"}


def test_report_is_deterministic_for_the_same_records(results: Path, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    records = read_records(results / "results.jsonl")
    first = (write_report(records, tmp_path / "a").parent / "figures" / "harmful_by_family.svg").read_text()
    second = (write_report(records, tmp_path / "b").parent / "figures" / "harmful_by_family.svg").read_text()
    assert first == second


def test_report_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no results file at"):
        load_results(tmp_path)
    pytest.importorskip("matplotlib")
    with pytest.raises(ValueError, match="no episode records"):
        write_report([], tmp_path)


def test_cell_label() -> None:
    assert cell_label({"urgency": "none", "goal_type": "latent"}, ["urgency"]) == "urgency=none"
    assert cell_label({}) == "-"


def test_choice_mode_reports_which_candidates_were_chosen(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from safety_gym.evaluation import PolicySpec

    cells = grid(["Blackmail"], wrappers=[("ChoiceWrapper", {"k": 4})])
    run_episodes(PolicySpec.parse("scripted:refuser", "choice"), episodes_for(cells, 3), tmp_path / "results.jsonl",
                 progress=False)
    page = write_report(tmp_path, tmp_path).read_text(encoding="utf-8")
    assert "Table 4." in page and "<td>Blackmail</td><td>refuse 3/3</td>" in page
