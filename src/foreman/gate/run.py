"""The gate, end to end: load, assess every bundle (pure), then write — or, dry run, don't.

:func:`prepare` does everything that needs no network: it loads the bundles,
runs the policy checks and decides per item what would be written.
:func:`run_gate` then hands the prepared items to :mod:`.execute` (the only
code that writes), or stops there for a dry run.
"""

from __future__ import annotations

import time
from dataclasses import replace
from functools import partial

from foreman import actions
from foreman.config.models import Config
from foreman.contracts import ItemRef, Plan
from foreman.gate import codeowners
from foreman.gate.base import Checkout
from foreman.gate.bundles import Loaded, load_bundles
from foreman.gate.checks import PolicyContext, assess
from foreman.gate.model import Assessment, GateOptions, GateOutcome, GateReport, ItemWork
from foreman.gate.proposals import item_proposals, target_for
from foreman.gate.reproduce import lint_counts
from foreman.gate.reproduce import reproduce as _reproduce
from foreman.gate.reviewer import make_reviewer
from foreman.gate.secrets import job_secrets
from foreman.gate.status import render_item


def default_sleep(seconds: float) -> None:
    """Every wait of the gate (backoff, rate limits); looked up at call time (tests stub it)."""
    time.sleep(seconds)


def _items(plan: Plan) -> dict[int | None, ItemRef | None]:
    items: dict[int | None, ItemRef | None] = {i.number: i for i in plan.items}
    for t in plan.tasks:
        items.setdefault(t.item.number, t.item if t.item.number is not None else None)
    return items


def _protected(config: Config, config_file: str | None) -> tuple[str, ...]:
    extra = (config_file,) if config_file else ()
    return (*config.gate.protected_paths, *extra)


def _initial(a: Assessment, work: ItemWork, config: Config) -> GateOutcome:
    r = a.bundle.result
    o = GateOutcome(a.task_id, a.worker, work.number, "no-change", a.reason, checks=a.checks,
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


def _llm_env(opts: GateOptions) -> dict[str, str]:
    """The environment the reviewer's provider reads credentials from (``api_key`` wins)."""
    env = dict(opts.env if opts.env is not None else actions.current().environ)
    env.pop("ANTHROPIC_API_KEY", None)
    if opts.api_key:
        env["ANTHROPIC_API_KEY"] = opts.api_key
    return env


def prepare(opts: GateOptions) -> tuple[list[ItemWork], Loaded]:
    """Policy for every bundle and the write plan for every item. No network."""
    loaded = load_bundles(opts.bundles, opts.plan)
    checkout = Checkout(opts.root)
    ctx = PolicyContext(
        config=opts.config,
        protected=_protected(opts.config, opts.config_file),
        job_secrets=tuple(job_secrets(opts.env)),
        checkout=checkout,
        ci_files=tuple(opts.config.gate.ci_files) if opts.prs_run_ci else (),
        # A dry run asks no model: its PRs show as drafts "not reviewed".
        reviewer=None if _dry(opts) else make_reviewer(opts.config, _llm_env(opts)),
        reproducer=partial(_reproduce, checkout=checkout),
        linter=partial(lint_counts, checkout=checkout),
    )
    rules = codeowners.load(opts.root)
    works: list[ItemWork] = []
    items = _items(opts.plan)
    for number, item in items.items():
        work = ItemWork(item)
        mine = [b for b in loaded.bundles if b.task.item.number == number]
        # A PR's patch applies to the PR head, not to the default branch: checked when pushed.
        target = target_for(item, opts.config)
        local = target == "new-pr"
        item_ctx = ctx if local else replace(ctx, checkout=None)
        if target == "suggest":  # a comment only: nothing to review or re-run
            item_ctx = replace(item_ctx, reviewer=None, reproducer=None)
        assessments = [assess(b, item_ctx) for b in mine]
        work.outcomes = [_initial(a, work, opts.config) for a in assessments]
        planned = item_proposals(item, assessments, opts.config, checkout, rules)
        work.proposals = planned.proposals
        for task_id, (decision, reason) in planned.held.items():
            work.outcome(task_id).set(decision, reason)
        for r in loaded.rejected:
            task = next((t for t in opts.plan.tasks if t.id == r.task_id), None)
            if task is not None and task.item.number == number:
                work.outcomes.append(
                    GateOutcome(task.id, task.worker, number, "rejected", f"{r.source}: {r.reason}")
                )
        for t in loaded.missing:
            if t.item.number == number:
                work.outcomes.append(
                    GateOutcome(t.id, t.worker, number, "missing", "no result bundle for this task")
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


def _dry(opts: GateOptions) -> bool:
    return opts.dry_run or opts.plan.dry_run


def run_gate(opts: GateOptions) -> GateReport:
    works, loaded = prepare(opts)
    dry = _dry(opts)
    orphans = [r for r in loaded.rejected if r.task_id not in {t.id for t in opts.plan.tasks}]
    report = GateReport(
        works, orphans, dry, opts.repo or opts.plan.repo, opts.config.gate.labels.handled
    )
    ask = list(opts.config.gate.ask)
    if dry:
        for work in works:
            render_item(work, ask)
            work.comment_state = "would post" if work.number is not None else "no item"
        return report
    if not any(w.proposals or w.number is not None for w in works):
        return report
    from foreman.gate.writes.execute import execute

    if opts.sleep is None:  # every wait goes through default_sleep, looked up when it waits
        opts = replace(opts, sleep=lambda seconds: default_sleep(seconds))
    execute(report, opts)
    return report
