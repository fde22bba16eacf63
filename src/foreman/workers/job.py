"""A work job from start to bundle (``foreman work``): the task read, the config loaded, the
setup outcome and the repository's instructions taken in, the worker run, the bundle written
and the runner told. A bundle is written whatever happens (``failed`` with the reason when
the task or the config is unusable: the error is raised after it is written)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from foreman import actions
from foreman.config import find_config, load_config
from foreman.config.models import Config
from foreman.contracts import Result, Task
from foreman.errors import ForemanError, UsageError
from foreman.terminal import clean
from foreman.workers.setup_outcome import SetupStep
from foreman.workers.setup_outcome import read as read_setup
from foreman.workers.task_input import best_effort_ids, parse_task, read_task


def work(
    task: str | None,
    *,
    task_env: str,
    task_id: str | None,
    index: int | None,
    workspace: Path,
    out: Path,
    config_file: str | None,
    instructions_dir: Path | None,
    setup_outcome: str | None,
    env: Mapping[str, str],
) -> Result:
    """Run the task ``task`` names (``--task``: JSON or ``@FILE``; None: ``task_env``, the
    ``$FOREMAN_TASK``) in ``workspace``; the bundle goes to ``out``. ``env``: the process
    environment (the settings'), which the worker's child environment comes from."""
    from foreman.workers.bundle import write_bundle
    from foreman.workers.run import register_env_secrets, run_task

    register_env_secrets(env)
    text = read_task(task, task_env)
    try:
        item = parse_task(text, task_id, index)
    except UsageError as err:
        bad_id, worker = best_effort_ids(text)
        write_bundle(out, Result(task_id=bad_id, worker=worker, verdict="failed",
                                 reason=err.message), "")  # fmt: skip
        raise
    try:
        config = load_config(find_config(workspace, config_file))
    except ForemanError as err:
        write_bundle(out, Result(task_id=item.id, worker=item.worker, task=item,
                                 verdict="failed", reason=f"{err.title}: {err}"), "")  # fmt: skip
        raise
    out.mkdir(parents=True, exist_ok=True)  # exists, so the sandbox can hide it
    steps = _setup_steps(setup_outcome)
    # Read before any command runs (and from the default branch's copy in the workflow).
    instructions = _instructions(instructions_dir or workspace, config, item)
    with actions.group(f"foreman work: {item.id} ({item.worker})"):
        # Every command has returned and its process tree is gone when run_task returns;
        # none could see or write ``out`` (hidden behind an empty tmpfs).
        result, patch = run_task(item, workspace=workspace, config=config, hide=[out],
                                 setup=steps, instructions=instructions, env=env)  # fmt: skip
        write_bundle(out, result, patch)
    _report(result, out)
    return result


def _setup_steps(path: str | None) -> list[SetupStep]:
    if not path:
        return []
    steps, problem = read_setup(Path(path))
    if problem:
        actions.annotate("warning", problem, title="foreman work: setup outcome")
    return steps


def _instructions(root: Path, config: Config, task: Task) -> str:
    from foreman.config import known_workers, worker_spec
    from foreman.workers import instructions

    paths = task.allowed_paths
    if paths is None and task.worker in known_workers(config):
        paths = worker_spec(config, task.worker).allowed_paths
    text = instructions.load(root, config.instructions, paths or [])
    if config.instructions.enabled:
        where = f"from {root}" if text else f"none found in {root}"
        actions.info(f"repository instructions: {where}")
    return text


def _report(result: Result, out: Path) -> None:
    actions.set_output("verdict", result.verdict)
    actions.set_output("bundle", str(out))
    if result.verdict == "failed":
        actions.annotate("warning", f"worker {result.worker} failed: {result.reason}",
                         title="foreman work")  # fmt: skip
    files = len(result.files_changed)
    tests = ", ".join(f"{t.before}→{t.after}" for t in result.tests) or "-"
    actions.add_summary(
        f"### foreman work: {actions.md_escape(result.task_id)}\n\n"
        "| worker | verdict | files | tests | reason |\n|---|---|---|---|---|\n"
        f"| {actions.md_escape(result.worker)} | {result.verdict} | {files} | {tests}"
        f" | {actions.md_escape(result.reason or '-')} |"
    )
    if result.setup:
        actions.add_summary(actions.md_escape(result.setup))
    sandbox = result.sandbox
    if sandbox is not None:
        warning = sandbox.warning
        if warning:
            actions.annotate("warning", warning, title="foreman work: process boundary")
        line = f"⚠️ {warning}" if warning else f"commands ran in the boundary ({sandbox.detail})"
        actions.add_summary(actions.md_escape(line))


def result_text(result: Result, out: Path) -> str:
    """The result for a terminal: verdict, reason, files, tests, usage, where the bundle is."""
    u = result.usage
    lines = [
        f"foreman work: {clean(result.task_id)} ({result.worker}): {result.verdict}",
        *([f"  reason: {clean(result.reason, 300)}"] if result.reason else []),
        *([f"  title:  {clean(result.title, 120)}"] if result.title else []),
        f"  files changed: {', '.join(clean(f) for f in result.files_changed) or 'none'}",
    ]
    lines += [f"  test: {clean(t.command, 80)}: {t.before} -> {t.after}" for t in result.tests]
    if result.labels or result.comment:
        lines.append(f"  labels proposed: {', '.join(result.labels) or 'none'}")
    if result.comment:
        lines += ["  comment proposed:", *("    " + clean(x) for x in result.comment.splitlines())]
    if u.turns or u.input_tokens:
        lines.append(f"  usage: {u.turns} turns, {u.input_tokens + u.output_tokens} tokens")
    lines.append(f"  bundle: {out} (result.json, patch.diff)")
    return "\n".join(lines)
