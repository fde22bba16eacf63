"""Load the plan and every result bundle; report, never trust, what is wrong.

A bundle is a directory holding ``result.json`` and ``patch.diff`` — directly
under the bundles directory, or one level deeper as ``download-artifact``
leaves them (``foreman-bundle-<id>/...``). The task comes from the *plan*; a
bundle only says which task it answers, and must agree with it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from foreman import jsontext
from foreman.contracts import PATCH_FILE, RESULT_FILE, SCHEMA_VERSION, Plan, Result, Task
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
    text: str | bytes
    if path:
        try:
            text = Path(path).read_bytes()
        except OSError as err:
            raise UsageError(f"cannot read the plan {path}: {err.strerror}") from None
        where = path
    elif env.get("FOREMAN_PLAN"):
        text, where = env["FOREMAN_PLAN"], "$FOREMAN_PLAN"
    else:
        raise UsageError("no plan: pass --plan FILE or set FOREMAN_PLAN to the plan JSON")
    try:
        data = jsontext.parse(text)
    except ValueError as err:
        raise UsageError(f"invalid plan in {where}: {err}") from None
    if not isinstance(data, dict):
        raise UsageError(f"invalid plan in {where}: the plan must be a JSON object")
    if wrong := _wrong_version(data, "plan"):
        raise UsageError(
            f"invalid plan in {where}: {wrong} (plan and gate must come from the same foreman)"
        )
    try:
        return Plan.model_validate(data)
    except ValidationError as err:
        raise UsageError(f"invalid plan in {where}: {_first_error(err)}") from None


def _wrong_version(data: object, what: str) -> str | None:
    """Why a plan's or result's ``version`` is not the one this gate reads (absent means it)."""
    version = data.get("version", SCHEMA_VERSION) if isinstance(data, dict) else SCHEMA_VERSION
    if type(version) is int and version == SCHEMA_VERSION:
        return None
    return f"key 'version' is {_shown(version)}; this gate reads {what} version {SCHEMA_VERSION}"


def _shown(value: object) -> str:
    """A version as the file has it, for a message: a short number, else only its JSON type."""
    if type(value) in (int, float) and len(repr(value)) <= 20:
        return repr(value)
    names = {str: "a string", bool: "a boolean", list: "a list", dict: "an object"}
    return "null" if value is None else names.get(type(value), "a long number")


def check_bundles_dir(directory: str | Path) -> None:
    """A ``--bundles`` path that exists must be a directory; a missing one means no bundles."""
    path = Path(directory)
    if (path.exists() or path.is_symlink()) and not path.is_dir():
        raise UsageError(
            f"--bundles {directory} is not a directory (give the directory the result "
            "bundles were downloaded to)"
        )


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
    if not path.is_symlink() and not path.exists():
        raise FileNotFoundError(path.name)
    if path.is_symlink() or not path.is_file():
        raise ValueError(f"{path.name} is not a regular file")
    if path.stat().st_size > limit:
        raise ValueError(f"{path.name} is larger than {limit} bytes")
    return path.read_bytes()


class _Invalid(Exception):
    def __init__(self, reason: str, task_id: str | None = None) -> None:
        super().__init__(reason)
        self.reason, self.task_id = reason, task_id


def _result(d: Path, tasks: Mapping[str, Task]) -> Result:
    """The bundle's ``result.json``, else :class:`_Invalid` with the planned task it claims."""
    try:
        raw = _read(d / RESULT_FILE, MAX_RESULT_BYTES)
    except FileNotFoundError:
        raise _Invalid("no result.json") from None
    except OSError as err:
        raise _Invalid(f"cannot read result.json: {err.strerror}") from None
    except ValueError as err:
        raise _Invalid(str(err)) from None
    try:
        data = jsontext.parse(raw)
    except ValueError as err:  # not JSON, not UTF-8, nested too deeply
        raise _Invalid(f"invalid result.json: {err}") from None
    claimed = data.get("task_id") if isinstance(data, dict) else None
    task_id = claimed if isinstance(claimed, str) and claimed in tasks else None
    if wrong := _wrong_version(data, "result"):
        raise _Invalid(f"invalid result.json: {wrong}", task_id)
    try:
        return Result.model_validate(data)
    except ValidationError as err:
        raise _Invalid(f"invalid result.json: {_first_error(err)}", task_id) from None


def _claims_files_without_patch(result: Result, patch: str) -> bool:
    # The policy would read "proposed, no patch" as "no change": it is a broken bundle.
    return result.verdict == "proposed" and bool(result.files_changed) and not patch.strip()


def load_bundles(directory: str | Path, plan: Plan) -> Loaded:
    check_bundles_dir(directory)
    root = Path(directory)
    tasks = {t.id: t for t in plan.tasks}
    out = Loaded()
    seen: set[str] = set()
    # No directory at all (no worker uploaded anything): every task is reported missing.
    for d in _candidates(root)[:MAX_BUNDLES] if root.is_dir() else []:
        source = str(d.relative_to(root)) if d != root else "."
        try:
            result = _result(d, tasks)
        except _Invalid as bad:
            out.rejected.append(Rejected(source, bad.task_id, bad.reason))
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
            except OSError as err:
                problem = f"cannot read patch.diff: {err.strerror}"
        if problem is None and _claims_files_without_patch(result, patch):
            what = "an empty patch.diff" if (d / PATCH_FILE).exists() else "no patch.diff"
            problem = f"it says it changed {len(result.files_changed)} file(s) but has {what}"
        if problem is not None or task is None:
            out.rejected.append(Rejected(source, result.task_id, problem or "unknown task"))
            continue
        seen.add(result.task_id)
        out.bundles.append(Bundle(task, result, patch, source))
    rejected = {r.task_id for r in out.rejected}
    out.missing = [t for t in plan.tasks if t.id not in seen and t.id not in rejected]
    return out
