"""U01: the first response, one job after the plan (``foreman ack``), against FakeGitHub.

A 👀 reaction on the trigger and the status comment listing the planned tasks with a link to
the run, in at most three REST calls; the gate later updates that same comment; a re-run
writes no second one; a dry run and a plan with nothing to say write nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from foreman.cli import main
from foreman.contracts import STATUS_MARKER, Plan
from tests.fakes.github import FakeGitHub
from tests.support.gate import REPO, Gate, result
from tests.support.render import render

EVENTS = Path(__file__).resolve().parents[1] / "workflows-examples" / "events"
RUN = "https://github.example/octo/demo/actions/runs/4242"


@pytest.fixture
def gate(fake_github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Gate:
    g = Gate(fake_github, tmp_path, monkeypatch)
    g.checkout(config="routing:\n  classifier: {enabled: false}\n")
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.example")
    monkeypatch.setenv("GITHUB_RUN_ID", "4242")
    monkeypatch.setenv("FOREMAN_GITHUB_THROTTLE", "0")
    return g


def _plan(gate: Gate, event: dict[str, object], *extra: str) -> Plan:
    path = gate.tmp / "event.json"
    path.write_text(json.dumps(event))
    out = gate.plan_path
    argv = ["plan", "--event", str(path), "--root", str(gate.root), "--output", str(out)]
    assert main([*argv, *extra]) == 0
    return Plan.model_validate_json(out.read_text())


def _issue_event(number: int) -> dict[str, object]:
    event = json.loads((EVENTS / "issue-bug.json").read_text())
    event["issue"]["number"] = number
    return event


def _ack(gate: Gate, *extra: str) -> int:
    return main(["ack", "--plan", str(gate.plan_path), *extra])


def test_U01_reaction_and_planned_tasks_then_the_gate_updates_the_same_comment(
    gate: Gate,
) -> None:
    n = gate.fake.add_issue(REPO, "Crash when parsing an empty config file", "trace")
    plan = _plan(gate, _issue_event(n))
    [task] = plan.tasks
    gate.fake.reset_log()
    assert _ack(gate) == 0
    assert len(gate.fake.requests) <= 3, gate.fake.counts()
    assert gate.fake.reactions(REPO, "issue", n) == [("eyes", gate.fake.bot_login)]
    [comment] = gate.fake.comments(REPO, n)
    first_id, first_body = comment.id, comment.body
    assert comment.user == gate.fake.bot_login and STATUS_MARKER in first_body
    shown = render(first_body)
    [row] = [r for r in shown.rows if r[0] == task.id]
    assert row[1] == task.worker and row[3] == task.layer and row[2] == task.reason
    assert f'href="{RUN}"' in shown.html

    # a re-run of the ack (or of the whole workflow) writes no second comment or reaction
    assert _ack(gate) == 0
    assert len(gate.fake.comments(REPO, n)) == 1
    assert len(gate.fake.reactions(REPO, "issue", n)) == 1

    # the gate finds the ack's comment as its own and updates it with the outcome
    gate.tasks, gate.items = list(plan.tasks), list(plan.items)
    gate.add(task, result(task, verdict="proposed", labels=["bug"], comment="Looks like a bug."))
    assert gate.run(plan=plan) == 0
    [after] = gate.fake.comments(REPO, n)
    assert after.id == first_id and after.body != first_body
    assert "Looks like a bug." in after.body


def test_U01_a_comment_trigger_gets_the_reaction_on_the_comment(gate: Gate) -> None:
    n = gate.fake.add_issue(REPO, "Crash when parsing an empty config file", "trace")
    cid = gate.fake.add_comment(REPO, n, "/foreman triage please", user="octo")
    event = json.loads((EVENTS / "comment-command.json").read_text())
    event["issue"]["number"], event["comment"]["id"] = n, cid
    event["comment"]["body"] = "/foreman triage please"
    plan = _plan(gate, event)
    assert [t.worker for t in plan.tasks] == ["triage"]
    gate.fake.reset_log()
    assert _ack(gate) == 0
    assert len(gate.fake.requests) <= 3, gate.fake.counts()
    assert gate.fake.reactions(REPO, "comment", cid) == [("eyes", gate.fake.bot_login)]
    assert gate.fake.reactions(REPO, "issue", n) == []
    bodies = [c.body for c in gate.fake.comments(REPO, n)]
    assert len(bodies) == 2 and STATUS_MARKER in bodies[1]


def test_U01_someone_elses_marker_comment_is_not_taken_over(gate: Gate) -> None:
    n = gate.fake.add_issue(REPO, "Crash when parsing an empty config file", "trace")
    gate.fake.add_comment(REPO, n, f"{STATUS_MARKER}\nfake status", user="mallory")
    _plan(gate, _issue_event(n))
    assert _ack(gate) == 0
    bodies = [(c.user, c.body) for c in gate.fake.comments(REPO, n)]
    assert bodies[0] == ("mallory", f"{STATUS_MARKER}\nfake status")  # untouched
    assert len(bodies) == 2 and bodies[1][0] == gate.fake.bot_login


def test_U01_dry_run_and_a_skipped_plan_write_nothing(gate: Gate) -> None:
    n = gate.fake.add_issue(REPO, "Crash when parsing an empty config file", "trace")
    _plan(gate, _issue_event(n), "--dry-run")
    gate.fake.reset_log()
    assert _ack(gate) == 0
    _plan(gate, _issue_event(n))
    assert _ack(gate, "--dry-run") == 0
    event = _issue_event(n)
    event["issue"]["state"] = "closed"  # the plan skips a closed issue
    _plan(gate, event)
    assert _ack(gate) == 0
    assert gate.fake.requests == []
