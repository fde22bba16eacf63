"""Load the plan and every result bundle; report, never trust, what is wrong.

A bundle is a directory holding ``result.json`` and ``patch.diff`` — directly
under the bundles directory, or one level deeper as ``download-artifact``
leaves them (``foreman-bundle-<id>/...``). The task comes from the *plan*; a
bundle only says which task it answers, and must agree with it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from foreman.contracts import PATCH_FILE, RESULT_FILE, Plan, Result, Task
from foreman.errors import UsageError
from foreman.gate.patch import decode

MAX_RESULT_BYTES = 1_000_000
MAX_PATCH_BYTES = 5_000_000
MAX_BUNDLES = 200


@dataclass(frozen=True)
class Bundle:
    task: Task  # from the plan: the authority on worker, item and allowed paths
    result: Result
    patch: str  # patch.diff decoded with surrogateescape ("" when absent)
    source: str  # where it was found, relative to the bundles directory


@dataclass(frozen=True)
class Rejected:
    source: str
    task_id: str | None
    reason: str


@dataclass
class Loaded:
    bundles: list[Bundle] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    missing: list[Task] = field(default_factory=list)  # planned tasks without a bundle


def load_plan(path: str | None, env: Mapping[str, str] | None = None) -> Plan:
    """The plan from ``path``, else from ``$FOREMAN_PLAN`` (JSON)."""
    env = os.environ if env is None else env
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as err:
            raise UsageError(f"cannot read the plan {path}: {err.strerror}") from None
        where = path
    elif env.get("FOREMAN_PLAN"):
        text, where = env["FOREMAN_PLAN"], "$FOREMAN_PLAN"
    else:
        raise UsageError("no plan: pass --plan FILE or set FOREMAN_PLAN to the plan JSON")
    try:
        return Plan.model_validate_json(text)
    except ValidationError as err:
        raise UsageError(f"invalid plan in {where}: {_first_error(err)}") from None


def _first_error(err: ValidationError) -> str:
    # Field path and error type only: values may be untrusted or secret.
    first = err.errors()[0]
    loc = ".".join(str(p) for p in first["loc"]) or "(top level)"
    more = f" (and {err.error_count() - 1} more)" if err.error_count() > 1 else ""
    return f"{loc}: {first['type']}{more}"


def _candidates(root: Path) -> list[Path]:
    dirs = [root]
    for child in sorted(root.iterdir()):
        if child.is_dir() and not child.is_symlink():
            dirs.append(child)
            dirs += sorted(s for s in child.iterdir() if s.is_dir() and not s.is_symlink())
    return [d for d in dirs if (d / RESULT_FILE).exists() or (d / PATCH_FILE).exists()]


def _read(path: Path, limit: int) -> bytes:
    if path.is_symlink() or not path.is_file():
        raise ValueError(f"{path.name} is not a regular file")
    if path.stat().st_size > limit:
        raise ValueError(f"{path.name} is larger than {limit} bytes")
    return path.read_bytes()


def _claimed_task(d: Path, tasks: Mapping[str, Task]) -> str | None:
    """The planned task an invalid result.json names, so the report can say whose it was."""
    try:
        data = json.loads(_read(d / RESULT_FILE, MAX_RESULT_BYTES))
    except (ValueError, OSError):
        return None
    claimed = data.get("task_id") if isinstance(data, dict) else None
    return claimed if isinstance(claimed, str) and claimed in tasks else None


def load_bundles(directory: str | Path, plan: Plan) -> Loaded:
    root = Path(directory)
    tasks = {t.id: t for t in plan.tasks}
    out = Loaded()
    seen: set[str] = set()
    # No directory at all (no worker uploaded anything): every task is reported missing.
    for d in _candidates(root)[:MAX_BUNDLES] if root.is_dir() else []:
        source = str(d.relative_to(root)) if d != root else "."
        try:
            result = Result.model_validate_json(_read(d / RESULT_FILE, MAX_RESULT_BYTES))
        except FileNotFoundError:
            out.rejected.append(Rejected(source, None, "no result.json"))
            continue
        except ValueError as err:  # ValidationError is a ValueError
            reason = (
                f"invalid result.json: {_first_error(err)}"
                if isinstance(err, ValidationError)
                else str(err)
            )
            out.rejected.append(Rejected(source, _claimed_task(d, tasks), reason))
            continue
        task = tasks.get(result.task_id)
        problem = None
        if task is None:
            problem = "its task is not in the plan"
        elif result.worker != task.worker:
            problem = f"it claims worker '{result.worker}' but the plan says '{task.worker}'"
        elif result.task_id in seen:
            problem = "a second bundle for the same task"
        patch = ""
        if problem is None and (d / PATCH_FILE).exists():
            try:
                patch = decode(_read(d / PATCH_FILE, MAX_PATCH_BYTES))
            except ValueError as err:
                problem = str(err)
        if problem is not None or task is None:
            out.rejected.append(Rejected(source, result.task_id, problem or "unknown task"))
            continue
        seen.add(result.task_id)
        out.bundles.append(Bundle(task, result, patch, source))
    rejected = {r.task_id for r in out.rejected}
    out.missing = [t for t in plan.tasks if t.id not in seen and t.id not in rejected]
    return out
