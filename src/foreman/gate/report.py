"""The gate's step summary: per bundle its decision, its checks and its writes.

In a dry run it shows exactly what would have been written: the branch and
its files, the PR title, the labels and the status comment.
"""

from __future__ import annotations

from foreman.actions import md_escape
from foreman.gate.model import DECISION_TEXT, GateOutcome, GateReport, Proposal
from foreman.gate.status import cell, sandbox_warnings
from foreman.mdtext import code, fenced, html_text


def _checks(o: GateOutcome) -> str:
    if not o.checks:
        return ""
    return " · ".join(("✅ " if c.ok else "❌ ") + md_escape(c.name) for c in o.checks)


def _check_details(o: GateOutcome) -> list[str]:
    return [
        f"  - {'ok' if c.ok else 'FAILED'} {md_escape(c.name)}"
        + (f": {cell(c.detail)}" if c.detail else "")
        for c in o.checks
    ]


def _would(p: Proposal, default: str) -> list[str]:
    files = ", ".join(code(f) + (" (deleted)" if c.content is None else "")
                      for f, c in p.files.items())  # fmt: skip
    lines = [f"- **{md_escape(', '.join(p.workers))}** ({p.target})"]
    if p.target == "new-pr":
        lines += [
            f"  - branch {code(p.branch)} from {code(default)}, one commit: {files}",
            f"  - {'draft ' if p.draft else ''}PR: {cell(p.title)}",
            f"  - labels: {', '.join(md_escape(x) for x in p.labels) or 'none'}",
            "  - reviewers: "
            + (", ".join(md_escape(x) for x in [*p.reviewers.users, *p.reviewers.teams]) or "none"),
            f"  - merge: {cell(p.merge_block) if p.merge_block else 'if checks allow'}",
        ]
    elif p.target == "pr-branch":
        lines.append(f"  - fix commit on {code(p.branch)} changing {files}")
    return lines


def markdown(report: GateReport) -> str:
    head = "### foreman gate" + (" (dry run: nothing was written)" if report.dry_run else "")
    lines = [head, ""]
    outcomes = report.outcomes
    if outcomes:
        lines += ["| task | item | decision | PR | checks | reason |", "|---|---|---|---|---|---|"]
        for o in outcomes:
            pr = f"#{o.pr_number}" if o.pr_number else "-"
            item = f"#{o.item}" if o.item else "-"
            lines.append(
                f"| {code(o.task_id, cell=True)} | {item} | {DECISION_TEXT[o.decision]} | {pr} | "
                f"{_checks(o)} | {cell(o.reason)} |"
            )
        lines.append("")
    lines += sandbox_warnings(outcomes)
    for o in outcomes:
        if o.checks or o.steps:
            lines.append(f"<details><summary>{html_text(o.task_id)}</summary>\n")
            lines += _check_details(o)
            lines += [f"  - wrote: {cell(step)}" for step in o.steps]
            lines += ["", "</details>", ""]
    for r in report.rejected:
        lines.append(f"- rejected bundle {code(r.source)}: {cell(r.reason)}")
    for work in report.items:
        where = f"#{work.number}" if work.number is not None else "plan"
        lines += [f"- {where} {n.kind}: {cell(n.text, 500)}" for n in work.notes]
    for work in report.items:
        label = f"#{work.number}" if work.number is not None else "(no item)"
        if report.dry_run:
            default = work.item.default_branch if work.item else "main"
            lines += ["", f"#### {label}: would write", ""]
            for p in work.proposals:
                lines += _would(p, default)
            handled = [] if work.number is None else [report.handled_label]
            labels = [*work.triage_labels, *handled]
            lines.append(f"- item labels: {', '.join(md_escape(x) for x in labels) or 'none'}")
            if work.number is not None:
                lines += ["- status comment:", "", fenced(work.comment, "markdown")]
        elif work.number is not None:
            added = ", ".join(md_escape(x) for x in work.labels_added) or "none"
            lines.append(
                f"- {label}: status comment {work.comment_state or '-'}; labels added: {added}"
            )
    if report.error is not None:
        lines += ["", f"**The gate stopped on an error:** {cell(report.error.message, 500)}"]
    return "\n".join(lines).rstrip() + "\n"
