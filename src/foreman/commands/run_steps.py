"""The steps of ``foreman run`` after the plan: each worker in its own copy, the gate's dry
run, and the report (text for a terminal, JSON for scripts)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from foreman.config import Config
from foreman.config.workers import worker_spec
from foreman.contracts import Plan, Result, Task
from foreman.gate.model import DECISION_TEXT, GateReport
from foreman.settings import Settings


@dataclass
class Worked:
    task: Task
    result: Result | None  # None: not run
    bundle: Path | None
    why_not: str = ""


def work_all(
    plan: Plan, base: Path, tmp: Path, bundles: Path, config: Config, settings: Settings
) -> list[Worked]:
    """Run every task's worker in its own copy of ``base``; bundles go to ``bundles``."""
    from foreman.workers.bundle import write_bundle
    from foreman.workers.run import run_task

    has_key = settings.llm.api_key is not None
    out: list[Worked] = []
    for n, task in enumerate(plan.tasks):
        if worker_spec(config, task.worker).kind == "agent" and not has_key:
            why = f"{task.worker} is an agent worker: set ANTHROPIC_API_KEY to run it"
            out.append(Worked(task, None, None, why))
            continue
        copy = tmp / f"work-{n}"
        shutil.copytree(base, copy, symlinks=True)
        try:
            result, patch = run_task(task, workspace=copy, config=config, env=settings.environ)
        finally:
            shutil.rmtree(copy, ignore_errors=True)
        folder = bundles / f"foreman-bundle-{task.id}"
        write_bundle(folder, result, patch)
        out.append(Worked(task, result, folder))
    return out


def gate_dry_run(
    plan: Plan,
    bundles: Path,
    base: Path,
    config: Config,
    config_file: str | None,
    settings: Settings,
) -> GateReport:
    from foreman.gate.model import GateOptions
    from foreman.gate.run import run_gate

    options = GateOptions(
        plan=plan, bundles=bundles, root=base, config=config, config_file=config_file,
        dry_run=True, token=None, api_key=settings.llm.api_key, repo=plan.repo, throttle=False,
        prs_run_ci=False, env=settings.environ,
    )  # fmt: skip
    return run_gate(options)


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
