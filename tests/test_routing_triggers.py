from __future__ import annotations

import pytest

from foreman.events.models import Actor, Comment, Dispatch, WorkItem
from foreman.routing.triggers import parse_command, request_from

OWNER = Actor(login="octo", association="OWNER")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("/foreman docs fix the typo", ("docs", "fix the typo")),
        ("thanks!\n  /foreman debug\n", ("debug", "")),
        ("/foreman", (None, "")),
        ("/foreman Please help!", ("please", "help!")),
        ("/foreman $(id)", (None, "$(id)")),
        ("/foremanx docs", None),
        ("see `/foreman docs`", None),
        ("```\n/foreman debug\n```", None),
        ("no command here", None),
    ],
)
def test_parse_command(body: str, expected: tuple[str | None, str] | None) -> None:
    assert parse_command(body, "/foreman") == expected


def _item(**kw: object) -> WorkItem:
    base: dict[str, object] = {
        "event_name": "issues",
        "action": "opened",
        "repo": "octo/demo",
        "sender": OWNER,
        "number": 1,
        "kind": "issue",
        "author": OWNER,
    }
    base.update(kw)
    return WorkItem.model_validate(base)


def test_comment_request_names_the_comment_author_not_the_sender() -> None:
    mallory = Actor(login="mallory")
    item = _item(
        event_name="issue_comment",
        action="created",
        sender=OWNER,
        comment=Comment(id=1, body="/foreman debug", author=mallory),
    )
    req = request_from(item, "/foreman", "foreman:")
    assert req is not None and (req.worker, req.requester, req.source) == (
        "debug",
        "mallory",
        "command",
    )


def test_label_and_dispatch_requests() -> None:
    labeled = _item(action="labeled", added_label="foreman:docs", labels=["foreman:docs"])
    req = request_from(labeled, "/foreman", "foreman:")
    assert req is not None and (req.worker, req.source) == ("docs", "label")
    other = _item(action="labeled", added_label="bug")
    assert request_from(other, "/foreman", "foreman:") is None
    dispatch = _item(event_name="workflow_dispatch", dispatch=Dispatch(number=1, worker="infra"))
    req = request_from(dispatch, "/foreman", "foreman:")
    assert req is not None and (req.worker, req.source) == ("infra", "dispatch")
