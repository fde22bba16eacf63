"""The files a patch applies to: the default-branch checkout, or a remote tree.

:class:`Checkout` reads committed content (``HEAD``) through git plumbing with
hooks and external drivers off, falling back to the working tree when
``--root`` is not a git repository. :func:`materialize` applies patches to a
reader and returns the resulting files, ready to become tree entries.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol

from foreman.gate.model import FileChange
from foreman.gate.patch import FilePatch, PatchError, apply, decode
from foreman.gate.patch_limits import Work

SUPPORTED_MODES = ("100644", "100755")
_GIT_SAFE = (
    "-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false",
    "-c", "core.quotePath=false", "-c", "color.ui=false",
)  # fmt: skip


class BaseFiles(Protocol):
    """The files at a patch's base (the checkout, or a remote tree); not the GitHub reads of
    :class:`foreman.github.reads.Reader`."""

    def read(self, path: str) -> tuple[str, str] | None:
        """``(mode, text)`` of ``path`` at the base, or ``None`` when it does not exist."""
        ...


class Checkout:
    """The gate job's checkout of the default branch (``--root``)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(os.path.realpath(root))
        self.is_git = (self.root / ".git").exists() and shutil.which("git") is not None

    def _git(self, *args: str, check: bool = True) -> bytes:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_LITERAL_PATHSPECS": "1", "LC_ALL": "C"})
        proc = subprocess.run(
            ["git", *_GIT_SAFE, "-c", f"safe.directory={self.root}", *args],
            cwd=self.root, env=env, capture_output=True, check=False, timeout=120,
        )  # fmt: skip
        if check and proc.returncode != 0:
            raise PatchError(f"git {args[0]} failed in the checkout")
        return proc.stdout

    def tree_sha(self) -> str | None:
        if not self.is_git:
            return None
        out = self._git("rev-parse", "--verify", "-q", "HEAD^{tree}", check=False)
        return out.decode().strip() or None

    def archive(self) -> bytes:
        """The committed tree (``HEAD``) as a tar archive."""
        return self._git("archive", "--format=tar", "HEAD")

    def read(self, path: str) -> tuple[str, str] | None:
        if self.is_git:
            listing = self._git("ls-tree", "-z", "HEAD", "--", path).split(b"\0")[0]
            if not listing:
                return None
            meta, _, _name = listing.partition(b"\t")
            mode, kind, sha = meta.decode().split()
            if kind != "blob":
                return ("160000" if kind == "commit" else "040000", "")
            return mode, decode(self._git("cat-file", "blob", sha))
        full = self.root / path
        if full.is_symlink():
            return ("120000", "")
        if not full.is_file():
            return ("040000", "") if full.is_dir() else None
        mode = "100755" if os.access(full, os.X_OK) else "100644"
        return mode, decode(full.read_bytes())


def materialize(
    patches: list[FilePatch],
    reader: BaseFiles,
    overlay: Mapping[str, FileChange] | None = None,
) -> dict[str, FileChange]:
    """Apply ``patches`` on ``reader`` (seen through ``overlay``, earlier changes).

    Returns the changed files (``overlay`` entries included), keyed by path.
    Raises :class:`PatchError` when a hunk does not apply or a file is not a
    regular file.
    """
    out: dict[str, FileChange] = dict(overlay or {})

    def current(path: str) -> tuple[str, str] | None:
        if path in out:
            change = out[path]
            return None if change.content is None else (change.mode, change.content)
        return reader.read(path)

    work = Work()  # one placement budget for the whole patch (S18)
    for fp in patches:
        if fp.new_path and fp.new_path != fp.old_path:
            blocker = file_in_the_way(fp.new_path, current, out)
            if blocker is not None:
                raise PatchError(blocker)
        src = fp.old_path
        base = current(src) if src else None
        if base is not None and base[0] not in SUPPORTED_MODES:
            raise PatchError(f"{src}: not a regular file (mode {base[0]})")
        if fp.new_path and fp.new_path != src and current(fp.new_path) is not None:
            raise PatchError(f"{fp.new_path}: already exists")
        text = apply(base[1] if base else None, fp, work=work)
        if src and fp.new_path != src:
            out[src] = FileChange(src, None)
        if fp.new_path and text is not None:
            mode = fp.new_mode or (base[0] if base else "100644")
            if mode not in SUPPORTED_MODES:
                raise PatchError(f"{fp.new_path}: mode {mode} is not supported")
            out[fp.new_path] = FileChange(fp.new_path, text, mode)
    return dict(sorted(out.items()))


def file_in_the_way(
    path: str,
    current: Callable[[str], tuple[str, str] | None],
    changed: Mapping[str, FileChange],
) -> str | None:
    """Why ``path`` cannot be a new file: a parent is a file, or changed files lie under it.

    git trees hold a name once, as a file or as a folder: ``CODEOWNERS/a.md`` cannot
    exist next to the file ``CODEOWNERS`` (GitHub refuses such a tree with a 422).
    """
    parts = path.split("/")
    for n in range(1, len(parts)):
        parent = "/".join(parts[:n])
        found = current(parent)
        if found is not None and found[0] != "040000":
            return f"{path}: its parent {parent} is a file, not a folder"
    below = path + "/"
    if any(p.startswith(below) and c.content is not None for p, c in changed.items()):
        return f"{path}: the patch also adds files below it, as a folder"
    return None


def already_applied(patches: list[FilePatch], reader: BaseFiles) -> bool:
    """True when every patch can be undone at the base: the change is already there."""
    work = Work()  # one placement budget for the whole patch (S18)
    try:
        for fp in patches:
            if fp.old_path and fp.old_path != fp.new_path and reader.read(fp.old_path):
                return False  # a deleted or renamed-away file is still there
            if fp.new_path is None:
                continue
            base = reader.read(fp.new_path)
            if base is None:
                return False
            apply(base[1], fp, reverse=True, work=work)
    except PatchError:
        return False
    return True
