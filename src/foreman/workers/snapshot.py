"""The workspace's starting state, and the diff of everything a worker changed since.

The starting state is a git *tree* written through a throw-away index, so the
user's index and HEAD are never touched and uncommitted files present at the
start are not counted as the worker's changes. A directory that is not a git
repository is first made one (``git init`` + a snapshot commit).

Git runs with hooks, fsmonitor, external diff drivers and textconv disabled:
a checkout's own configuration must not run code through us.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from foreman.errors import ForemanError
from foreman.workers.sandbox import scrub_env

# Neutralise checkout config that could run code or change what a diff looks like.
_GIT_SETTINGS = (
    "core.hooksPath=/dev/null",
    "core.fsmonitor=false",
    "core.quotePath=false",
    "core.trustctime=true",
    "core.checkStat=default",
    "diff.noprefix=false",
    "diff.relative=false",
    "color.ui=false",
)
_ALWAYS_IGNORED = "__pycache__/\n*.py[cod]\n.pytest_cache/\n.ruff_cache/\n.mypy_cache/\n"


class SnapshotError(ForemanError):
    title = "workspace snapshot failed"


@dataclass(frozen=True)
class Changes:
    patch: str  # binary-safe git diff; "" when nothing (kept) changed
    files: list[str]  # kept changed paths
    dropped: list[str] = field(default_factory=list)  # changed, but outside what may be written


@dataclass
class Snapshot:
    root: Path
    base_tree: str
    base_sha: str | None
    _scratch: Path
    _trees: int = 0

    @classmethod
    def take(cls, root: Path) -> Snapshot:
        root = Path(os.path.realpath(root))
        if not root.is_dir():
            raise SnapshotError(f"workspace is not a directory: {root}")
        if shutil.which("git") is None:
            raise SnapshotError("git is not installed")
        scratch = Path(tempfile.mkdtemp(prefix="foreman-snap-"))
        (scratch / "exclude").write_text(_ALWAYS_IGNORED, encoding="utf-8")
        created = not (root / ".git").exists()
        snap = cls(root, "", None, scratch)
        if created:
            snap.git("init", "-q")
            snap.git("add", "-A", ".")
            snap.git(
                "-c", "user.name=foreman", "-c", "user.email=foreman@localhost",
                "commit", "-q", "--no-verify", "--no-gpg-sign", "--allow-empty",
                "-m", "foreman: workspace snapshot",
            )  # fmt: skip
        head = snap.git("rev-parse", "--verify", "-q", "HEAD^{commit}", check=False).strip()
        snap.base_sha = head or None
        snap.base_tree = snap.write_tree()
        return snap

    def git(self, *args: str, check: bool = True, env: Mapping[str, str] | None = None) -> str:
        settings = [
            *_GIT_SETTINGS,
            f"safe.directory={self.root}",
            f"core.excludesFile={self._scratch / 'exclude'}",
        ]
        base = ["git", *(arg for kv in settings for arg in ("-c", kv))]
        child = scrub_env(os.environ)
        child.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_LITERAL_PATHSPECS": "1", "LC_ALL": "C"})
        child.update(env or {})
        proc = subprocess.run(
            [*base, *args], cwd=self.root, env=child, capture_output=True, check=False, timeout=300
        )
        if check and proc.returncode != 0:
            detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise SnapshotError(f"git {args[0]} failed: {detail[0]}")
        return proc.stdout.decode("utf-8", "surrogateescape")

    def write_tree(self) -> str:
        """The tree of the working directory as it is now (``.gitignore`` respected)."""
        self._trees += 1
        index = self._scratch / f"index-{self._trees}"
        real_index = self.root / ".git" / "index"
        if real_index.is_file():
            shutil.copy2(real_index, index)  # stat cache + mtime: racy-git checks stay valid
        env = {"GIT_INDEX_FILE": str(index)}
        if not real_index.is_file():
            self.git("read-tree", "--empty", env=env)
        self.git("add", "-A", "--", ".", env=env)
        tree = self.git("write-tree", env=env).strip()
        index.unlink(missing_ok=True)
        return tree

    def changes(self, keep: Callable[[str], bool] = lambda _rel: True) -> Changes:
        """The diff from the starting state to now, limited to paths ``keep`` accepts."""
        now = self.write_tree()
        if now == self.base_tree:
            return Changes("", [])
        names = self.git("diff", "--name-only", "-z", "--no-renames", self.base_tree, now)
        changed = [n for n in names.split("\0") if n]
        files = [n for n in changed if keep(n)]
        dropped = [n for n in changed if not keep(n)]
        if not files:
            return Changes("", [], dropped)
        patch = self.git(
            "diff", "--binary", "--full-index", "--no-renames", "--no-ext-diff", "--no-textconv",
            self.base_tree, now, "--", *files,
        )  # fmt: skip
        return Changes(patch, files, dropped)

    def cleanup(self) -> None:
        shutil.rmtree(self._scratch, ignore_errors=True)
