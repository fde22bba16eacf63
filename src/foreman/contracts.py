"""The data that crosses job boundaries: plan -> matrix task -> result bundle -> gate.

These models are the only coupling between the three jobs. Each job validates
what it receives; an invalid task or bundle is reported, never trusted.
"""

# No ``from __future__ import annotations`` in the model modules: pydantic would evaluate every
# annotation string when a class is defined (≈ 12 M instructions more in every foreman process).

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from foreman.names import branch_problem, repo_problem

SCHEMA_VERSION = 1

Layer = Literal["rules", "classifier", "llm", "command", "label", "dispatch", "fallback"]
Verdict = Literal["proposed", "no_change", "needs_human", "failed"]
TestOutcome = Literal["pass", "fail", "error", "timeout", "not_run"]


class Model(BaseModel):
    # allow_inf_nan: NaN would be written as the non-JSON token NaN (and compares false).
    model_config = ConfigDict(extra="forbid", defer_build=True, allow_inf_nan=False)


def _repo(value: str) -> str:
    if value and (problem := repo_problem(value)):
        raise ValueError(problem)
    return value


def _branch(value: str | None) -> str | None:
    if value is not None and (problem := branch_problem(value)):
        raise ValueError(f"not a branch name: it {problem}")
    return value


class ItemRef(Model):
    """Which issue/PR a task is about. Text here is untrusted (already sanitised)."""

    repo: str = ""
    number: int | None = Field(None, ge=1)
    kind: Literal["issue", "pull_request"] | None = None
    title: str = ""
    url: str | None = None
    event_name: str = ""
    action: str | None = None
    default_branch: str = "main"
    head_ref: str | None = None  # PRs: branch to push fixes to (same-repo only)
    head_sha: str | None = None
    base_ref: str | None = None
    is_fork: bool = False
    author: str | None = None
    # A writer asked with `/foreman fix` for a fix on this (same-repository) PR's branch: the
    # gate pushes onto it even without gate.fix_pr_branch (F03).
    push_requested: bool = False
    comment_id: int | None = Field(None, ge=1)  # issue_comment: the comment that asked (ack)

    # The gate hands these to the API and git: the same rules as the event parser's.
    _repo_ok = field_validator("repo")(_repo)
    _branches_ok = field_validator("default_branch", "head_ref", "base_ref")(_branch)


class Task(Model):
    """One matrix entry. ``{"id", "worker", "brief"}`` alone is a valid task."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
    worker: str = Field(pattern=r"^[a-z][a-z0-9-]{0,39}$")
    brief: str
    item: ItemRef = Field(default_factory=ItemRef)
    acceptance: list[str] = []
    allowed_paths: list[str] | None = None  # None = the worker's configured paths
    layer: Layer = "dispatch"
    confidence: float | None = None
    reason: str = ""
    # What the deciding layer saw, in words (a rule's conditions met, the classifier's terms
    # for its class or best guess): shown, never parsed.
    evidence: list[str] = []
    writes_code: bool = False
    review: bool = False
    dry_run: bool = False
    # A review round on a foreman PR: the review comments the gate answers once it pushed.
    reply_to: list[int] = Field(default=[], max_length=200)


class Note(Model):
    """Something the gate should say on the item (refusals, asks, notices)."""

    kind: Literal["refused", "ask-human", "info"]
    text: str
    item: int | None = Field(None, ge=1)  # issue/PR number the note belongs to
    human_label: bool = False  # the gate labels the item with loops.human_label (round limit)


class Plan(Model):
    version: int = SCHEMA_VERSION
    repo: str = ""
    event_name: str = ""
    action: str | None = None
    items: list[ItemRef] = []
    tasks: list[Task] = []
    notes: list[Note] = []
    dry_run: bool = False
    skipped: str | None = None  # why nothing was planned
    llm_calls: int = 0
    llm_tokens: int = 0
    rest_calls: int = 0

    _repo_ok = field_validator("repo")(_repo)

    def matrix(self) -> dict[str, list[dict[str, object]]]:
        """The ``strategy.matrix`` value: one ``include`` entry per task."""
        return {
            "include": [
                {"id": t.id, "worker": t.worker, "task": t.model_dump_json()} for t in self.tasks
            ]
        }


class TestRun(Model):
    command: str
    before: TestOutcome = "not_run"
    after: TestOutcome = "not_run"
    output_tail: str = ""


class ReviewVerdict(Model):
    verdict: Literal["approve", "request_changes"]
    reasons: list[str] = []


class Usage(Model):
    turns: int = 0
    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    seconds: float = 0.0


SandboxMode = Literal["bwrap", "off", "unavailable"]


class SandboxInfo(Model):
    """How the worker's commands ran: inside bubblewrap, deliberately unboxed, or not at all."""

    mode: SandboxMode
    network: bool = False
    detail: str = Field("", max_length=2000)

    @property
    def warning(self) -> str | None:
        """A line for people when the run was less contained than the default, else None."""
        if self.mode == "off":
            return "commands ran WITHOUT the process boundary (sandbox: false in the config)"
        if self.mode == "unavailable":
            return f"the process boundary was unavailable, so no command ran: {self.detail}"
        if self.network:
            return "commands ran inside the process boundary WITH network access (network: true)"
        return None


class Result(Model):
    """``result.json`` of a bundle; ``patch.diff`` sits next to it."""

    version: int = SCHEMA_VERSION
    task_id: str
    worker: str
    task: Task | None = None
    verdict: Verdict
    reason: str = ""
    title: str = ""
    body: str = ""
    files_changed: list[str] = []
    base_sha: str | None = None
    fixes_issue: bool = False
    tests: list[TestRun] = []
    review: ReviewVerdict | None = None
    confidence: float | None = None
    labels: list[str] = []  # triage proposals
    comment: str | None = None  # triage proposal
    duplicates: list[int] = []
    usage: Usage = Field(default_factory=Usage)
    sandbox: SandboxInfo | None = None  # None: the worker ran no command
    setup: str = Field("", max_length=600)  # one line: how the repository's setup went


PATCH_FILE = "patch.diff"
RESULT_FILE = "result.json"

# Hidden marker that identifies the gate's sticky status comment on an item.
# The gate matches it together with the bot's login (someone else's copy is ignored).
STATUS_MARKER = "<!-- agent-foreman:status -->"
# The gate's commit trailers: the patch digest, and the task(s) a commit carries.
TRAILER = "Foreman-Patch"
TASK_TRAILER = "Foreman-Task"
# Marks the gate's answers in review threads: never a command, never a new round.
REPLY_MARKER = "<!-- agent-foreman:reply -->"
