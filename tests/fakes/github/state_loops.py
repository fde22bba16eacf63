"""State for the loops: workflow runs, their jobs and logs, review comments."""

from __future__ import annotations

from dataclasses import dataclass, field

from .state import now_iso


@dataclass
class Step:
    name: str
    conclusion: str | None = "success"
    number: int = 1


@dataclass
class Job:
    id: int
    run_id: int
    name: str
    conclusion: str | None
    steps: list[Step] = field(default_factory=list)
    log: bytes = b""
    status: str = "completed"


@dataclass
class WorkflowRun:
    id: int
    name: str
    path: str  # ".github/workflows/ci.yml"
    head_sha: str
    head_branch: str | None
    event: str = "push"
    conclusion: str | None = "failure"
    status: str = "completed"
    run_number: int = 1
    run_attempt: int = 1
    actor: str = "alice"
    pull_requests: list[int] = field(default_factory=list)
    jobs: list[int] = field(default_factory=list)
    created_at: str = field(default_factory=now_iso)


@dataclass
class ReviewComment:
    id: int
    pull_number: int
    user: str
    body: str
    path: str
    line: int | None
    commit_id: str
    review_id: int | None = None
    in_reply_to: int | None = None
    diff_hunk: str = ""
    author_association: str = "NONE"
    created_at: str = field(default_factory=now_iso)
