"""The gate's report for a terminal (``--format text``): per task its decision and why, then
per item what was written or, in a dry run, what would be: labels, the status comment, the
pull request's title, body and diff stat, merge or ask."""

from __future__ import annotations

from foreman.gate.model import DECISION_TEXT, GateReport, ItemWork, Proposal
from foreman.terminal import clean, table


def _diffstat(p: Proposal) -> list[str]:
    stats: dict[str, list[int]] = {}
    for m in p.members:
        for fp in m.patches:
            s = stats.setdefault(fp.path, [0, 0])
            s[0] += fp.additions
            s[1] += fp.deletions
    rows = [f"      {clean(path)} | +{a} -{d}" for path, (a, d) in sorted(stats.items())]
    total_a = sum(a for a, _ in stats.values())
    total_d = sum(d for _, d in stats.values())
    return [*rows, f"      {len(stats)} file(s), +{total_a} -{total_d}"]


def _proposal(p: Proposal, default: str, dry_run: bool) -> list[str]:
    verb = "would" if dry_run else "did"
    who = ", ".join(p.workers)
    if p.target == "suggest":
        return [f"  {who}: {verb} suggest the change in a comment (not pushed)"]
    if p.target == "pr-branch":
        return [f"  {who}: {verb} push a fix commit to {clean(p.branch)}", *_diffstat(p)]
    merge = (
        f"never by the gate ({clean(p.merge_block, 200)})"
        if p.merge_block
        else "when the repository's checks allow"
    )
    lines = [
        f"  {who}: {verb} open a {'draft ' if p.draft else ''}pull request",
        f"    branch: {clean(p.branch)} from {clean(default)}, one commit",
        f"    title:  {clean(p.title, 120)}",
        f"    labels: {', '.join(p.labels) or 'none'}",
        f"    reviewers: {', '.join([*p.reviewers.users, *p.reviewers.teams]) or 'none'}",
        f"    merge:  {merge}",
        "    diff:",
        *_diffstat(p),
        "    body:",
        *("      " + clean(line) for line in p.body.splitlines()[:40]),
    ]
    return lines


def _item(work: ItemWork, report: GateReport) -> list[str]:
    label = f"#{work.number}" if work.number is not None else "(no item)"
    lines = [f"{label}:" + (f" {clean(work.item.title, 100)}" if work.item else "")]
    default = work.item.default_branch if work.item else "main"
    for p in work.proposals:
        lines += _proposal(p, default, report.dry_run)
    if work.number is None:
        return lines
    if report.dry_run:
        labels = [*work.triage_labels, report.handled_label]
        lines.append(f"  labels: would add {', '.join(x for x in labels if x) or 'none'}")
        lines.append("  status comment (would be posted or updated):")
    else:
        lines.append(f"  labels added: {', '.join(work.labels_added) or 'none'}")
        lines.append(f"  status comment: {work.comment_state or '-'}")
    lines += ["    " + clean(line) for line in work.comment.splitlines()]
    return lines


def text(report: GateReport) -> str:
    head = "foreman gate" + (" (dry run: nothing was written)" if report.dry_run else "")
    lines = [head, ""]
    if report.outcomes:
        rows = [
            (o.task_id, f"#{o.item}" if o.item else "-", DECISION_TEXT[o.decision],
             f"#{o.pr_number}" if o.pr_number else "-", o.reason or "-")
            for o in report.outcomes
        ]  # fmt: skip
        lines += [table(("task", "item", "decision", "PR", "why"), rows, width=80), ""]
        for o in report.outcomes:
            failed = [c for c in o.checks if not c.ok]
            for c in failed:
                lines.append(f"  {clean(o.task_id)}: check {c.name} failed: {clean(c.detail, 200)}")
        if any(not c.ok for o in report.outcomes for c in o.checks):
            lines.append("")
    for r in report.rejected:
        lines.append(f"rejected bundle {clean(r.source)}: {clean(r.reason, 200)}")
    for work in report.items:
        lines += [*_item(work, report), ""]
    if report.error is not None:
        lines.append(f"The gate stopped on an error: {clean(report.error.message, 300)}")
    return "\n".join(lines).rstrip() + "\n"
