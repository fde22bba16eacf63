"""Webhook payloads for act runs (the fields foreman reads, in GitHub's shapes)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

REPO = "octo/demo"
HTML = "https://github.com/octo/demo"


def _user(login: str) -> dict[str, Any]:
    return {"login": login, "id": 1 + sum(map(ord, login)), "type": "User"}


def repository(default_branch: str = "main") -> dict[str, Any]:
    return {
        "id": 101,
        "name": "demo",
        "full_name": REPO,
        "private": False,
        "default_branch": default_branch,
        "owner": _user("octo"),
        "html_url": HTML,
    }


def issue_event(
    number: int,
    title: str,
    body: str = "",
    *,
    labels: Sequence[str] = (),
    action: str = "opened",
    user: str = "octo",
    association: str = "OWNER",
) -> dict[str, Any]:
    return {
        "action": action,
        "issue": {
            "number": number,
            "title": title,
            "body": body,
            "state": "open",
            "locked": False,
            "labels": [{"name": n} for n in labels],
            "user": _user(user),
            "author_association": association,
            "html_url": f"{HTML}/issues/{number}",
            "updated_at": "2026-11-20T10:00:00Z",
            "comments": 0,
        },
        "repository": repository(),
        "sender": _user(user),
    }


def pull_request_event(
    number: int,
    title: str,
    *,
    head_ref: str,
    head_sha: str,
    base_sha: str,
    body: str = "",
    user: str = "octo",
    association: str = "OWNER",
) -> dict[str, Any]:
    return {
        "action": "opened",
        "number": number,
        "pull_request": {
            "number": number,
            "title": title,
            "body": body,
            "state": "open",
            "locked": False,
            "draft": False,
            "labels": [],
            "user": _user(user),
            "author_association": association,
            "html_url": f"{HTML}/pull/{number}",
            "updated_at": "2026-11-20T10:00:00Z",
            "head": {"ref": head_ref, "sha": head_sha, "repo": {"full_name": REPO}},
            "base": {"ref": "main", "sha": base_sha, "repo": {"full_name": REPO}},
        },
        "repository": repository(),
        "sender": _user(user),
    }


def dispatch_event(inputs: dict[str, str], *, user: str = "octo") -> dict[str, Any]:
    return {
        "inputs": inputs,
        "ref": "refs/heads/main",
        "repository": repository(),
        "sender": _user(user),
        "workflow": ".github/workflows/foreman.yml",
    }


def comment_event(
    number: int, title: str, comment: str, *, user: str = "octo", association: str = "OWNER"
) -> dict[str, Any]:
    event = issue_event(number, title, "", action="created")
    event["comment"] = {
        "id": 9000 + number,
        "body": comment,
        "user": _user(user),
        "author_association": association,
    }
    event["sender"] = _user(user)
    return event
