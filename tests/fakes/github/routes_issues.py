"""Issues, issue labels, comments, assignees and repository labels."""

from __future__ import annotations

from typing import Any

from .routing import Paged, Request, Response, no_content, ok, route
from .serialize import comment_json, issue_event_json, issue_json, issue_labels, label_json
from .state import (
    ApiError,
    Comment,
    Issue,
    IssueEvent,
    Label,
    Repo,
    now_iso,
    validation_failed,
)

R = "/repos/{owner}/{repo}"


def find_issue(req: Request, repo: Repo, number: int | None = None) -> Issue:
    number = req.int_param("issue_number") if number is None else number
    if number in repo.gone:
        status, message = repo.gone[number]
        raise ApiError(status, message)
    issue = repo.issues.get(number)
    if issue is None:
        raise ApiError(404, "Not Found")
    return issue


def ensure_label(req: Request, repo: Repo, name: str) -> Label:
    """GitHub creates unknown labels on the fly when they are added to an issue."""
    label = repo.label(name)
    if label is None:
        label = Label(req.state.new_id(), name)
        repo.labels[name.lower()] = label
    return label


def label_names(body: Any) -> list[str]:
    """Accepts a bare list, ``{"labels": [...]}``, and label objects or names."""
    items = body.get("labels", []) if isinstance(body, dict) else body
    if isinstance(items, str):
        items = [items]
    if not isinstance(items, list):
        raise validation_failed("Label", "invalid", "labels")
    return [item["name"] if isinstance(item, dict) else str(item) for item in items]


def _issue(req: Request, repo: Repo, issue: Issue, status: int = 200) -> Response:
    return ok(issue_json(req.base, req.state, repo, issue), status)


@route("GET", R + "/issues", "issues/list-for-repo")
def list_issues(req: Request) -> Paged:
    repo = req.repo()
    wanted_state = req.query.get("state", "open")
    wanted_labels = [x for x in req.query.get("labels", "").split(",") if x]
    issues = sorted(
        repo.issues.values(),
        key=lambda i: i.number,
        reverse=req.query.get("direction", "desc") == "desc",
    )
    out = []
    for issue in issues:
        if wanted_state != "all" and issue.state != wanted_state:
            continue
        have = {n.lower() for n in issue.labels}
        if any(w.lower() not in have for w in wanted_labels):
            continue
        if "creator" in req.query and issue.user != req.query["creator"]:
            continue
        out.append(issue_json(req.base, req.state, repo, issue))
    return Paged(out)


@route("POST", R + "/issues", "issues/create")
def create_issue(req: Request) -> Response:
    repo = req.repo()
    body = req.json_object()
    if not body.get("title"):
        raise validation_failed("Issue", "missing_field", "title")
    issue = Issue(
        req.state.new_id(),
        repo.next_number,
        str(body["title"]),
        body.get("body"),
        req.login,
        author_association="NONE",
    )
    repo.next_number += 1
    issue.labels = [ensure_label(req, repo, n).name for n in label_names(body)]
    issue.assignees = list(
        body.get("assignees") or ([body["assignee"]] if body.get("assignee") else [])
    )
    repo.issues[issue.number] = issue
    return _issue(req, repo, issue, 201)


@route("GET", R + "/issues/{issue_number}", "issues/get")
def get_issue(req: Request) -> Response:
    repo = req.repo()
    number = req.int_param("issue_number")
    if number in repo.moved:  # transferred to a repository we can read: 301, as on GitHub
        repo_id, new = repo.moved[number]
        location = f"{req.base}/repositories/{repo_id}/issues/{new}"
        body = {"message": "Moved Permanently", "url": location,
                "documentation_url": "https://docs.github.com/rest"}  # fmt: skip
        return Response(301, body, {"Location": location})
    return _issue(req, repo, find_issue(req, repo))


@route("GET", "/repositories/{repo_id}/issues/{issue_number}", "issues/get")
def get_issue_by_repository_id(req: Request) -> Response:
    """Where a 301 for a transferred issue points (GitHub serves both forms)."""
    wanted = req.int_param("repo_id")
    repo = next((r for r in req.state.repos.values() if r.id == wanted), None)
    if repo is None:
        raise ApiError(404, "Not Found")
    return _issue(req, repo, find_issue(req, repo))


@route("PATCH", R + "/issues/{issue_number}", "issues/update")
def update_issue(req: Request) -> Response:
    repo = req.repo()
    issue = find_issue(req, repo)
    body = req.json_object()
    if "title" in body and body["title"] is not None:
        issue.title = str(body["title"])
    if "body" in body:
        issue.body = body["body"]
    if body.get("state") in ("open", "closed") and body["state"] != issue.state:
        issue.state = body["state"]
        issue.closed_at = now_iso() if issue.state == "closed" else None
        issue.state_reason = body.get("state_reason") or (
            "completed" if issue.state == "closed" else "reopened"
        )
    if "labels" in body and body["labels"] is not None:
        before = list(issue.labels)
        issue.labels = [ensure_label(req, repo, n).name for n in label_names(body)]
        _record(req, issue, before)
    if "assignees" in body and body["assignees"] is not None:
        issue.assignees = list(body["assignees"])
    issue.touch()
    return _issue(req, repo, issue)


@route("GET", R + "/issues/{issue_number}/labels", "issues/list-labels-on-issue")
def list_issue_labels(req: Request) -> Paged:
    repo = req.repo()
    return Paged(issue_labels(req.base, repo, find_issue(req, repo)))


@route("POST", R + "/issues/{issue_number}/labels", "issues/add-labels")
def add_labels(req: Request) -> Response:
    repo = req.repo()
    issue = find_issue(req, repo)
    before = list(issue.labels)
    for name in label_names(req.body):
        label = ensure_label(req, repo, name)
        if label.name.lower() not in {n.lower() for n in issue.labels}:
            issue.labels.append(label.name)
    _record(req, issue, before)
    issue.touch()
    return ok(issue_labels(req.base, repo, issue))


@route("GET", R + "/issues/{issue_number}/events", "issues/list-events")
def list_events(req: Request) -> Paged:
    repo = req.repo()
    issue = find_issue(req, repo)
    return Paged([issue_event_json(req.base, req.state, repo, issue, e) for e in issue.events])


def _record(req: Request, issue: Issue, before: list[str]) -> None:
    """labeled/unlabeled events for what changed, by the caller."""
    had, now = {n.lower() for n in before}, {n.lower() for n in issue.labels}
    for name in issue.labels:
        if name.lower() not in had:
            issue.events.append(IssueEvent(req.state.new_id(), "labeled", req.login, name))
    for name in before:
        if name.lower() not in now:
            issue.events.append(IssueEvent(req.state.new_id(), "unlabeled", req.login, name))


@route("PUT", R + "/issues/{issue_number}/labels", "issues/set-labels")
def set_labels(req: Request) -> Response:
    repo = req.repo()
    issue = find_issue(req, repo)
    before = list(issue.labels)
    issue.labels = [ensure_label(req, repo, n).name for n in label_names(req.body)]
    _record(req, issue, before)
    issue.touch()
    return ok(issue_labels(req.base, repo, issue))


@route("DELETE", R + "/issues/{issue_number}/labels/{name}", "issues/remove-label")
def remove_label(req: Request) -> Response:
    repo = req.repo()
    issue = find_issue(req, repo)
    wanted = req.params["name"].lower()
    if wanted not in {n.lower() for n in issue.labels}:
        raise ApiError(404, "Label does not exist")
    before = list(issue.labels)
    issue.labels = [n for n in issue.labels if n.lower() != wanted]
    _record(req, issue, before)
    issue.touch()
    return ok(issue_labels(req.base, repo, issue))


@route("GET", R + "/issues/{issue_number}/comments", "issues/list-comments")
def list_comments(req: Request) -> Paged:
    repo = req.repo()
    issue = find_issue(req, repo)
    comments = sorted(
        (c for c in repo.comments.values() if c.issue_number == issue.number), key=lambda c: c.id
    )
    return Paged([comment_json(req.base, req.state, repo, c) for c in comments])


@route("POST", R + "/issues/{issue_number}/comments", "issues/create-comment")
def create_comment(req: Request) -> Response:
    repo = req.repo()
    issue = find_issue(req, repo)
    body = req.json_object()
    if not isinstance(body.get("body"), str):
        raise validation_failed("IssueComment", "missing_field", "body")
    if issue.locked:
        raise ApiError(403, "Unable to create comment because issue is locked.")
    comment = Comment(
        req.state.new_id(),
        issue.number,
        body["body"],
        req.login,
        author_association=req.fake.association(repo, req.login),
    )
    repo.comments[comment.id] = comment
    issue.touch()
    return ok(comment_json(req.base, req.state, repo, comment), 201)


def _comment(req: Request, repo: Repo) -> Comment:
    comment = repo.comments.get(req.int_param("comment_id"))
    if comment is None or comment.issue_number in repo.gone:
        raise ApiError(404, "Not Found")
    return comment


@route("GET", R + "/issues/comments/{comment_id}", "issues/get-comment")
def get_comment(req: Request) -> Response:
    repo = req.repo()
    return ok(comment_json(req.base, req.state, repo, _comment(req, repo)))


@route("PATCH", R + "/issues/comments/{comment_id}", "issues/update-comment")
def update_comment(req: Request) -> Response:
    repo = req.repo()
    comment = _comment(req, repo)
    body = req.json_object()
    if not isinstance(body.get("body"), str):
        raise validation_failed("IssueComment", "missing_field", "body")
    comment.body = body["body"]
    comment.updated_at = now_iso()
    return ok(comment_json(req.base, req.state, repo, comment))


@route("DELETE", R + "/issues/comments/{comment_id}", "issues/delete-comment")
def delete_comment(req: Request) -> Response:
    repo = req.repo()
    del repo.comments[_comment(req, repo).id]
    return no_content()


@route("POST", R + "/issues/{issue_number}/assignees", "issues/add-assignees")
def add_assignees(req: Request) -> Response:
    repo = req.repo()
    issue = find_issue(req, repo)
    for login in req.json_object().get("assignees") or []:
        name = login["login"] if isinstance(login, dict) else str(login)
        # GitHub silently ignores people without push access.
        if (
            req.fake.permission(repo, name) in ("write", "maintain", "admin")
            and name not in issue.assignees
        ):
            issue.assignees.append(name)
    issue.touch()
    return _issue(req, repo, issue, 201)


@route("GET", R + "/labels", "issues/list-labels-for-repo")
def list_repo_labels(req: Request) -> Paged:
    repo = req.repo()
    return Paged([label_json(req.base, repo, lab) for lab in repo.labels.values()])


@route("POST", R + "/labels", "issues/create-label")
def create_label(req: Request) -> Response:
    repo = req.repo()
    body = req.json_object()
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise validation_failed("Label", "missing_field", "name")
    if repo.label(name):
        raise validation_failed("Label", "already_exists", "name")
    label = Label(
        req.state.new_id(),
        name,
        str(body.get("color", "ededed")).lstrip("#"),
        str(body.get("description") or ""),
    )
    repo.labels[name.lower()] = label
    return ok(label_json(req.base, repo, label), 201)


@route("GET", R + "/labels/{name}", "issues/get-label")
def get_label(req: Request) -> Response:
    repo = req.repo()
    label = repo.label(req.params["name"])
    if label is None:
        raise ApiError(404, "Not Found")
    return ok(label_json(req.base, repo, label))
