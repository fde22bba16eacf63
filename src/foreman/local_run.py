"""``foreman run``'s pipeline on one's own machine, writing nothing to GitHub: a copy of the
workspace as the gate's checkout and every worker's start, each task's worker in its own copy
of it, and the gate in dry run (the report: :mod:`foreman.local_report`)."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from foreman.config import Config
from foreman.config.workers import worker_spec
from foreman.contracts import Plan, Result, Task
from foreman.events import Unsupported, WorkItem
from foreman.gate.model import GateReport
from foreman.settings import Settings

_SKIP = shutil.ignore_patterns(".git", ".venv", "venv", "node_modules", "__pycache__", "*.pyc",
                               ".mypy_cache", ".ruff_cache", ".pytest_cache")  # fmt: skip


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


def _files(workspace: Path) -> list[str] | None:
    """The files git would commit (tracked, and untracked but not ignored); None: not git."""
    if not (workspace / ".git").exists() or shutil.which("git") is None:
        return None
    proc = subprocess.run(
        ["git", "-c", "core.hooksPath=/dev/null", "ls-files", "-z", "-co", "--exclude-standard"],
        cwd=workspace, capture_output=True, check=False, timeout=60,
    )  # fmt: skip
    if proc.returncode != 0:
        return None
    return [p for p in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if p]


def base_copy(workspace: Path, dest: Path) -> Path:
    """A copy of the workspace as the gate's checkout and every worker's starting point."""
    files = _files(workspace)
    if files is None:
        shutil.copytree(workspace, dest, symlinks=True, ignore=_SKIP)
        return dest
    dest.mkdir(parents=True)
    for rel in files:
        src = workspace / rel
        if src.is_file() or src.is_symlink():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel, follow_symlinks=False)
    return dest


def pipeline(
    event: WorkItem | Unsupported,
    config: Config,
    config_file: str | None,
    *,
    workspace: Path,
    tmp: Path,
    keep: Path,
    settings: Settings,
) -> tuple[Plan, list[Worked], GateReport]:
    """Plan ``event`` against a copy of ``workspace``, run every task's worker, gate in dry
    run. ``tmp``: scratch space; ``keep``: where the plan and the bundles are written."""
    from foreman.routing.planner import make_plan

    base = base_copy(workspace, tmp / "base")
    offline = settings.without_github_token()  # nothing read from GitHub, no token passed on
    plan = make_plan(event, config, root=base, dry_run=True, settings=offline)
    (keep / "foreman-plan.json").write_text(plan.model_dump_json(indent=2) + "\n")
    bundles = keep / "bundles"
    bundles.mkdir(exist_ok=True)
    worked = work_all(plan, base, tmp, bundles, config, offline)
    return plan, worked, gate_dry_run(plan, bundles, base, config, config_file, offline)
