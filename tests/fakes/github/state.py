"""In-memory domain state of the fake: repos, issues/PRs, comments, labels, git."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from .gitstore import GitStore

PERMISSIONS = ("none", "read", "triage", "write", "maintain", "admin")


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class ApiError(Exception):
    """An HTTP error answer from a route handler (GitHub's JSON error shape)."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: list[Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"message": self.message}
        if self.errors is not None:
            out["errors"] = self.errors
        out["documentation_url"] = "https://docs.github.com/rest"
        out["status"] = str(self.status)
        return out


def validation_failed(
    resource: str, code: str, field_: str | None = None, **extra: Any
) -> ApiError:
    err: dict[str, Any] = {"resource": resource, "code": code}
    if field_:
        err["field"] = field_
    err.update(extra)
    return ApiError(422, "Validation Failed", errors=[err])


@dataclass
class User:
    login: str
    id: int

    @property
    def type(self) -> str:
        return "Bot" if self.login.endswith("[bot]") else "User"


@dataclass
class Label:
    id: int
    name: str
    color: str = "ededed"
    description: str = ""
    default: bool = False


@dataclass
class Comment:
    id: int
    issue_number: int
    body: str
    user: str
    author_association: str = "NONE"
    created_at: str = field(default_factory=now_iso)
    updated_at: str = field(default_factory=now_iso)


@dataclass
class Reaction:
    id: int
    subject: tuple[str, int]  # ("issue", number) or ("comment", comment id)
    content: str
    user: str
    created_at: str = field(default_factory=now_iso)


@dataclass
class Review:
    id: int
    user: str
    body: str
    state: str
    commit_id: str
    submitted_at: str = field(default_factory=now_iso)


@dataclass
class PullInfo:
    """The pull-request half of an issue that is a PR."""

    head_ref: str
    base_ref: str
    head_repo: str  # "owner/name" of the head repository (a fork for fork PRs)
    head_sha: str  # last known head sha (used when the branch does not exist)
    base_sha: str
    draft: bool = False
    merged: bool = False
    merged_at: str | None = None
    merged_by: str | None = None
    merge_commit_sha: str | None = None
    mergeable: bool | None = True
    maintainer_can_modify: bool = False
    files: list[dict[str, Any]] | None = None  # seeded diff entries (else computed)
    requested_reviewers: list[str] = field(default_factory=list)
    requested_teams: list[str] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)


@dataclass
class IssueEvent:
    """A labeled/unlabeled entry of an issue's events (who changed which label, when)."""

    id: int
    event: str
    actor: str
    label: str
    created_at: str = field(default_factory=now_iso)


@dataclass
class Issue:
    id: int
    number: int
    title: str
    body: str | None
    user: str
    author_association: str = "NONE"
    state: str = "open"
    state_reason: str | None = None
    labels: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)
    locked: bool = False
    created_at: str = field(default_factory=now_iso)
    updated_at: str = field(default_factory=now_iso)
    closed_at: str | None = None
    pull: PullInfo | None = None
    events: list[IssueEvent] = field(default_factory=list)

    def touch(self) -> None:
        self.updated_at = now_iso()


@dataclass
class CheckRun:
    id: int
    name: str
    head_sha: str
    status: str = "completed"
    conclusion: str | None = "success"


@dataclass
class Status:
    id: int
    context: str
    state: str
    description: str | None = None
    target_url: str | None = None
    created_at: str = field(default_factory=now_iso)


@dataclass
class Repo:
    id: int
    owner: str
    name: str
    private: bool = False
    default_branch: str = "main"
    fork: bool = False
    description: str | None = None
    labels: dict[str, Label] = field(default_factory=dict)  # key: lower-cased name
    issues: dict[int, Issue] = field(default_factory=dict)
    comments: dict[int, Comment] = field(default_factory=dict)
    reactions: list[Reaction] = field(default_factory=list)
    gone: dict[int, tuple[int, str]] = field(default_factory=dict)  # number -> (status, message)
    moved: dict[int, tuple[int, int]] = field(default_factory=dict)  # number -> (repo id, number)
    refs: dict[str, str] = field(default_factory=dict)  # "refs/heads/main" -> sha
    git: GitStore = field(default_factory=GitStore)
    collaborators: dict[str, str] = field(default_factory=dict)  # login -> permission
    check_runs: dict[str, list[CheckRun]] = field(default_factory=dict)  # sha -> runs
    statuses: dict[str, list[Status]] = field(default_factory=dict)  # sha -> statuses
    runs: dict[int, Any] = field(default_factory=dict)  # id -> state_loops.WorkflowRun
    jobs: dict[int, Any] = field(default_factory=dict)  # id -> state_loops.Job
    review_comments: dict[int, Any] = field(default_factory=dict)  # id -> ReviewComment
    log_keys: dict[str, int] = field(default_factory=dict)  # signed log URL key -> job id
    next_number: int = 1
    created_at: str = field(default_factory=now_iso)

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def label(self, name: str) -> Label | None:
        return self.labels.get(name.lower())


@dataclass
class State:
    repos: dict[str, Repo] = field(default_factory=dict)  # "owner/name" (lower) -> Repo
    users: dict[str, User] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1001))

    def new_id(self) -> int:
        return next(self._ids)

    def user(self, login: str) -> User:
        if login not in self.users:
            self.users[login] = User(login, self.new_id())
        return self.users[login]

    def repo(self, owner: str, name: str) -> Repo:
        repo = self.repos.get(f"{owner}/{name}".lower())
        if repo is None:
            raise ApiError(404, "Not Found")
        return repo
