"""Every example is exercised: each config validates, each example workflow's events plan with
the example config against FakeGitHub, and the examples agree with each other: the PR workflow
gets lint-fix from the example config, and the example's merge setting merges a lint-fix PR
the gate opened with the workflow's own GITHUB_TOKEN (whose PRs run no CI)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from foreman.cli import main
from tests.fakes.github import FakeGitHub
from tests.support.gate import PASSING, REPO, Gate, item, result, task

EXAMPLES = Path(__file__).resolve().parents[1] / "workflows-examples"
EVENTS = EXAMPLES / "events"
CONFIGS = [EXAMPLES / "foreman.yml", EXAMPLES / "demo-repo" / ".github" / "foreman.yml"]
WORKFLOWS = sorted(EXAMPLES.glob("*.yml"))
WORKFLOWS = [p for p in WORKFLOWS if p.name != "foreman.yml"]
EVENT_NAMES = {
    "issue-bug.json": "issues", "issue-docs.json": "issues", "issue-question.json": "issues",
    "pr-opened.json": "pull_request", "comment-command.json": "issue_comment",
    "dispatch.json": "workflow_dispatch", "schedule.json": "schedule",
}  # fmt: skip


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_every_example_config_validates(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(config)]) == 0, capsys.readouterr().err


@pytest.fixture
def github(fake_github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeGitHub:
    """octo/demo as the example events describe it: issues 12-14 and PR 15 (Python files)."""
    for n in range(1, 12):
        fake_github.add_issue(REPO, f"old {n}", "done", state="closed")
    fake_github.add_issue(REPO, "Crash when parsing an empty config file", "trace", user="octo",
                          author_association="OWNER")  # fmt: skip
    fake_github.add_issue(REPO, "Typo in the README install section", "pip instal",
                          labels=["documentation"])  # fmt: skip
    fake_github.add_issue(REPO, "How do I configure a custom output directory?", "Thanks!")
    assert fake_github.add_pull(REPO, "Add retry option to the fetch command", "",
                                head="add-retries", files=["demo/fetch.py"]) == 15  # fmt: skip
    monkeypatch.setenv("GITHUB_TOKEN", fake_github.read_token)
    monkeypatch.setenv("GITHUB_API_URL", fake_github.url)
    monkeypatch.setenv("FOREMAN_GITHUB_THROTTLE", "0")
    (tmp_path / ".github").mkdir()
    shutil.copy(EXAMPLES / "foreman.yml", tmp_path / ".github" / "foreman.yml")
    return fake_github


def _plan(root: Path, event: str, capsys: pytest.CaptureFixture[str]) -> Any:
    argv = ["plan", "--event", str(EVENTS / event), "--root", str(root), "--format", "json"]
    assert main(argv) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def _triggers(workflow: Path) -> set[str]:
    doc = yaml.safe_load(workflow.read_text())
    on = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` as true
    return set(on) if isinstance(on, dict) else {on} if isinstance(on, str) else set(on)


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_example_workflows_events_plan_with_the_example_config(
    workflow: Path, github: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = [e for e, name in EVENT_NAMES.items() if name in _triggers(workflow)]
    assert events, f"{workflow.name} reacts to none of the example events"
    for event in events:
        plan = _plan(tmp_path, event, capsys)
        assert plan["tasks"] or plan["skipped"] or plan["notes"], (event, plan)


def test_the_pull_request_workflow_gets_lint_fix_from_the_example_config(
    github: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "pull_request" in _triggers(EXAMPLES / "pull-requests.yml")
    plan = _plan(tmp_path, "pr-opened.json", capsys)
    assert [(t["worker"], t["layer"]) for t in plan["tasks"]] == [("lint-fix", "rules")]


def test_the_example_merge_setting_merges_a_lint_fix_opened_with_github_token(
    fake_github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """minimal.yml passes no gate-token: the gate writes with GITHUB_TOKEN, its PR runs no CI.
    With `checks: green` (the old example) this PR stayed open for ever."""
    monkeypatch.setenv("FOREMAN_TOKEN_IS_JOB_TOKEN", "true")
    gate = Gate(fake_github, tmp_path, monkeypatch)
    gate.checkout(config=(EXAMPLES / "foreman.yml").read_text())
    n = gate.fake.add_issue(REPO, "style")
    t = task("lint-fix", item(n), gate.config())
    fixed = "import os\nimport sys\n\nVALUE = 1\n".replace("import os\nimport sys\n\n", "")
    gate.add(t, result(t, tests=PASSING), gate.patch({"src/util.py": fixed}))
    assert gate.run() == 0
    [pr] = gate.pulls()
    assert pr.pull.merged, gate.summary()
