"""The gate's own data: options, checks, assessments (policy), proposals (writes), outcomes.

Shared by the stages of the gate (:mod:`.run` prepares, :mod:`.checks` judges,
:mod:`.writes` writes), so none of them needs to import another for its types.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from foreman.config.models import Config
from foreman.contracts import ItemRef, Note, Plan, SandboxInfo, Usage
from foreman.errors import ForemanError
from foreman.gate.bundles import Bundle, Rejected
from foreman.gate.codeowners import Owners
from foreman.gate.patch import FilePatch
from foreman.timelimit import Sleep

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
    reproduced: bool = False  # the gate re-ran the worker's fixers and got exactly this change
    rerun: str | None = None  # that re-run's answer once made: "" the same change, else why not
    labels: list[str] = field(default_factory=list)  # allowed labels it proposes
    dropped_labels: list[str] = field(default_factory=list)

    @property
    def task_id(self) -> str:
        return self.bundle.task.id

    @property
    def blocked(self) -> bool:
        return self.action == "blocked"

    def passed(self, name: str, detail: str = "") -> None:
        self.checks.append(Check(name, True, detail))

    def block(self, name: str, detail: str) -> None:
        """A failed check; the first one is the bundle's reason."""
        self.checks.append(Check(name, False, detail))
        if self.action != "blocked":
            self.action, self.reason = "blocked", f"{name}: {detail}"

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
    needs_green: bool = True  # False only when the gate reproduced every member's change (S08)

    @property
    def workers(self) -> list[str]:
        return [m.worker for m in self.members]

    @property
    def changed_lines(self) -> int:
        return sum(m.changed_lines for m in self.members)


@dataclass
class GateOutcome:
    """What happened to one task (or a bundle that names no valid task)."""

    task_id: str
    worker: str
    item: int | None
    decision: Decision
    reason: str = ""
    pr_number: int | None = None
    checks: list[Check] = field(default_factory=list)
    usage: Usage | None = None
    sandbox: SandboxInfo | None = None  # how the worker's commands ran (warned when weaker)
    steps: list[str] = field(default_factory=list)  # writes done (or, dry-run: would be done)

    def set(self, decision: Decision, reason: str | None = None) -> None:
        self.decision = decision
        if reason is not None:
            self.reason = reason


@dataclass
class GateOptions:
    plan: Plan
    bundles: Path
    root: Path
    config: Config
    config_file: str | None = None  # repo-relative path of the config (protected)
    dry_run: bool = False
    token: str | None = None
    api_key: str | None = None  # Anthropic, for the gate's own reviewer
    api_url: str | None = None
    repo: str = ""
    throttle: bool = True
    timeout: float = 15.0
    sleep: Sleep | None = None  # None: time.sleep (run_gate sets its own)
    env: Mapping[str, str] | None = None
    prs_run_ci: bool = True  # False only when the gate writes with the job's own GITHUB_TOKEN

    def wait(self, seconds: float) -> None:
        (self.sleep or time.sleep)(seconds)


@dataclass
class ItemWork:
    """Everything the gate decided for one item, and (later) what it wrote."""

    item: ItemRef | None
    outcomes: list[GateOutcome] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    triage_labels: list[str] = field(default_factory=list)
    triage_comments: list[tuple[str, str]] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    comment: str = ""  # the status comment body as last rendered
    comment_state: str = ""  # created / updated / unchanged / would post / skipped
    labels_added: list[str] = field(default_factory=list)
    current_title: str | None = None

    @property
    def number(self) -> int | None:
        return self.item.number if self.item is not None else None

    def outcome(self, task_id: str) -> GateOutcome:
        return next(o for o in self.outcomes if o.task_id == task_id)


@dataclass
class GateReport:
    items: list[ItemWork]
    rejected: list[Rejected]
    dry_run: bool
    repo: str
    handled_label: str = ""
    error: ForemanError | None = None  # the first write that failed for good

    @property
    def outcomes(self) -> list[GateOutcome]:
        return [o for w in self.items for o in w.outcomes]

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return self.error.exit_code
        return 0
