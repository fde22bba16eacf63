"""C03: ``opened`` then ``edited`` seconds apart -> one run at a time per issue; nothing lost.

GitHub runs one workflow run per concurrency group at a time and keeps at
most one *pending* run per group: a newer event replaces an older pending one
(``cancel-in-progress: false`` only protects the run in progress). So the
group must be keyed on the issue/PR, and a run that replaced another must
still handle the item from its current state. The end-to-end tests run the
real plan -> work -> gate in process (:mod:`tests.soak.harness`) against both fakes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from foreman.contracts import STATUS_MARKER
from tests.soak.events import BOT, REPO, Arrival
from tests.soak.harness import Record, Soak
from tests.support.gh_expr import render

ROOT = Path(__file__).resolve().parents[1]
REUSABLE = ROOT / ".github" / "workflows" / "foreman.yml"
INLINE = ROOT / "workflows-examples" / "full.yml"
OLD, NEW = "Crash on startup with an empty config", "Docs: the guide misspells 'text'"


# -- the concurrency group, evaluated for real payloads ----------------------------------------


def concurrency(path: Path = REUSABLE) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return dict(doc["concurrency"])


def _context(event_name: str, event: dict[str, Any], run_id: int = 1) -> dict[str, Any]:
    return {"github": {"repository": REPO, "event_name": event_name, "event": event,
                       "ref": "refs/heads/main", "run_id": str(run_id)}}  # fmt: skip


def _issue(action: str, number: int, **extra: Any) -> dict[str, Any]:
    # Written by a maintainer: outsiders' comments and edits queue apart (S20, tested there).
    issue = {"number": number, "title": "t", "user": {"login": "maint"},
             "author_association": "MEMBER"}  # fmt: skip
    return {"action": action, "issue": issue, "sender": {"login": "maint"}, **extra}


def test_C03_one_run_at_a_time_per_issue_and_a_pending_edit_is_never_cancelled() -> None:
    spec = concurrency()
    assert spec["cancel-in-progress"] is False
    assert concurrency(INLINE) == spec  # the inline example queues the same way
    events = {
        "opened 7": ("issues", _issue("opened", 7)),
        "edited 7": ("issues", _issue("edited", 7)),
        "labeled 7": ("issues", _issue("labeled", 7, label={"name": "foreman:docs"})),
        "command on 7": (
            "issue_comment",
            _issue(
                "created",
                7,
                comment={
                    "id": 1,
                    "body": "Please\n/foreman docs fix it",
                    "author_association": "OWNER",
                },
            ),
        ),
        "opened 8": ("issues", _issue("opened", 8)),
        "pr 9": ("pull_request", {"action": "opened", "number": 9, "pull_request": {"number": 9}}),
        "command on pr 9": (
            "issue_comment",
            _issue(
                "created",
                9,
                comment={
                    "id": 2,
                    "body": "/foreman lint-fix",
                    "author_association": "COLLABORATOR",
                },
            ),
        ),
        "dispatch 7": ("workflow_dispatch", {"inputs": {"number": "7"}}),
        # Events the plan skips whatever the config: each in a group of its own.
        "chatter on 7": ("issue_comment", _issue("created", 7, comment={"body": "Same here!"})),
        "no body on 7": ("issue_comment", _issue("created", 7, comment={"id": 3})),
        "bug label on 7": ("issues", _issue("labeled", 7, label={"name": "bug"})),
        "handled on 7": ("issues", _issue("labeled", 7, label={"name": "foreman:handled"})),
        "skip on 7": ("issues", _issue("labeled", 7, label={"name": "foreman:skip"})),
        "pr label 9": (
            "pull_request",
            {"action": "labeled", "pull_request": {"number": 9}, "label": {"name": "ci"}},
        ),
    }
    key = {
        name: render(spec["group"], _context(event_name, event, run_id))
        for run_id, (name, (event_name, event)) in enumerate(events.items(), start=100)
    }
    # Every event about issue 7 that may route queues behind the run in progress for issue 7 ...
    assert key["opened 7"] == key["edited 7"] == key["labeled 7"] == key["command on 7"]
    assert key["dispatch 7"] == key["opened 7"]
    # ... and nothing else does: other issues and PRs run in parallel.
    assert len({key["opened 7"], key["opened 8"], key["pr 9"]}) == 3
    assert key["pr 9"] == key["command on pr 9"]
    assert key["opened 7"] == f"foreman-{REPO}-7"
    # A skipped event cannot replace issue 7's pending run: its group is its own run's.
    skipped = [
        "chatter on 7", "no body on 7", "bug label on 7", "handled on 7", "skip on 7", "pr label 9"
    ]  # fmt: skip
    assert len({key[k] for k in skipped} | {key["opened 7"], key["pr 9"]}) == len(skipped) + 2
    assert all(key[k].startswith(f"foreman-{REPO}-skip-") for k in skipped)


# -- end to end: the real plan -> work -> gate in process ----------------------------------------


@pytest.fixture
def soak(tmp_path: Path) -> Iterator[Soak]:
    with Soak(tmp_path, faults=False, outage=False) as running:
        yield running


def status_comments(soak: Soak, number: int) -> list[str]:
    return [c.body for c in soak.fake.comments(REPO, number)
            if c.user == BOT and STATUS_MARKER in c.body]  # fmt: skip


def pulls_for(soak: Soak, number: int) -> list[Any]:
    return [p for p in soak.fake.pulls(REPO) if p.pull and f"issue-{number}-" in p.pull.head_ref]


def ok(rec: Record) -> Record:
    assert rec.done and not rec.skipped and rec.runs[-1] == "gate:0", rec.runs
    return rec


def assert_reflects_the_edit(soak: Soak, number: int) -> None:
    [comment] = status_comments(soak, number)
    [pr] = pulls_for(soak, number)
    assert pr.state == "open" and pr.pull.head_ref == f"foreman/issue-{number}-docs"
    assert NEW in pr.body and OLD not in pr.body and OLD not in pr.title
    assert f"issue-{number}-docs" in comment and "pull request" in comment
    assert "foreman:handled" in soak.fake.issue(REPO, number).labels


def test_C03_edit_while_the_opened_run_is_in_progress_is_handled_after_it(soak: Soak) -> None:
    opened = soak.world.open_issue(OLD, "It crashes.", user="carol")
    first = soak.process(opened, gate=False)  # the run is in progress when the edit lands
    edited = soak.world.edit_issue(opened.number, NEW)  # its run waits in the group
    ok(soak.resume(first, "gate"))
    assert first.plan is not None and [t.worker for t in first.plan.tasks] == ["triage"]
    ok(soak.process(edited))
    assert_reflects_the_edit(soak, opened.number)
    assert len(soak.fake.pulls(REPO)) == 1


def test_C03_opened_then_edited_back_to_back_one_comment_one_pr(soak: Soak) -> None:
    opened = soak.world.open_issue("Docs: typo in the guide", "Says 'Some text.'", user="dave")
    ok(soak.process(opened))
    [pr] = pulls_for(soak, opened.number)
    [before] = status_comments(soak, opened.number)
    for _ in range(2):  # the edit, then a re-delivery of it
        edited = ok(soak.process(soak.world.edit_issue(opened.number, NEW)))
        assert edited.plan is not None and edited.plan.items[0].title == NEW  # not a stale copy
        assert "Title: " + NEW in edited.plan.tasks[0].brief
        assert edited.decisions == {f"issue-{opened.number}-docs": "pull-request"}
        assert [p.number for p in pulls_for(soak, opened.number)] == [pr.number]
        assert status_comments(soak, opened.number) == [before]  # one comment, same state
    # The patch did not change, so the PR kept its commit: nothing was written twice.
    assert soak.fake.count("git/create-commit") == 1 and soak.fake.count("pulls/create") == 1


def test_C03_opened_run_replaced_while_pending_the_edited_run_handles_the_issue(
    soak: Soak,
) -> None:
    opened = soak.world.open_issue(OLD, "It crashes.", user="carol")
    replaced = soak.record("replaced", opened)  # pending, then replaced: it never runs
    assert status_comments(soak, opened.number) == []
    edited = ok(soak.process(soak.world.edit_issue(opened.number, NEW)))
    replaced.replaced_by = edited.index
    assert_reflects_the_edit(soak, opened.number)
    assert replaced.runs == [] and len(soak.fake.pulls(REPO)) == 1


# -- GitHub's queue for one group: one run in progress, at most one pending --------------------


class Queue:
    """GitHub's queue: per concurrency group (the workflow's own expression, evaluated for each
    arrival) one run in progress and at most one pending; a newer pending run replaces the
    older one. Runs start in arrival order; a run in its own group runs straight through."""

    def __init__(self, soak: Soak) -> None:
        self.soak = soak
        self.group = concurrency()["group"]
        self.running: dict[str, Record] = {}
        self.pending: dict[str, Record] = {}

    def arrive(self, arrival: Arrival, kind: str) -> Record:
        rec = self.soak.record(kind, arrival)
        context = _context(arrival.event_name, arrival.payload, run_id=1000 + rec.index)
        key = render(self.group, context)
        if key not in self.running:
            self.running[key] = self.soak.resume(rec, "plan", gate=False)  # in progress
        else:
            if key in self.pending:
                self.pending[key].replaced_by = rec.index
            self.pending[key] = rec
        return rec

    def drain(self) -> None:
        while self.running:
            key, run = next(iter(self.running.items()))
            if run.plan is not None and not run.skipped:
                self.soak.resume(run, "gate")
            del self.running[key]
            if (nxt := self.pending.pop(key, None)) is not None:
                self.running[key] = self.soak.resume(nxt, "plan", gate=False)


def test_C03_a_second_edit_replaces_the_pending_first_one_and_carries_both(soak: Soak) -> None:
    group = Queue(soak)
    opened = soak.world.open_issue(OLD, "It crashes.", user="carol")
    group.arrive(opened, "opened")
    first = group.arrive(soak.world.edit_issue(opened.number, "Crash: typo"), "edited")
    second = group.arrive(soak.world.edit_issue(opened.number, NEW), "edited")
    group.drain()
    assert first.replaced_by == second.index and first.runs == []
    ok(second)
    assert_reflects_the_edit(soak, opened.number)


@pytest.mark.parametrize("skipped", ["chatter", "bug label", "handled label"])
def test_C03_a_skipped_event_arriving_while_an_edit_is_pending_loses_nothing(
    soak: Soak, skipped: str
) -> None:
    """A comment without a command, a label that is no trigger, the gate's handled label:
    the plan skips them, so they must not take the pending edit's place in the queue."""
    group = Queue(soak)
    opened = soak.world.open_issue(OLD, "It crashes.", user="carol")
    group.arrive(opened, "opened")
    edit = group.arrive(soak.world.edit_issue(opened.number, NEW), "edited")
    number = opened.number
    arrival = {
        "chatter": lambda: soak.world.comment(number, "Same here!", "alice"),
        "bug label": lambda: soak.world.label(number, "bug", "alice"),
        "handled label": lambda: soak.world.label(number, "foreman:handled", BOT),
    }[skipped]()
    other = group.arrive(arrival, skipped)
    assert other.skipped and other.done  # ran at once, in a group of its own
    group.drain()
    assert edit.replaced_by is None
    ok(edit)
    assert_reflects_the_edit(soak, opened.number)  # the docs request in the edit was handled
