"""The fence around a worker's checkout: which paths it may read, and which it may write.

Reads resolve inside the workspace only: absolute paths, ``..``, symlinks (in
any component) and anything under ``.git`` are refused. Writes must also match
the worker's allowed paths (``**`` globs, :mod:`foreman.paths`) and must not
touch a protected path unless the config lets this worker do so.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from foreman.paths import matches_any


class PathRefused(ValueError):
    """A path the worker may not use; the message is meant for the model."""


@dataclass(frozen=True)
class Fence:
    root: Path  # resolved workspace directory
    allowed: tuple[str, ...]  # globs the worker may write
    protected: tuple[str, ...] = ()  # globs never written (unless ``protected_ok``)
    protected_ok: bool = False
    narrowed: tuple[str, ...] | None = None  # the task's own allowed paths, if any

    @classmethod
    def make(
        cls,
        root: Path,
        allowed: Sequence[str],
        *,
        protected: Sequence[str] = (),
        protected_ok: bool = False,
        narrowed: Sequence[str] | None = None,
    ) -> Fence:
        return cls(
            root=Path(os.path.realpath(root)),
            allowed=tuple(allowed),
            protected=tuple(protected),
            protected_ok=protected_ok,
            narrowed=tuple(narrowed) if narrowed is not None else None,
        )

    def relative(self, path: str) -> str:
        """The normalised repo-relative form of ``path``, or :class:`PathRefused`."""
        if not isinstance(path, str) or not path.strip():
            raise PathRefused("a path is required (repository-relative, e.g. 'src/app.py')")
        if "\x00" in path:
            raise PathRefused("path contains a NUL byte")
        raw = path.strip().replace("\\", "/")
        if raw.startswith(("/", "~")) or (len(raw) > 1 and raw[1] == ":"):
            raise PathRefused(
                f"'{path}' is absolute; only paths inside the repository checkout are allowed"
            )
        parts = [p for p in PurePosixPath(raw).parts if p not in ("", ".")]
        if ".." in parts:
            raise PathRefused(f"'{path}' leaves the repository ('..' is not allowed)")
        if any(p == ".git" for p in parts):
            raise PathRefused(f"'{path}' is inside .git, which workers may not touch")
        return "/".join(parts) or "."

    def resolve(self, path: str) -> tuple[str, Path]:
        """``(relative, absolute)`` for a path inside the workspace, through no symlink."""
        rel = self.relative(path)
        current = self.root
        if rel != ".":
            for part in rel.split("/"):
                current = current / part
                if current.is_symlink():
                    raise PathRefused(f"'{path}' goes through a symlink; symlinks are not followed")
        real = os.path.realpath(current)
        if real != str(self.root) and not real.startswith(str(self.root) + os.sep):
            raise PathRefused(f"'{path}' resolves outside the repository")
        return rel, current

    def why_not_writable(self, rel: str) -> str | None:
        """``None`` when the worker may write ``rel``, else the reason (for the model)."""
        if rel == "." or not matches_any(rel, self.allowed):
            shown = ", ".join(self.allowed) or "(none: this worker changes no files)"
            return f"'{rel}' is outside this worker's allowed paths: {shown}"
        if self.narrowed is not None and not matches_any(rel, self.narrowed):
            return f"'{rel}' is outside this task's allowed paths: {', '.join(self.narrowed)}"
        if not self.protected_ok and matches_any(rel, self.protected):
            return f"'{rel}' is a protected path (workflows, CODEOWNERS, foreman config)"
        return None

    def may_write(self, rel: str) -> bool:
        return self.why_not_writable(rel) is None

    def writable(self, path: str) -> tuple[str, Path]:
        rel, target = self.resolve(path)
        reason = self.why_not_writable(rel)
        if reason:
            raise PathRefused(reason)
        return rel, target
