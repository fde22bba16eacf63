"""``foreman run``: the whole pipeline on the example repository, offline, writing nothing.

Through ``foreman.cli.main``; the workspace (workflows-examples/demo-repo) must come out
unchanged: every worker runs in its own copy.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from foreman.cli import main
from tests.fakes import anthropic_steps as steps
from tests.fakes.fake_anthropic import FakeAnthropic
from tests.support.sample_repos import use_fake

EXAMPLES = Path(__file__).resolve().parents[1] / "workflows-examples"
DEMO = EXAMPLES / "demo-repo"


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _run(event: str, *extra: str) -> int:
    return main(["run", "--event", str(EXAMPLES / "events" / event), "--workspace", str(DEMO),
                 *extra])  # fmt: skip


@pytest.fixture(autouse=True)
def _untouched() -> object:
    before = _digest(DEMO)
    yield None
    assert _digest(DEMO) == before, "foreman run changed the workspace"


def test_issue_bug_offline_prints_plan_work_and_gate(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("issue-bug.json", "--format", "text") == 0
    out = capsys.readouterr().out
    assert "foreman plan: issues.opened" in out and "issue-12-debug  debug   classifier" in out
    assert "debug is an agent worker: set ANTHROPIC_API_KEY to run it" in out
    assert "foreman gate (dry run: nothing was written)" in out
    assert "status comment (would be posted or updated):" in out
    assert out.rstrip().endswith("Keep the plan and the bundles with --out DIR.")


def test_pull_request_lint_fix_runs_offline_and_shows_the_push_and_diff_stat(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert _run("pr-opened.json", "--format", "text", "--out", str(tmp_path)) == 0
    out = capsys.readouterr().out
    assert "foreman work: pull_request-15-lint-fix (lint-fix): proposed" in out
    assert "lint-fix: would push a fix commit to add-retries" in out
    assert "demo/fetch.py | +1 -2" in out
    bundle = tmp_path / "bundles" / "foreman-bundle-pull_request-15-lint-fix"
    assert "-import os" in (bundle / "patch.diff").read_text()
    assert json.loads((tmp_path / "foreman-plan.json").read_text())["dry_run"] is True


def test_question_is_triaged_offline_json_for_scripts(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("issue-question.json", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["decision"] for d in data["decisions"]] == ["triaged"]
    assert data["results"][0]["labels"] == ["question"]
    assert "From triage" in data["comments"]["14"]


def test_with_a_key_the_agent_worker_runs_too(
    fake_anthropic: FakeAnthropic,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    use_fake(monkeypatch, fake_anthropic)
    fake_anthropic.script(
        steps.tool_use(
            (
                "edit_file",
                {
                    "path": "README.md",
                    "old_text": "pip instal demo",
                    "new_text": "pip install demo",
                },
            ),
        ),
        steps.text("Fixed the install command in the README."),
        steps.json_reply({"verdict": "approve", "reasons": ["a one-word docs fix"]}),
    )
    assert _run("issue-docs.json", "--format", "text") == 0
    out = capsys.readouterr().out
    assert "foreman work: issue-13-docs (docs): proposed" in out
    assert "docs: would open a draft pull request" in out and "README.md | +1 -1" in out


def test_a_workspace_that_is_not_a_directory_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    argv = ["run", "--event", str(EXAMPLES / "events" / "issue-bug.json")]
    assert main([*argv, "--workspace", str(tmp_path / "nope")]) == 2
    assert "not a directory" in capsys.readouterr().err
