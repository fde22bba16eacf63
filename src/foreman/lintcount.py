"""Lint violations as data: what ruff reports, and what a change fixed, added and left.

Shared by the ``lint-fix`` worker (its report, and whether a partial fix is
progress) and the gate (which counts again itself, on the base it writes on,
before it believes that a change fixes more than it breaks). A violation is
compared by rule, file and message, not by line: an edit above a violation moves
it without making it new.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

FIX_FLAGS = frozenset(
    {"--fix", "--exit-zero", "--unsafe-fixes", "--fix-only", "--write", "--no-fix", "--diff",
     "--watch", "--show-fixes", "--statistics"}
)  # fmt: skip
FORMAT_RULE = "format"
WOULD_REFORMAT = "Would reformat: "


@dataclass(frozen=True, order=True)
class Violation:
    path: str
    line: int
    code: str
    message: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.code, self.path, self.message)

    def describe(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{self.code} {where}: {self.message}"


@dataclass(frozen=True)
class LintChange:
    fixed: list[Violation]  # in ``before``, gone from ``after``
    new: list[Violation]  # in ``after`` with no match in ``before``
    remaining: list[Violation]  # in both

    @property
    def better(self) -> bool:
        """No new violation and fewer than before."""
        return not self.new and bool(self.fixed)


def compare(before: list[Violation], after: list[Violation]) -> LintChange:
    left = Counter(v.key for v in before)
    new, remaining = [], []
    for v in sorted(after):
        if left[v.key] > 0:
            left[v.key] -= 1
            remaining.append(v)
        else:
            new.append(v)
    fixed = []
    for v in sorted(before, reverse=True):  # the last ones of a key are the fixed ones
        if left[v.key] > 0:
            left[v.key] -= 1
            fixed.append(v)
    return LintChange(sorted(fixed), new, remaining)


def counting_args(args: list[str]) -> list[str] | None:
    """A ruff subcommand's arguments (``check ...`` / ``format ...``, no executable) rewritten
    to report without fixing: ``check`` as JSON, ``format`` as ``--check``. ``None`` for
    anything else."""
    if not args or args[0] not in ("check", "format"):
        return None
    rest = [a for a in args[1:] if a not in FIX_FLAGS and not a.startswith("--output-format")]
    if args[0] == "check":
        return ["check", "--no-cache", "--exit-zero", "--output-format", "json", *rest]
    return ["format", "--no-cache", "--check", *[a for a in rest if a != "--check"]]


def _relative(filename: str, root: Path) -> str:
    """``filename`` relative to ``root``; a path from inside a sandbox (the checkout mounted
    elsewhere) is matched by its longest suffix that exists under ``root``."""
    path = PurePosixPath(filename)
    if not path.is_absolute():
        return path.as_posix()
    try:
        return path.relative_to(root.as_posix()).as_posix()
    except ValueError:
        pass
    parts = path.parts[1:]
    for i in range(len(parts)):
        candidate = PurePosixPath(*parts[i:])
        if (root / candidate).exists():
            return candidate.as_posix()
    return path.as_posix()


def parse_check(text: str, root: Path) -> list[Violation] | None:
    """``ruff check --output-format json`` output; ``None`` when it is not that."""
    start = text.find("[")
    try:
        data = json.loads(text[start:]) if start >= 0 else None
    except ValueError:
        return None
    if not isinstance(data, list):
        return None
    found = []
    for item in data:
        if not isinstance(item, dict):
            return None
        location = item.get("location") or {}
        found.append(
            Violation(
                path=_relative(str(item.get("filename", "")), root),
                line=int(location.get("row") or 0),
                code=str(item.get("code") or "syntax"),
                message=str(item.get("message", "")),
            )
        )
    return sorted(found)


def parse_format(text: str, root: Path) -> list[Violation]:
    """``ruff format --check`` output: one violation per file it would reformat."""
    return sorted(
        Violation(
            _relative(line[len(WOULD_REFORMAT) :].strip(), root),
            0,
            FORMAT_RULE,
            "would be reformatted",
        )
        for line in text.splitlines()
        if line.startswith(WOULD_REFORMAT)
    )


def listing(violations: list[Violation], limit: int = 50) -> list[str]:
    shown = [f"- {v.describe()}" for v in violations[:limit]]
    if len(violations) > limit:
        shown.append(f"- ... and {len(violations) - limit} more")
    return shown
