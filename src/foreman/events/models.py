"""The one typed work item every supported event becomes.

Text fields are kept raw here (untrusted, unsanitised); whoever builds a
prompt sanitises them (:mod:`foreman.sanitize`).
"""

# No ``from __future__ import annotations`` in the model modules: pydantic would evaluate every
# annotation string when a class is defined (≈ 12 M instructions more in every foreman process).

from typing import Literal

from pydantic import BaseModel, ConfigDict

EventName = Literal[
    "issues",
    "pull_request",
    "issue_comment",
    "workflow_dispatch",
    "schedule",
    "workflow_run",
    "pull_request_review",
    "pull_request_review_comment",
]
Kind = Literal["issue", "pull_request"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Actor(Frozen):
    login: str
    type: str = "User"  # "User" | "Bot" | "Organization" | ...
    association: str = "NONE"  # author_association, where the event has one

    @property
    def is_bot(self) -> bool:
        return self.type == "Bot" or self.login.endswith("[bot]")


class Comment(Frozen):
    id: int
    body: str
    author: Actor
    path: str | None = None  # a review comment's file
    line: int | None = None  # and line (None: a file-level comment)


class PullInfo(Frozen):
    head_ref: str
    head_sha: str
    head_repo: str | None  # owner/name; None when the fork was deleted
    base_ref: str
    base_sha: str
    draft: bool = False
    is_fork: bool = False
    changed_files: list[str] | None = None  # None = not in the payload; fetch if needed


class Dispatch(Frozen):
    """``workflow_dispatch`` inputs we understand."""

    number: int | None = None
    worker: str | None = None
    dry_run: bool = False
    mode: Literal["event", "inbox"] = "event"


class RunInfo(Frozen):
    """A completed workflow run (``workflow_run``). Its text fields are untrusted."""

    id: int
    name: str
    path: str
    head_sha: str
    head_branch: str | None
    conclusion: str | None
    event: str
    attempt: int = 1
    head_repo: str | None = None


class ReviewInfo(Frozen):
    """A submitted pull request review (``pull_request_review``)."""

    id: int
    state: str  # approved | changes_requested | commented | dismissed (lower case)
    body: str
    author: Actor


class WorkItem(Frozen):
    event_name: EventName
    action: str | None
    repo: str  # owner/name
    default_branch: str = "main"
    sender: Actor
    number: int | None = None  # issue or PR number
    kind: Kind | None = None
    title: str = ""
    body: str = ""
    labels: list[str] = []
    author: Actor | None = None  # who opened the issue/PR
    state: str = "open"
    locked: bool = False
    html_url: str | None = None
    updated_at: str | None = None
    comment: Comment | None = None
    pull: PullInfo | None = None
    added_label: str | None = None  # for action == "labeled"
    dispatch: Dispatch | None = None
    run: RunInfo | None = None
    review: ReviewInfo | None = None
    needs_fetch: bool = False  # workflow_dispatch naming a number: content comes from the API

    @property
    def is_pull_request(self) -> bool:
        return self.kind == "pull_request"

    @property
    def key(self) -> str:
        """Stable id of the issue/PR this event is about (for branches, markers, groups)."""
        return f"{self.kind or 'repo'}-{self.number}" if self.number else f"{self.event_name}"
