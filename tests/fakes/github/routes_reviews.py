"""Pull request review comments (list, create, reply, get), single reviews, PR commits."""

from __future__ import annotations

from typing import Any

from .routes_pulls import find_pull
from .routing import Paged, Request, Response, ok, route
from .serialize import user_json
from .serialize_git import commit_json
from .serialize_pulls import base_sha, head_repo, head_sha, review_json
from .state import ApiError, Issue, Repo, State, validation_failed
from .state_loops import ReviewComment

R = "/repos/{owner}/{repo}"


def comment_json(base: str, state: State, repo: Repo, c: ReviewComment) -> dict[str, Any]:
    r = f"{base}/repos/{repo.full_name}"
    html = f"{base}/{repo.full_name}/pull/{c.pull_number}#discussion_r{c.id}"
    out: dict[str, Any] = {
        "url": f"{r}/pulls/comments/{c.id}",
        "id": c.id,
        "node_id": f"PRRC_{c.id}",
        "pull_request_review_id": c.review_id,
        "diff_hunk": c.diff_hunk or f"@@ -1 +1 @@\n {c.path}",
        "path": c.path,
        "position": c.line,
        "original_position": c.line or 1,
        "commit_id": c.commit_id,
        "original_commit_id": c.commit_id,
        "user": user_json(base, state, c.user),
        "body": c.body,
        "created_at": c.created_at,
        "updated_at": c.created_at,
        "html_url": html,
        "pull_request_url": f"{r}/pulls/{c.pull_number}",
        "author_association": c.author_association,
        "_links": {
            "self": {"href": f"{r}/pulls/comments/{c.id}"},
            "html": {"href": html},
            "pull_request": {"href": f"{r}/pulls/{c.pull_number}"},
        },
        "line": c.line,
        "original_line": c.line,
        "side": "RIGHT",
        "subject_type": "line" if c.line else "file",
    }
    if c.in_reply_to is not None:
        out["in_reply_to_id"] = c.in_reply_to
    return out


def _comments(repo: Repo, issue: Issue) -> list[ReviewComment]:
    found = [c for c in repo.review_comments.values() if c.pull_number == issue.number]
    return sorted(found, key=lambda c: c.id)


@route("GET", R + "/pulls/{pull_number}/comments", "pulls/list-review-comments")
def list_comments(req: Request) -> Paged:
    repo = req.repo()
    issue = find_pull(req, repo)
    return Paged([comment_json(req.base, req.state, repo, c) for c in _comments(repo, issue)])


@route("POST", R + "/pulls/{pull_number}/comments", "pulls/create-review-comment")
def create_comment(req: Request) -> Response:
    repo = req.repo()
    issue = find_pull(req, repo)
    body = req.json_object()
    for key in ("body", "commit_id", "path"):
        if not isinstance(body.get(key), str):
            raise validation_failed("PullRequestReviewComment", "missing_field", key)
    line = body.get("line", body.get("position"))
    if line is not None and (not isinstance(line, int) or line < 1):
        raise validation_failed("PullRequestReviewComment", "invalid", "line")
    c = ReviewComment(
        req.state.new_id(), issue.number, req.login, body["body"], body["path"], line,
        body["commit_id"], author_association=req.fake.association(repo, req.login),
    )  # fmt: skip
    repo.review_comments[c.id] = c
    return ok(comment_json(req.base, req.state, repo, c), 201)


@route(
    "POST",
    R + "/pulls/{pull_number}/comments/{comment_id}/replies",
    "pulls/create-reply-for-review-comment",
)
def reply(req: Request) -> Response:
    """A reply joins the thread of the comment it answers (threads are one level deep)."""
    repo = req.repo()
    issue = find_pull(req, repo)
    parent = repo.review_comments.get(req.int_param("comment_id"))
    if parent is None or parent.pull_number != issue.number:
        raise ApiError(404, "Not Found")
    text = req.json_object().get("body")
    if not isinstance(text, str) or not text:
        raise validation_failed("PullRequestReviewComment", "missing_field", "body")
    root = parent.in_reply_to or parent.id
    c = ReviewComment(
        req.state.new_id(), issue.number, req.login, text, parent.path, parent.line,
        parent.commit_id, in_reply_to=root,
        author_association=req.fake.association(repo, req.login),
    )  # fmt: skip
    repo.review_comments[c.id] = c
    return ok(comment_json(req.base, req.state, repo, c), 201)


@route("GET", R + "/pulls/comments/{comment_id}", "pulls/get-review-comment")
def get_comment(req: Request) -> Response:
    repo = req.repo()
    c = repo.review_comments.get(req.int_param("comment_id"))
    if c is None:
        raise ApiError(404, "Not Found")
    return ok(comment_json(req.base, req.state, repo, c))


def _review(req: Request) -> tuple[Repo, Issue, Any]:
    repo = req.repo()
    issue = find_pull(req, repo)
    assert issue.pull is not None
    wanted = req.int_param("review_id")
    review = next((r for r in issue.pull.reviews if r.id == wanted), None)
    if review is None:
        raise ApiError(404, "Not Found")
    return repo, issue, review


@route("GET", R + "/pulls/{pull_number}/reviews/{review_id}", "pulls/get-review")
def get_review(req: Request) -> Response:
    repo, issue, review = _review(req)
    return ok(review_json(req.base, req.state, repo, issue.number, review))


@route(
    "GET", R + "/pulls/{pull_number}/reviews/{review_id}/comments", "pulls/list-comments-for-review"
)
def review_comments(req: Request) -> Paged:
    repo, issue, review = _review(req)
    mine = [c for c in _comments(repo, issue) if c.review_id == review.id]
    return Paged([comment_json(req.base, req.state, repo, c) for c in mine])


@route("GET", R + "/pulls/{pull_number}/commits", "pulls/list-commits")
def list_commits(req: Request) -> Paged:
    """The head's commits not on the base, oldest first (GitHub caps this list at 250)."""
    repo = req.repo()
    issue = find_pull(req, repo)
    pull = issue.pull
    assert pull is not None
    source = head_repo(req.state, repo, pull)
    head = head_sha(req.state, repo, pull)
    if head not in source.git.commits:
        return Paged([])
    on_base = (
        set(repo.git.ancestors(base_sha(repo, pull)))
        if base_sha(repo, pull) in repo.git.commits
        else set()
    )
    mine = [s for s in source.git.ancestors(head) if s not in on_base]
    commits = [source.git.commits[s] for s in reversed(mine)][:250]
    return Paged([commit_json(req.base, source, c) for c in commits])
