"""Load the plan and every result bundle; report, never trust, what is wrong.

A bundle is the artifact ``foreman-bundle-<task id>`` as ``download-artifact``
leaves it: a folder of that name holding ``result.json`` and ``patch.diff``
and nothing else. The artifact's name binds it to its task: the workflow
names it after the matrix entry, so a worker cannot choose it. Anything else
(other files or folders, in the bundles directory or in an artifact) is
refused and listed, never read; an artifact that holds anything else is
refused as a whole. The task comes from the *plan*; ``result.json`` must name
the task of its folder, and a task claimed by two bundles gets neither.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
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
PREFIX = "foreman-bundle-"
TASK_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
MAX_LISTED = 20  # extra files named per artifact


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


def load_plan(path: str | None, inline: str = "") -> Plan:
    """The plan from ``path``, else from ``inline`` (``$FOREMAN_PLAN``, JSON)."""
    text: str | bytes
    if path:
        try:
            text = Path(path).read_bytes()
        except OSError as err:
            raise UsageError(f"cannot read the plan {path}: {err.strerror}") from None
        where = path
    elif inline:
        text, where = inline, "$FOREMAN_PLAN"
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


def _extras(folder: Path) -> list[str]:
    """Everything in an artifact folder besides its two files (at most MAX_LISTED + 1)."""
    out: list[str] = []

    def walk(d: Path, prefix: str) -> Iterator[str]:
        for child in sorted(d.iterdir()):
            name = prefix + child.name
            if prefix or child.name not in (RESULT_FILE, PATCH_FILE):
                yield name + ("/" if child.is_dir() and not child.is_symlink() else "")
            if child.is_dir() and not child.is_symlink():
                yield from walk(child, name + "/")

    for name in walk(folder, ""):
        out.append(name)
        if len(out) > MAX_LISTED:
            break
    return out


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
    claims: dict[str, list[str]] = {}  # task id -> the folders that claim it
    # No directory at all (no worker uploaded anything): every task is reported missing.
    entries = sorted(root.iterdir()) if root.is_dir() else []
    for entry in entries[:MAX_BUNDLES]:
        folder_id = entry.name.removeprefix(PREFIX)
        if (
            not entry.name.startswith(PREFIX)
            or not TASK_ID.fullmatch(folder_id)
            or entry.is_symlink()
            or not entry.is_dir()
        ):
            out.rejected.append(Rejected(entry.name, None, f"not a bundle: {NOT_A_BUNDLE}"))
            continue
        for claimed in _load_one(entry, folder_id, tasks, out):
            claims.setdefault(claimed, []).append(entry.name)
    if len(entries) > MAX_BUNDLES:
        more = len(entries) - MAX_BUNDLES
        out.rejected.append(Rejected("...", None, f"{more} more entries, not read"))
    _refuse_contested(out, claims)
    seen = {b.task.id for b in out.bundles}
    rejected = {r.task_id for r in out.rejected}
    out.missing = [t for t in plan.tasks if t.id not in seen and t.id not in rejected]
    return out


NOT_A_BUNDLE = "the gate reads only foreman-bundle-<task id>/ folders"


def _load_one(d: Path, folder_id: str, tasks: Mapping[str, Task], out: Loaded) -> list[str]:
    """Load the artifact ``d`` into ``out``; returns the task ids it claims."""
    source, own = d.name, folder_id if folder_id in tasks else None
    extras = _extras(d)
    if extras:
        shown = ", ".join(extras[:MAX_LISTED]) + (" and more" if len(extras) > MAX_LISTED else "")
        reason = f"the artifact holds more than {RESULT_FILE} and {PATCH_FILE}: {shown}"
        out.rejected.append(Rejected(source, own, reason))
        return [folder_id]
    try:
        result = _result(d, tasks)
    except _Invalid as bad:
        out.rejected.append(Rejected(source, own, bad.reason))
        return [folder_id]
    task = tasks.get(folder_id)
    problem = None
    if result.task_id != folder_id:
        problem = f"its result.json answers task '{result.task_id}', not its folder's task"
    elif task is None:
        problem = "its task is not in the plan"
    elif result.worker != task.worker:
        problem = f"it claims worker '{result.worker}' but the plan says '{task.worker}'"
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
        out.rejected.append(Rejected(source, own, problem or "unknown task"))
        return list(dict.fromkeys([folder_id, result.task_id]))
    out.bundles.append(Bundle(task, result, patch, source))
    return [folder_id]


def _refuse_contested(out: Loaded, claims: Mapping[str, list[str]]) -> None:
    """A task that two bundles claim gets neither (the gate cannot tell which is honest)."""
    for task_id, sources in claims.items():
        if len(sources) < 2:
            continue
        why = f"{len(sources)} bundles claim this task ({', '.join(sources)}): neither is used"
        for b in [b for b in out.bundles if b.task.id == task_id]:
            out.bundles.remove(b)
            out.rejected.append(Rejected(b.source, task_id, why))
