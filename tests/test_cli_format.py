"""``--format``: a readable summary on a terminal, the JSON for scripts (and the action).

Through ``foreman.cli.main``: plan, work (a task picked out of a plan file) and gate (a dry
run: what would be written).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from foreman.cli import main
from foreman.terminal import table
from tests.fakes.github import FakeGitHub
from tests.support.gate import PASSING, REPO, Gate, item, result, task
from tests.support.sample_repos import LINT_FILES, make_repo

EVENTS = Path(__file__).resolve().parents[1] / "workflows-examples" / "events"
FIXED = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"


def _plan(root: Path, *extra: str) -> list[str]:
    return ["plan", "--event", str(EVENTS / "issue-bug.json"), "--root", str(root), *extra]


def test_plan_text_is_a_table_with_the_decision_and_json_is_the_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_plan(tmp_path, "--format", "text")) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "foreman plan: issues.opened"
    header = next(x for x in lines if x.startswith("task"))
    assert header.split() == ["task", "worker", "decided", "by", "conf", "why"]
    row = next(x for x in lines if x.startswith("issue-12-debug"))
    assert row.split()[:4] == ["issue-12-debug", "debug", "classifier", "0.98"]
    assert "classified as bug" in row and not out.lstrip().startswith("{")
    assert main(_plan(tmp_path, "--format", "json")) == 0
    assert json.loads(capsys.readouterr().out)["tasks"][0]["id"] == "issue-12-debug"
    assert main(_plan(tmp_path)) == 0  # not a terminal (captured): json, as today
    assert json.loads(capsys.readouterr().out)["tasks"][0]["worker"] == "debug"


def test_text_on_a_terminal_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    assert main(_plan(tmp_path)) == 0
    assert capsys.readouterr().out.startswith("foreman plan: issues.opened\n")
    # a runner that gives steps a terminal (act does) still gets today's output: json
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    assert main(_plan(tmp_path)) == 0
    assert "foreman plan:" not in capsys.readouterr().out


def test_control_characters_from_an_issue_do_not_reach_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    event = json.loads((EVENTS / "issue-bug.json").read_text())
    event["issue"]["labels"] = [{"name": "documentation"}]
    (tmp_path / "e.json").write_text(json.dumps(event))
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "foreman.yml").write_text(
        'routing:\n  rules:\n    - name: "docs \\e[2J\\e]0;owned\\a"\n'
        "      if: {labels_any: [documentation]}\n      worker: docs\n"
    )
    argv = ["plan", "--event", str(tmp_path / "e.json"), "--root", str(tmp_path)]
    assert main([*argv, "--format", "text"]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "docs" in out and "\x1b" not in out and "\x07" not in out
    cells = table(("a", "b"), [("x\x1b[2J", "bell\x07\nnext")]).splitlines()
    assert cells[2] == "x [2J  bell  next"  # one row, no escape, no bell


def test_work_runs_a_task_out_of_a_plan_file_by_id_or_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "repo", dict(LINT_FILES))
    tasks = [
        {"id": "pr-3-lint-fix", "worker": "lint-fix", "brief": "Fix the lint errors."},
        {"id": "pr-3-triage", "worker": "triage", "brief": "Triage."},
    ]
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"version": 1, "tasks": tasks}))
    base = ["work", "--task", f"@{plan}", "--workspace", str(repo)]
    assert main([*base, "--out", str(tmp_path / "a")]) == 2  # two tasks: which one?
    err = capsys.readouterr().err
    assert "pick one with --id" in err and "pr-3-lint-fix, pr-3-triage" in err
    assert main([*base, "--out", str(tmp_path / "b"), "--id", "pr-3-lint-fix",
                 "--format", "text"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert out.startswith("foreman work: pr-3-lint-fix (lint-fix): proposed")
    assert "bundle: " in out and "test: " in out
    assert main([*base, "--out", str(tmp_path / "c"), "--index", "0", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["task_id"] == "pr-3-lint-fix"
    assert main([*base, "--out", str(tmp_path / "d"), "--index", "5"]) == 2
    assert "the plan holds 2 task(s)" in capsys.readouterr().err


def test_gate_dry_run_text_says_what_would_be_written(
    fake_github: FakeGitHub,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    gate = Gate(fake_github, tmp_path, monkeypatch)
    gate.checkout()
    n = gate.fake.add_issue(REPO, "add() subtracts")
    t = task("debug", item(n))
    gate.add(t, result(t, tests=PASSING, title="Fix add()"), gate.patch({"src/app.py": FIXED}))
    assert gate.run("--dry-run", "--format", "text") == 0
    out = capsys.readouterr().out
    assert out.startswith("foreman gate (dry run: nothing was written)")
    row = next(x for x in out.splitlines() if x.startswith(t.id))
    assert f"#{n}" in row and "pull request" in row
    assert "debug: would open a draft pull request" in out
    assert "title:  Fix add()" in out and "src/app.py | +1 -1" in out
    assert f"labels: would add {gate.config().gate.labels.handled}" in out
    assert "status comment (would be posted or updated):" in out
    assert gate.fake.writes == []
