"""``foreman run``'s report: text for a terminal, JSON for scripts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from foreman.contracts import Plan
from foreman.gate.model import DECISION_TEXT, GateReport
from foreman.local_run import Worked


def as_text(plan: Plan, worked: list[Worked], report: GateReport, kept: Path | None) -> str:
    from foreman.gate.report_text import text as gate_text
    from foreman.routing.report import plan_text
    from foreman.workers.job import result_text

    bar = "=" * 72
    parts = [bar, plan_text(plan).rsplit("\n", 1)[0], bar]
    for w in worked:
        if w.result is None or w.bundle is None:
            parts.append(f"foreman work: {w.task.id} ({w.task.worker}): not run: {w.why_not}")
        else:
            parts.append(result_text(w.result, w.bundle).rsplit("\n", 1)[0])
    if not worked:
        parts.append("foreman work: no task, no worker ran")
    parts += [bar, gate_text(report).rstrip(), bar]
    where = f"The plan and the bundles are in {kept}." if kept else "Keep the plan and the" \
        " bundles with --out DIR."  # fmt: skip
    parts.append(f"Nothing was written to GitHub. {where}")
    return "\n".join(parts) + "\n"


def as_json(plan: Plan, worked: list[Worked], report: GateReport) -> dict[str, Any]:
    return {
        "plan": plan.model_dump(mode="json"),
        "results": [
            w.result.model_dump(mode="json")
            if w.result is not None
            else {"task_id": w.task.id, "worker": w.task.worker, "not_run": w.why_not}
            for w in worked
        ],
        "decisions": [
            {
                "task": o.task_id,
                "decision": o.decision,
                "text": DECISION_TEXT[o.decision],
                "reason": o.reason,
            }
            for o in report.outcomes
        ],
        "comments": {str(w.number): w.comment for w in report.items if w.number is not None},
    }
