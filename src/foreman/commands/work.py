"""``foreman work``: run one worker task against a checkout and write its result bundle.

The task comes from ``--task JSON``, ``--task @FILE`` or the ``FOREMAN_TASK``
environment variable; a bare :class:`~foreman.contracts.Task`, a matrix
entry ``{"id", "worker", "task": "<Task JSON>"}`` and a whole plan (``foreman plan
--output``, one task picked with ``--id`` or ``--index``) are accepted. A bundle
is written whatever happens to the worker (``failed`` with the reason when it
crashed); the exit code is 0 once a bundle is written, so the gate can read it.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from foreman import actions, jsontext
from foreman.commands import some_path
from foreman.config import find_config, load_config
from foreman.config.models import Config
from foreman.contracts import Result, Task
from foreman.errors import ForemanError, UsageError
from foreman.settings import Settings
from foreman.terminal import add_format_argument, chosen, clean, show
from foreman.workers.setup_outcome import SetupStep
from foreman.workers.setup_outcome import read as read_setup

TASK_ENV = "FOREMAN_TASK"
_SAFE_ID = re.compile(r"[^A-Za-z0-9._-]+")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--task", help=f"task JSON, or @FILE (default: ${TASK_ENV})")
    parser.add_argument("--workspace", default=".", help="the repository checkout (default: .)")
    parser.add_argument(
        "--out", required=True, type=bundle_dir, help="directory to write the bundle into"
    )
    parser.add_argument(
        "--config", help="config file, relative to WORKSPACE (default: .github/foreman.yml)"
    )
    pick = parser.add_mutually_exclusive_group()
    pick.add_argument("--id", help="with a plan as --task: the id of the task to run")
    pick.add_argument(
        "--index", type=int, help="with a plan as --task: the task at this position (0: first)"
    )
    parser.add_argument(
        "--instructions",
        metavar="DIR",
        help="where the repository's instructions (AGENTS.md...) are read: the default"
        " branch's copy the work job keeps outside the workspace (default: WORKSPACE)",
    )
    parser.add_argument(
        "--setup-outcome",
        metavar="FILE",
        help="the outcome the setup step wrote (JSON lines); a failed setup: needs_human",
    )
    add_format_argument(parser)


def pick_task(data: dict[str, Any], task_id: str | None, index: int | None) -> Any:
    """The task a plan's ``tasks`` holds at ``--id`` or ``--index`` (alone: its only task)."""
    tasks = [t for t in data["tasks"] if isinstance(t, dict)]
    ids = ", ".join(str(t.get("id")) for t in tasks) or "none"
    if task_id is not None:
        found = [t for t in tasks if t.get("id") == task_id]
        if len(found) != 1:
            raise UsageError(f"the plan holds no task {task_id!r} (its tasks: {ids})")
        return found[0]
    if index is not None:
        if not 0 <= index < len(tasks):
            raise UsageError(f"--index {index}: the plan holds {len(tasks)} task(s) ({ids})")
        return tasks[index]
    if len(tasks) != 1:
        raise UsageError(f"the plan holds {len(tasks)} tasks ({ids}): pick one with --id ID")
    return tasks[0]


def bundle_dir(text: str) -> str:
    """``--out``: a directory, or a path where one can be made (checked before the worker runs:
    a file there would fail only at the end)."""
    path = Path(some_path(text))
    for part in (path, *path.parents):
        if part.exists():
            if not part.is_dir():
                what = "" if part == path else f" ({part} is a file)"
                raise argparse.ArgumentTypeError(f"{text} cannot be a directory{what}")
            break
    return text


def _raw_task(arg: str | None, from_env: str) -> str:
    if arg is None:
        text = from_env
        if not text.strip():
            raise UsageError(f"no task: pass --task JSON|@FILE or set {TASK_ENV}")
        return text
    if arg.startswith("@"):
        try:
            return jsontext.decode(Path(arg[1:]).read_bytes())
        except OSError as err:
            raise UsageError(f"cannot read task file {arg[1:]}: {err.strerror}") from None
        except jsontext.NotUTF8 as err:
            raise UsageError(f"task file {arg[1:]} is {err}") from None
    return arg


def parse_task(text: str, task_id: str | None = None, index: int | None = None) -> Task:
    """A Task from its JSON, from a matrix entry whose ``task`` holds the Task JSON, or out of
    a plan (``--id``/``--index``)."""
    try:
        data: Any = jsontext.parse(text)
        if isinstance(data, dict) and isinstance(data.get("tasks"), list):
            data = pick_task(data, task_id, index)
        elif task_id is not None or index is not None:
            raise UsageError("--id and --index pick a task out of a plan; --task is not a plan")
        if isinstance(data, dict) and isinstance(data.get("task"), (str, dict)):
            outer = data
            inner = outer["task"]
            data = jsontext.parse(inner) if isinstance(inner, str) else inner
            for key in ("id", "worker"):
                if key in outer and isinstance(data, dict) and data.get(key) != outer[key]:
                    raise UsageError(f"matrix entry {key} does not match its task's {key}")
        return Task.model_validate(data)
    except ValueError as err:  # JSON and pydantic errors
        if isinstance(err, ValidationError):
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "(root)"
            raise UsageError(f"invalid task: {where}: {first['msg']}") from None
        raise UsageError(f"invalid task JSON: {err}") from None


def _best_effort_ids(text: str) -> tuple[str, str]:
    try:
        data = jsontext.parse(text)
        if isinstance(data, dict) and isinstance(data.get("task"), str):
            data = {**jsontext.parse(data["task"]), **data}
    except (ValueError, TypeError):
        data = {}
    data = data if isinstance(data, dict) else {}
    task_id = _SAFE_ID.sub("-", str(data.get("id") or "invalid-task"))[:100]
    worker = _SAFE_ID.sub("-", str(data.get("worker") or "unknown"))[:40]
    return task_id, worker


def run(args: argparse.Namespace, settings: Settings) -> int:
    from foreman.workers.bundle import write_bundle
    from foreman.workers.run import register_env_secrets, run_task

    register_env_secrets(settings.environ)
    out = Path(args.out)
    text = _raw_task(args.task, settings.foreman.task)
    try:
        task = parse_task(text, args.id, args.index)
    except UsageError as err:
        task_id, worker = _best_effort_ids(text)
        write_bundle(out, Result(task_id=task_id, worker=worker, verdict="failed",
                                 reason=err.message), "")  # fmt: skip
        raise
    workspace = Path(args.workspace)
    try:
        config = load_config(find_config(workspace, args.config or settings.foreman.config))
    except ForemanError as err:
        write_bundle(out, Result(task_id=task.id, worker=task.worker, task=task,
                                 verdict="failed", reason=f"{err.title}: {err}"), "")  # fmt: skip
        raise
    out.mkdir(parents=True, exist_ok=True)  # exists, so the sandbox can hide it
    steps = _setup_steps(args.setup_outcome)
    # Read before any command runs (and from the default branch's copy in the workflow).
    instructions = _instructions(Path(args.instructions or workspace), config, task)
    with actions.group(f"foreman work: {task.id} ({task.worker})"):
        # Every command has returned and its process tree is gone when run_task returns;
        # none could see or write ``out`` (hidden behind an empty tmpfs).
        result, patch = run_task(task, workspace=workspace, config=config, hide=[out],
                                 setup=steps, instructions=instructions,
                                 env=settings.environ)  # fmt: skip
        write_bundle(out, result, patch)
    _report(result, out)
    if chosen(args.format) == "text":
        show(result_text(result, out))
    elif not actions.in_actions():
        print(result.model_dump_json(indent=2))
    return 0


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
