"""The loops' events: ``workflow_run`` (completed), ``pull_request_review`` (submitted) and
``pull_request_review_comment`` (created). Text fields stay raw (untrusted) as elsewhere."""

from __future__ import annotations

from typing import Any

from foreman.events.models import Comment, PullInfo, ReviewInfo, RunInfo, WorkItem
from foreman.events.payload import MAX_ID, MAX_NUMBER, Payload


def workflow_run(p: Payload, common: dict[str, Any]) -> WorkItem:
    repo = str(common["repo"])
    head_repo = p.get("workflow_run.head_repository.full_name", str, required=False)
    run = RunInfo(
        id=p.number("workflow_run.id", MAX_ID),
        name=p.text("workflow_run.name"),
        path=p.text("workflow_run.path"),
        head_sha=p.get("workflow_run.head_sha", str),
        head_branch=p.branch("workflow_run.head_branch", required=False),
        conclusion=p.get("workflow_run.conclusion", str, required=False),
        event=p.text("workflow_run.event"),
        attempt=p.get("workflow_run.run_attempt", int, required=False) or 1,
        head_repo=head_repo,
    )
    pull = _run_pull(p, repo, run)
    return WorkItem(
        **common,
        number=pull[0] if pull else None,
        kind="pull_request" if pull else None,
        title=run.name,
        pull=pull[1] if pull else None,
        run=run,
    )


def _run_pull(p: Payload, repo: str, run: RunInfo) -> tuple[int, PullInfo] | None:
    """The one same-repository PR the run belongs to (GitHub lists none for forks' PRs)."""
    raw = p.get("workflow_run.pull_requests", list, required=False) or []
    base_url = p.get("repository.url", str, required=False)
    found = []
    for i, entry in enumerate(raw):
        if not isinstance(entry, dict):
            continue
        sub = type(p)(entry, f"{p.source} (workflow_run.pull_requests[{i}])")
        if base_url and sub.get("base.repo.url", str, required=False) not in (None, base_url):
            continue
        found.append(
            (
                sub.number("number", MAX_NUMBER),
                PullInfo(
                    head_ref=sub.branch("head.ref") or "",
                    head_sha=sub.get("head.sha", str),
                    head_repo=run.head_repo or repo,
                    base_ref=sub.branch("base.ref") or "",
                    base_sha=sub.get("base.sha", str),
                    is_fork=(run.head_repo or repo).lower() != repo.lower(),
                ),
            )
        )
    return found[0] if len(found) == 1 else None


def review_item(name: str, p: Payload, common: dict[str, Any], pull: PullInfo) -> WorkItem:
    review = None
    comment = None
    if name == "pull_request_review":
        review = ReviewInfo(
            id=p.number("review.id", MAX_ID),
            state=(p.get("review.state", str) or "").lower(),
            body=p.text("review.body"),
            author=p.actor("review.user", "review.author_association"),
        )
    else:
        line = p.get("comment.line", int, required=False)
        comment = Comment(
            id=p.number("comment.id", MAX_ID),
            body=p.text("comment.body"),
            author=p.actor("comment.user", "comment.author_association"),
            path=p.get("comment.path", str, required=False),
            line=line if isinstance(line, int) and line > 0 else None,
        )
    return WorkItem(
        **common,
        number=p.number("pull_request.number", MAX_NUMBER),
        kind="pull_request",
        title=p.get("pull_request.title", str),
        body=p.text("pull_request.body"),
        labels=p.labels("pull_request.labels"),
        author=p.actor("pull_request.user", "pull_request.author_association"),
        state=p.get("pull_request.state", str, required=False) or "open",
        locked=bool(p.get("pull_request.locked", bool, required=False)),
        html_url=p.get("pull_request.html_url", str, required=False),
        pull=pull,
        review=review,
        comment=comment,
    )
