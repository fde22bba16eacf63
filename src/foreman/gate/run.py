"""The gate, end to end: load, assess every bundle (pure), then write — or, dry run, don't.

:func:`prepare` does everything that needs no network: it loads the bundles,
runs the policy checks and decides per item what would be written.
:func:`run_gate` then hands the prepared items to :mod:`.execute` (the only
code that writes), or stops there for a dry run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from foreman.config.models import Config
from foreman.contracts import ItemRef, Note, Plan
from foreman.errors import ForemanError
from foreman.gate import codeowners
from foreman.gate.base import Checkout
from foreman.gate.bundles import Loaded, Rejected, load_bundles
from foreman.gate.model import Assessment, Outcome, Proposal
from foreman.gate.policy import PolicyContext, assess
from foreman.gate.proposals import plan_item, target_for
from foreman.gate.secrets import job_secrets
from foreman.gate.status import render

Sleep = Callable[[float], None]


def default_sleep(seconds: float) -> None:
    """Every wait of the gate (backoff, rate limits); looked up at call time (tests stub it)."""
    time.sleep(seconds)


@dataclass
class GateOptions:
    plan: Plan
    bundles: Path
    root: Path
    config: Config
    config_file: str | None = None  # repo-relative path of the config (protected)
    dry_run: bool = False
    token: str | None = None
    api_url: str | None = None
    repo: str = ""
    throttle: bool = True
    timeout: float = 15.0
    sleep: Sleep | None = None  # None: default_sleep
    env: Mapping[str, str] | None = None

    def wait(self, seconds: float) -> None:
        (self.sleep or default_sleep)(seconds)


@dataclass
class ItemWork:
    """Everything the gate decided for one item, and (later) what it wrote."""

    item: ItemRef | None
    outcomes: list[Outcome] = field(default_factory=list)
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

    def outcome(self, task_id: str) -> Outcome:
        return next(o for o in self.outcomes if o.task_id == task_id)

    def render(self, ask: list[str]) -> str:
        self.comment = render(self.outcomes, self.notes, self.triage_comments, ask)
        return self.comment


@dataclass
class GateReport:
    items: list[ItemWork]
    rejected: list[Rejected]
    dry_run: bool
    repo: str
    handled_label: str = ""
    error: ForemanError | None = None  # the first write that failed for good

    @property
    def outcomes(self) -> list[Outcome]:
        return [o for w in self.items for o in w.outcomes]

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return self.error.exit_code
        return 0


def _items(plan: Plan) -> dict[int | None, ItemRef | None]:
    items: dict[int | None, ItemRef | None] = {i.number: i for i in plan.items}
    for t in plan.tasks:
        items.setdefault(t.item.number, t.item if t.item.number is not None else None)
    return items


def _protected(config: Config, config_file: str | None) -> tuple[str, ...]:
    extra = (config_file,) if config_file else ()
    return (*config.gate.protected_paths, *extra)


def _initial(a: Assessment, work: ItemWork, config: Config) -> Outcome:
    r = a.bundle.result
    o = Outcome(a.task_id, a.worker, work.number, "no-change", a.reason, checks=a.checks,
                usage=r.usage, sandbox=r.sandbox)  # fmt: skip
    if a.action == "triage":
        o.set("triaged", _triage_reason(a))
        work.triage_labels += [x for x in a.labels if x not in work.triage_labels]
        if r.comment:
            work.triage_comments.append((a.worker, r.comment))
    elif a.action == "change":
        target = target_for(work.item, config)
        if target == "suggest":
            why = "fork PRs only get comments" if work.item and work.item.is_fork else (
                "gate.fix_pr_branch is off")  # fmt: skip
            files = sorted({p for fp in a.patches for p in fp.paths})
            o.set("suggested", f"{why}; files: {', '.join(files[:10])}")
        else:
            o.set("pull-request" if target == "new-pr" else "pushed")
    else:
        o.set(a.action)
    return o


def _triage_reason(a: Assessment) -> str:
    parts = []
    if a.labels:
        parts.append(f"labels: {', '.join(a.labels)}")
    if a.dropped_labels:
        parts.append(f"not in gate.labels.allowed, dropped: {', '.join(a.dropped_labels)}")
    if a.bundle.result.duplicates:
        dupes = ", ".join(f"#{d}" for d in a.bundle.result.duplicates[:5])
        parts.append(f"possible duplicates: {dupes}")
    return "; ".join(parts) or (a.reason or "no label proposed")


def prepare(opts: GateOptions) -> tuple[list[ItemWork], Loaded]:
    """Policy for every bundle and the write plan for every item. No network."""
    loaded = load_bundles(opts.bundles, opts.plan)
    checkout = Checkout(opts.root)
    ctx = PolicyContext(
        config=opts.config,
        protected=_protected(opts.config, opts.config_file),
        job_secrets=tuple(job_secrets(opts.env)),
        checkout=checkout,
    )
    rules = codeowners.load(opts.root)
    works: list[ItemWork] = []
    items = _items(opts.plan)
    for number, item in items.items():
        work = ItemWork(item)
        mine = [b for b in loaded.bundles if b.task.item.number == number]
        # A PR's patch applies to the PR head, not to the default branch: checked when pushed.
        local = target_for(item, opts.config) == "new-pr"
        item_ctx = ctx if local else replace(ctx, checkout=None)
        assessments = [assess(b, item_ctx) for b in mine]
        work.outcomes = [_initial(a, work, opts.config) for a in assessments]
        planned = plan_item(item, assessments, opts.config, checkout, rules)
        work.proposals = planned.proposals
        for task_id, (decision, reason) in planned.held.items():
            work.outcome(task_id).set(decision, reason)
        for r in loaded.rejected:
            task = next((t for t in opts.plan.tasks if t.id == r.task_id), None)
            if task is not None and task.item.number == number:
                work.outcomes.append(
                    Outcome(task.id, task.worker, number, "rejected", f"{r.source}: {r.reason}")
                )
        for t in loaded.missing:
            if t.item.number == number:
                work.outcomes.append(
                    Outcome(t.id, t.worker, number, "missing", "no result bundle for this task")
                )
        work.notes = [n for n in opts.plan.notes if n.item == number]
        if len(items) == 1 and number is not None:
            work.notes += [n for n in opts.plan.notes if n.item is None]
        order = {t.id: i for i, t in enumerate(opts.plan.tasks)}
        work.outcomes.sort(key=lambda o: order.get(o.task_id, len(order)))
        works.append(work)
    for number in {n.item for n in opts.plan.notes} - set(items):
        works.append(ItemWork(_note_item(opts.plan, number), notes=[
            n for n in opts.plan.notes if n.item == number]))  # fmt: skip
    return [w for w in works if w.outcomes or w.notes], loaded


def _note_item(plan: Plan, number: int | None) -> ItemRef | None:
    if number is None:
        return None
    return ItemRef(repo=plan.repo, number=number, event_name=plan.event_name)


def run_gate(opts: GateOptions) -> GateReport:
    works, loaded = prepare(opts)
    dry = opts.dry_run or opts.plan.dry_run
    orphans = [r for r in loaded.rejected if r.task_id not in {t.id for t in opts.plan.tasks}]
    report = GateReport(
        works, orphans, dry, opts.repo or opts.plan.repo, opts.config.gate.labels.handled
    )
    ask = list(opts.config.gate.ask)
    if dry:
        for work in works:
            work.render(ask)
            work.comment_state = "would post" if work.number is not None else "no item"
        return report
    if not any(w.proposals or w.number is not None for w in works):
        return report
    from foreman.gate.execute import execute

    execute(report, opts)
    return report
