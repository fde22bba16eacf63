"""What the gate tells the runner once it has decided: the report as the step summary (or on
stdout), the ``decisions`` and ``prs`` step outputs, and an annotation per failed write."""

from __future__ import annotations

import json

from foreman import actions
from foreman.gate.model import GateReport
from foreman.gate.report import markdown
from foreman.gate.report_text import text as report_text
from foreman.terminal import show


def publish(report: GateReport, *, text_format: bool) -> None:
    """``text_format``: the readable report on stdout (``--format text``), else the markdown
    when there is no step summary to hold it."""
    text = markdown(report)
    summarised = actions.add_summary(text)
    if text_format:
        show(report_text(report))
    elif not summarised:
        print(actions.redact(text))
    decisions = [
        {"task": o.task_id, "decision": o.decision, "pr": o.pr_number} for o in report.outcomes
    ]
    actions.set_output("decisions", json.dumps(decisions, separators=(",", ":")))
    prs = sorted({o.pr_number for o in report.outcomes if o.pr_number})
    actions.set_output("prs", ",".join(str(n) for n in prs))
    for o in report.outcomes:
        if o.decision == "error":
            actions.annotate("error", f"{o.task_id}: {o.reason}", title="gate write failed")
    if report.error is not None:
        actions.annotate("error", report.error.message, title=report.error.title)
