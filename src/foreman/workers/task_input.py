"""The task a work job runs, from what it was given: a bare :class:`~foreman.contracts.Task`,
a matrix entry ``{"id", "worker", "task": "<Task JSON>"}``, or a whole plan (one task picked
by id or position). Every mistake is a :class:`~foreman.errors.UsageError` naming it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from foreman import jsontext
from foreman.contracts import Task
from foreman.errors import UsageError

TASK_ENV = "FOREMAN_TASK"
_SAFE_ID = re.compile(r"[^A-Za-z0-9._-]+")


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


def read_task(arg: str | None, from_env: str) -> str:
    """The task text: ``--task`` (JSON, or ``@FILE``), else ``from_env`` (``$FOREMAN_TASK``)."""
    if arg is None:
        if not from_env.strip():
            raise UsageError(f"no task: pass --task JSON|@FILE or set {TASK_ENV}")
        return from_env
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


def best_effort_ids(text: str) -> tuple[str, str]:
    """The task id and worker an unusable task text seems to name (for its failed bundle)."""
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
