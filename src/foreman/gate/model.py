"""The gate's own data: checks, assessments (policy), proposals (writes) and outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from foreman.contracts import ItemRef, SandboxInfo, Usage
from foreman.gate.bundles import Bundle
from foreman.gate.codeowners import Owners
from foreman.gate.patch import FilePatch

Action = Literal["change", "triage", "ask-human", "blocked", "no-change", "failed"]
Target = Literal["new-pr", "pr-branch", "suggest"]
Decision = Literal[
    "pull-request",  # a PR was opened or is open (draft or ready)
    "merged",
    "pushed",  # a fix commit on the item's own PR branch
    "triaged",  # labels and a comment
    "suggested",  # comment only (fork PRs, or pushing to PR branches is off)
    "ask-human",
    "blocked",
    "no-change",
    "failed",  # the worker reported failure
    "skipped",
    "rejected",  # the bundle itself was invalid
    "missing",  # no bundle for a planned task
    "error",  # a write failed
]
# How each decision reads in the status comment (states, not events: re-runs read the same).
DECISION_TEXT: dict[str, str] = {
    "pull-request": "pull request",
    "merged": "merged",
    "pushed": "pushed to this PR",
    "triaged": "triaged",
    "suggested": "suggested (not pushed)",
    "ask-human": "needs a maintainer",
    "blocked": "blocked",
    "no-change": "no change",
    "failed": "worker failed",
    "skipped": "skipped",
    "rejected": "bundle rejected",
    "missing": "no result",
    "error": "error",
}
# Decisions that mention gate.ask. "failed" too: a worker that gave up (e.g. the model was
# down for every retry, L01) leaves the item to a maintainer.
ASKS = frozenset({"ask-human", "blocked", "error", "failed"})


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class FileChange:
    path: str
    content: str | None  # None: the file is deleted
    mode: str = "100644"


@dataclass
class Assessment:
    """Policy's verdict on one bundle (pure: no GitHub call made it)."""

    bundle: Bundle
    action: Action
    reason: str = ""
    checks: list[Check] = field(default_factory=list)
    patches: list[FilePatch] = field(default_factory=list)
    files: dict[str, FileChange] = field(default_factory=dict)  # applied to the checkout
    protected: list[str] = field(default_factory=list)
    draft_reasons: list[str] = field(default_factory=list)
    merge_block: str | None = None  # why it may never be merged by the gate
    labels: list[str] = field(default_factory=list)  # allowed labels it proposes
    dropped_labels: list[str] = field(default_factory=list)

    @property
    def task_id(self) -> str:
        return self.bundle.task.id

    @property
    def worker(self) -> str:
        return self.bundle.task.worker

    @property
    def changed_lines(self) -> int:
        return sum(p.additions + p.deletions for p in self.patches)


@dataclass
class Proposal:
    """One write: a branch + PR (or a push, or a suggestion) for bundles of one item."""

    item: ItemRef | None
    members: list[Assessment]
    target: Target
    branch: str
    files: dict[str, FileChange]
    title: str
    body: str
    message: str  # commit message, with the Foreman-Patch trailer
    digest: str
    labels: list[str] = field(default_factory=list)
    reviewers: Owners = field(default_factory=Owners)
    draft: bool = True
    draft_reasons: list[str] = field(default_factory=list)
    merge_block: str | None = None

    @property
    def workers(self) -> list[str]:
        return [m.worker for m in self.members]

    @property
    def changed_lines(self) -> int:
        return sum(m.changed_lines for m in self.members)


@dataclass
class Outcome:
    """What happened to one task (or a bundle that names no valid task)."""

    task_id: str
    worker: str
    item: int | None
    decision: Decision
    reason: str = ""
    pr_number: int | None = None
    pr_url: str | None = None
    checks: list[Check] = field(default_factory=list)
    usage: Usage | None = None
    sandbox: SandboxInfo | None = None  # how the worker's commands ran (warned when weaker)
    steps: list[str] = field(default_factory=list)  # writes done (or, dry-run: would be done)

    def set(self, decision: Decision, reason: str | None = None) -> None:
        self.decision = decision
        if reason is not None:
            self.reason = reason
