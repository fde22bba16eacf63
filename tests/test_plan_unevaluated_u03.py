"""U03: a routing layer that could not be evaluated says so, in the plan's notes, its step
summary and the gate's status comment — not only as a fallback reason nobody reads.

The attack is the example config as a user copies it: its ``paths_any`` rule for PRs needs the
PR's file list; without a token it silently never matched and ``pr-opened.json`` landed in
triage with "no LLM …" as the only reason given.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from foreman.cli import main
from foreman.contracts import Plan
from tests.fakes.github import FakeGitHub
from tests.support.gate import REPO, Gate
from tests.support.render import render

EXAMPLES = Path(__file__).resolve().parents[1] / "workflows-examples"


def _plan(root: Path, event: str, capsys: pytest.CaptureFixture[str]) -> Plan:
    out = root / "plan.json"
    argv = ["plan", "--event", str(EXAMPLES / "events" / event), "--root", str(root)]
    assert main([*argv, "--output", str(out)]) == 0, capsys.readouterr().err
    return Plan.model_validate_json(out.read_text())


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = tmp_path / "repo"
    (repo / ".github").mkdir(parents=True)
    shutil.copy(EXAMPLES / "foreman.yml", repo / ".github" / "foreman.yml")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    return repo


def test_U03_path_rules_and_llm_without_token_or_key_are_named_in_plan_summary_and_comment(
    root: Path,
    tmp_path: Path,
    fake_github: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plan = _plan(root, "pr-opened.json", capsys)
    [t] = plan.tasks
    assert t.worker == "triage"  # honest work still gets planned: the fallback worker
    texts = [n.text for n in plan.notes if n.item == 15]
    assert any("changed paths" in x and "no GitHub token" in x for x in texts), texts
    assert any("LLM router" in x and "ANTHROPIC_API_KEY" in x for x in texts), texts
    assert "changed paths not evaluated" in t.reason
    summary = render((tmp_path / "summary.md").read_text()).text
    assert "Not evaluated: routing rules on changed paths" in summary
    assert "Not evaluated: the LLM router" in summary

    # the gate shows the same notes in the status comment on PR #15
    (tmp_path / "gate").mkdir()
    gate = Gate(fake_github, tmp_path / "gate", monkeypatch)
    gate.checkout()
    while fake_github.add_pull(REPO, "Add retries", head="add-retries") < 15:
        pass
    assert gate.run(plan=plan) == 0
    [comment] = gate.bodies(15)
    shown = render(comment).text
    assert "Not evaluated: routing rules on changed paths" in shown
    assert "Not evaluated: the LLM router" in shown


def test_U03_an_unusable_model_file_is_named(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = root / ".github" / "foreman.yml"
    config.write_text(
        config.read_text().replace(
            "classifier: {enabled: true, min_confidence: 0.7}",
            "classifier: {enabled: true, min_confidence: 0.7, model: .github/model.json}",
        )
    )
    (root / ".github" / "model.json").write_text(json.dumps({"not": "a model"}))
    plan = _plan(root, "issue-bug.json", capsys)
    assert plan.tasks  # routed all the same, by the shipped model or the fallback
    [note] = [n for n in plan.notes if "classifier model" in n.text]
    assert note.item == 12 and "not usable" in note.text and ".github/model.json" in note.text
    summary = render((tmp_path / "summary.md").read_text()).text
    assert "Not evaluated: the classifier model .github/model.json" in summary
