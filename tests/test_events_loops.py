"""The loops' events: GitHub's webhook examples (../shared) and malformed payloads."""

from __future__ import annotations

import json
from typing import Any

import pytest

from foreman.errors import EventError
from foreman.events import Unsupported, WorkItem, parse_event
from tests.support.sharedref import shared_path


def example(event: str, name: str) -> dict[str, Any]:
    path = shared_path("reference", "webhooks", event, name)
    data: dict[str, Any] = json.loads(path.read_text())
    return data


@pytest.mark.shared
def test_webhook_examples_parse_into_work_items() -> None:
    run = parse_event(example("workflow_run", "completed.payload.json"))
    assert isinstance(run, WorkItem) and run.event_name == "workflow_run" and run.run is not None
    assert run.run.path == ".github/workflows/test.yml" and run.run.conclusion == "success"
    assert run.number is None  # no pull request of this repository
    # The example's PR belongs to another repository (its base repo differs): not ours.
    other = parse_event(example("workflow_run", "completed.with-pull-requests.payload.json"))
    assert isinstance(other, WorkItem) and other.pull is None
    requested = parse_event(example("workflow_run", "requested.payload.json"))
    assert isinstance(requested, Unsupported)

    review = parse_event(example("pull_request_review", "submitted.payload.json"))
    assert isinstance(review, WorkItem) and review.review is not None
    assert review.number == 2 and review.review.state == "commented"
    assert review.pull is not None and review.pull.head_ref == "changes"
    assert isinstance(parse_event(example("pull_request_review", "dismissed.payload.json")),
                      Unsupported)  # fmt: skip

    comment = parse_event(example("pull_request_review_comment", "created.payload.json"))
    assert isinstance(comment, WorkItem) and comment.comment is not None
    assert (comment.comment.path, comment.comment.line) == ("README.md", 265)
    for name in ("edited.payload.json", "deleted.payload.json"):
        assert isinstance(parse_event(example("pull_request_review_comment", name)), Unsupported)


RUN: dict[str, Any] = {
    "action": "completed",
    "repository": {"full_name": "octo/demo", "default_branch": "main"},
    "sender": {"login": "alice"},
    "workflow_run": {"id": 5, "name": "ci", "path": ".github/workflows/ci.yml",
                     "head_sha": "a" * 40, "head_branch": "main", "conclusion": "failure"},
}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id": None}, "workflow_run.id"),
        ({"id": "5"}, "workflow_run.id"),
        ({"head_sha": None}, "workflow_run.head_sha"),
        ({"head_branch": "../../etc"}, "workflow_run.head_branch"),
        ({"pull_requests": [{"number": 0, "head": {}, "base": {}}]}, "number"),
    ],
)
def test_malformed_workflow_run_is_a_clear_error(change: dict[str, Any], field: str) -> None:
    data = json.loads(json.dumps(RUN))
    data["workflow_run"].update(change)
    with pytest.raises(EventError) as err:
        parse_event(data, "workflow_run")
    assert field in str(err.value)


def test_a_runs_pull_request_of_this_repository_becomes_the_item() -> None:
    data = json.loads(json.dumps(RUN))
    data["workflow_run"]["pull_requests"] = [{
        "number": 7, "head": {"ref": "foreman/issue-1-debug", "sha": "b" * 40},
        "base": {"ref": "main", "sha": "c" * 40}}]  # fmt: skip
    item = parse_event(data, "workflow_run")
    assert isinstance(item, WorkItem) and item.number == 7 and item.kind == "pull_request"
    assert item.pull is not None and item.pull.head_ref == "foreman/issue-1-debug"
