"""U02: what a reader sees. The status comment, PR bodies and step summaries are rendered with a
real CommonMark + GFM-table renderer (markdown-it-py) and read back as text: code spans show
exactly what they hold (no stray backslash), tables keep their cells, nobody is pinged, no HTML
from an issue becomes a tag."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from foreman.cli import main
from tests.fakes.github import FakeGitHub
from tests.support.gate import PASSING, REPO, Gate, item, result, task
from tests.support.render import Rendered, render

EVENTS = Path(__file__).resolve().parents[1] / "workflows-examples" / "events"
HOSTILE = "Fix `calc` | ask @octocat <script>alert(1)</script> ${{ github.token }} _x_ &amp;"
FIXED = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"
ODD_PATH = "src/my_mod`x`|@bob.py"


@pytest.fixture
def gate(fake_github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Gate:
    return Gate(fake_github, tmp_path, monkeypatch)


def _row(r: Rendered, first: str) -> list[str]:
    [row] = [row for row in r.rows if row and row[0] == first]
    return row


def _safe(r: Rendered) -> None:
    """Nothing from the hostile text became a tag or a ping; no code span shows a backslash."""
    assert "script" not in r.tags, r.html
    assert r.pings() == [], r.pings()
    assert not [c for c in r.codes if "\\" in c], r.codes


def test_U02_status_comment_and_pr_body_render_as_written(gate: Gate) -> None:
    gate.checkout()
    n = gate.fake.add_issue(REPO, HOSTILE + "\nsecond line")
    t = task("debug", item(n, title=HOSTILE + "\nsecond line"), id="issue_fix-7-debug")
    cmd = "pytest -k 'a|b' `x` @dev"
    res = result(t, tests=[PASSING[0].model_copy(update={"command": cmd})],
                 body="Fixed `add` | for @alice, see ${{ x }}", fixes_issue=True)  # fmt: skip
    gate.add(t, res, gate.patch({"src/app.py": FIXED}))
    assert gate.run() == 0  # honest work is still done: a PR and the comment
    [pr] = gate.pulls()
    body = render(pr.body)
    _safe(body)
    assert "issue_fix-7-debug" in body.codes  # the task id, exactly
    assert cmd in body.codes
    assert _row(body, cmd)[1:] == ["fail", "pass"]  # the pipe stayed inside its cell
    assert "<script>alert(1)</script>" in body.text  # shown as text, not run
    assert "${{ github.token }}" in body.text
    [comment] = gate.bodies(n)
    shown = render(comment)
    _safe(shown)
    row = _row(shown, "issue_fix-7-debug")
    assert row[1] == "debug" and len(row) == 6 and "pull request" in row[2]


def test_U02_dry_run_step_summary_shows_paths_and_the_comment_verbatim(gate: Gate) -> None:
    gate.checkout(config="workers:\n  debug: {allowed_paths: ['src/**']}\n")
    n = gate.fake.add_issue(REPO, HOSTILE)
    t = task("debug", item(n, title=HOSTILE), id="pull_request-15-debug")
    gate.add(t, result(t, tests=PASSING), gate.patch({ODD_PATH: "x = 1\n", "src/app.py": FIXED}))
    assert gate.run("--dry-run") == 0
    summary = render(gate.summary())
    _safe(summary)
    assert "pull_request-15-debug" in summary.codes
    assert ODD_PATH in summary.codes and "src/app.py" in summary.codes
    assert _row(summary, "pull_request-15-debug")[1] == f"#{n}"
    # the status comment it would write is shown as a code block holding exactly that comment
    [block] = [c for c in summary.codes if c.startswith("<!-- agent-foreman")]
    assert "`pull_request-15-debug`" in block
    assert gate.bodies(n) == []  # a dry run writes nothing


def test_U02_plan_step_summary_through_foreman_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    event = json.loads((EVENTS / "pr-opened.json").read_text())
    event["pull_request"]["title"] = HOSTILE
    (tmp_path / "event.json").write_text(json.dumps(event))
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "foreman.yml").write_text(
        "routing:\n  rules:\n    - if: {event: [pull_request]}\n      worker: triage\n"
    )
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    argv = ["plan", "--event", str(tmp_path / "event.json"), "--root", str(tmp_path)]
    assert main([*argv, "--event-name", "pull_request"]) == 0, capsys.readouterr().err
    shown = render((tmp_path / "summary.md").read_text())
    _safe(shown)
    task_id = f"pull_request-{event['number']}-triage"
    assert task_id in shown.codes
    assert _row(shown, task_id)[1:3] == ["triage", "rules"]
