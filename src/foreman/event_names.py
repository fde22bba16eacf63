"""The events foreman handles and, for each, the actions it acts on (None: any). Read by
the event parser and by the config checks that name them, so both live below the two."""

from __future__ import annotations

HANDLED: dict[str, set[str] | None] = {
    "issues": {"opened", "edited", "reopened", "labeled"},
    "pull_request": {"opened", "synchronize", "reopened", "labeled", "ready_for_review"},
    "issue_comment": {"created"},
    "workflow_dispatch": None,
    "schedule": None,
    "workflow_run": {"completed"},
    "pull_request_review": {"submitted"},
    "pull_request_review_comment": {"created"},
}
# Routed by the loops (foreman.routing.ci, review_loop), never by routing.rules.
LOOP_EVENTS = frozenset({"workflow_run", "pull_request_review", "pull_request_review_comment"})
