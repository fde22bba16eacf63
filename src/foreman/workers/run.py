"""Run one task end to end: snapshot, worker, diff, review; always a :class:`Result`.

Nothing here raises for a worker's sake: a limit becomes ``needs_human``, an
API or tool failure ``failed``, a bug ``failed`` with its (redacted) reason.
A ``failed`` or ``no_change`` bundle carries no patch, so nothing half-done
can be applied.
"""

from __future__ import annotations

import re
import time
import traceback
from collections.abc import Iterable, Mapping
from pathlib import Path

from foreman import actions
from foreman.config import Config, WorkerSpec, known_workers, worker_spec
from foreman.contracts import Result, SandboxInfo, Task, Usage
from foreman.errors import ForemanError, LimitExceeded
from foreman.secrets import env_secrets
from foreman.workers import boundary as boundaries
from foreman.workers.context import WorkContext, WorkerOutcome
from foreman.workers.own_secrets import check_own_output, held_secrets
from foreman.workers.prompts import clip
from foreman.workers.registry import resolve
from foreman.workers.review import review_patch
from foreman.workers.setup_outcome import SetupStep, failure, summary
from foreman.workers.snapshot import Snapshot

TITLE_PREFIX = {
    "lint-fix": "Fix lint",
    "debug": "Fix",
    "ci-fix": "Fix CI",
    "docs": "Docs",
    "refactor": "Refactor",
    "infra": "Infra",
    "triage": "Triage",
    "review": "Review",
}
MAX_TITLE = 100
MAX_BODY = 30_000  # a PR body holds 65536 characters; leave room for the gate's own text
MAX_REASON = 2_000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def draft_title(task: Task, worker: str) -> str:
    subject = task.item.title or next((ln for ln in task.brief.splitlines() if ln.strip()), "")
    subject = _CONTROL.sub(" ", subject).strip() or task.id
    title = f"{TITLE_PREFIX.get(worker, worker)}: {subject}"
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1] + "…"


def register_env_secrets(env: Mapping[str, str]) -> None:
    """Treat every secret-looking environment value as a secret for redaction."""
    for value in sorted(env_secrets(env)):
        actions.register_secret(value)


def _guarded_run(ctx: WorkContext) -> WorkerOutcome:
    try:
        return resolve(ctx.spec).run(ctx)
    except LimitExceeded as err:
        return WorkerOutcome(verdict="needs_human", reason=f"{err.title}: {err.message}")
    except ForemanError as err:
        return WorkerOutcome(verdict="failed", reason=f"{err.title}: {err.message}")
    except Exception as err:  # a bug in a worker: still a bundle
        actions.log_block(traceback.format_exc())
        return WorkerOutcome(
            verdict="failed", reason=f"internal error: {type(err).__name__}: {err}"
        )


def runs_commands(spec: WorkerSpec, config: Config) -> bool:
    """Whether this worker can start a process (its commands, the repo's test command)."""
    if spec.kind == "command" or spec.commands:
        return True
    return spec.kind == "agent" and bool(config.test.command)


def _boundary(ctx: WorkContext, hide: Iterable[Path]) -> str | None:
    """Set up the run's process boundary; the reason to stop when it cannot be had."""
    spec = ctx.spec
    ctx.boundary = boundaries.prepare(
        enabled=spec.sandbox, network=spec.network, env=ctx.env, workspace=ctx.root, hide=hide
    )
    b = ctx.boundary
    if b.mode == "off":
        actions.info(f"worker {spec.name}: commands run WITHOUT the process boundary")
    if b.mode != "unavailable":
        return None
    return (
        f"the process boundary cannot be set up on this runner: {b.detail}. No command was run."
        " Install bubblewrap (the action's sandbox step does it on GitHub-hosted Ubuntu runners)"
        f" or set `sandbox: false` for worker '{spec.name}' to run its commands unboxed."
    )


def _evidence(outcome: WorkerOutcome) -> str:
    if not outcome.tests:
        return ""
    rows = [f"- `{t.command}`: before {t.before}, after {t.after}" for t in outcome.tests]
    return "Checks run by the worker:\n\n" + "\n".join(rows)


def run_task(
    task: Task,
    *,
    workspace: Path,
    config: Config,
    env: Mapping[str, str] | None = None,
    spec: WorkerSpec | None = None,
    hide: Iterable[Path] = (),
    setup: Iterable[SetupStep] = (),
    instructions: str = "",
) -> tuple[Result, str]:
    """Run ``task`` in ``workspace``; returns the result and the patch (not yet redacted), or
    a ``failed`` result and no patch when they hold a secret of this process. ``env``: the
    process environment (the command's settings); the child environment and the secrets to
    look for come from it."""
    started = time.monotonic()
    environ = dict(actions.current().environ if env is None else env)
    register_env_secrets(environ)
    spec = spec or worker_spec(config, task.worker)
    result = Result(task_id=task.id, worker=task.worker, task=task, verdict="failed")
    if task.worker not in known_workers(config):
        result.reason = f"unknown or disabled worker '{task.worker}'"
        return result, ""
    try:
        snapshot = Snapshot.take(workspace)
    except ForemanError as err:
        result.reason = f"{err.title}: {err.message}"
        return result, ""
    ctx = WorkContext(task, spec, config, snapshot, environ, started=started)
    ctx.instructions = instructions
    steps = list(setup)
    result.setup = summary(steps)[:600]
    try:
        stop = _boundary(ctx, hide) if runs_commands(spec, config) else None
        if stop is None and runs_commands(spec, config):
            stop = failure(steps)  # never a reproduction in a broken environment
        if runs_commands(spec, config):
            b = ctx.boundary
            result.sandbox = SandboxInfo(mode=b.mode, network=b.network, detail=b.detail[:2000])
        # S07: when the boundary is missing, no command runs at all
        outcome = WorkerOutcome(verdict="needs_human", reason=stop) if stop else _guarded_run(ctx)
        patch = _finish(ctx, outcome, result)
    finally:
        snapshot.cleanup()
    result.usage = Usage(
        turns=ctx.meter.turns,
        requests=ctx.meter.llm.requests,
        input_tokens=ctx.meter.llm.total_input_tokens,
        output_tokens=ctx.meter.llm.output_tokens,
        seconds=round(time.monotonic() - started, 3),
    )
    return check_own_output(result, patch, held_secrets(environ))


def _finish(ctx: WorkContext, outcome: WorkerOutcome, result: Result) -> str:
    notes: list[str] = []
    patch, files = "", []
    if outcome.verdict not in ("failed", "no_change"):
        try:
            changes = ctx.changes()
        except ForemanError as err:
            outcome = WorkerOutcome(verdict="failed", reason=f"{err.title}: {err.message}")
        else:
            patch, files = changes.patch, changes.files
            if changes.dropped:
                notes.append(
                    "Left out of the patch (outside this worker's allowed paths): "
                    + ", ".join(f"`{p}`" for p in changes.dropped[:20])
                )
    if outcome.verdict == "proposed" and ctx.spec.writes_code and not files:
        outcome.verdict, outcome.reason = "no_change", outcome.reason or "nothing changed"
    wants_review = ctx.spec.review or ctx.task.review
    if outcome.verdict == "proposed" and patch and wants_review and ctx.spec.kind != "review":
        review, why = review_patch(ctx, actions.redact(patch))
        outcome.review = review
        if why:
            notes.append(why)
    body = "\n\n".join(p for p in (outcome.body.strip(), _evidence(outcome), *notes) if p)
    result.verdict = outcome.verdict
    result.reason = clip(outcome.reason, MAX_REASON)
    result.title = outcome.title or draft_title(ctx.task, ctx.spec.name)
    result.body = clip(body, MAX_BODY)
    result.files_changed = files
    result.base_sha = ctx.snapshot.base_sha
    result.fixes_issue = outcome.fixes_issue and outcome.verdict == "proposed"
    result.tests = outcome.tests
    result.review = outcome.review
    result.confidence = outcome.confidence
    result.labels = outcome.labels
    result.comment = outcome.comment
    result.duplicates = outcome.duplicates
    why = f" ({result.reason})" if result.reason else ""
    actions.info(f"worker {ctx.spec.name}: {result.verdict}{why}")
    return patch if outcome.verdict not in ("failed", "no_change") else ""
