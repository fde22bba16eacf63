"""Reactions on issues and issue comments (list, create; a repeat answers 200 with the first)."""

from __future__ import annotations

from typing import Any

from .routes_issues import find_issue
from .routing import Paged, Request, Response, ok, route
from .serialize import user_json
from .state import ApiError, Reaction, Repo, validation_failed

R = "/repos/{owner}/{repo}"
CONTENTS = ("+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes")


def _json(req: Request, r: Reaction) -> dict[str, Any]:
    return {
        "id": r.id,
        "node_id": f"REA_{r.id}",
        "user": user_json(req.base, req.state, r.user),
        "content": r.content,
        "created_at": r.created_at,
    }


def _subject(req: Request, repo: Repo, kind: str) -> tuple[str, int]:
    if kind == "issue":
        return ("issue", find_issue(req, repo).number)
    comment = repo.comments.get(req.int_param("comment_id"))
    if comment is None or comment.issue_number in repo.gone:
        raise ApiError(404, "Not Found")
    return ("comment", comment.id)


def _list(req: Request, kind: str) -> Paged:
    repo = req.repo()
    subject = _subject(req, repo, kind)
    wanted = req.query.get("content")
    found = [r for r in repo.reactions if r.subject == subject and wanted in (None, r.content)]
    return Paged([_json(req, r) for r in found])


def _create(req: Request, kind: str) -> Response:
    repo = req.repo()
    subject = _subject(req, repo, kind)
    content = req.json_object().get("content")
    if content not in CONTENTS:
        raise validation_failed("Reaction", "invalid", "content")
    for r in repo.reactions:
        if r.subject == subject and r.content == content and r.user == req.login:
            return ok(_json(req, r), 200)  # GitHub: the same person's same reaction exists
    reaction = Reaction(req.state.new_id(), subject, content, req.login)
    repo.reactions.append(reaction)
    return ok(_json(req, reaction), 201)


@route("GET", R + "/issues/{issue_number}/reactions", "reactions/list-for-issue")
def list_for_issue(req: Request) -> Paged:
    return _list(req, "issue")


@route("POST", R + "/issues/{issue_number}/reactions", "reactions/create-for-issue")
def create_for_issue(req: Request) -> Response:
    return _create(req, "issue")


@route("GET", R + "/issues/comments/{comment_id}/reactions", "reactions/list-for-issue-comment")
def list_for_comment(req: Request) -> Paged:
    return _list(req, "comment")


@route("POST", R + "/issues/comments/{comment_id}/reactions", "reactions/create-for-issue-comment")
def create_for_comment(req: Request) -> Response:
    return _create(req, "comment")
