"""The workspace snapshot: the diff sees every change, even ones git's stat cache could miss."""

from __future__ import annotations

import os
import time
from pathlib import Path

from foreman.workers.snapshot import Snapshot
from tests.support.sample_repos import git, make_repo


def test_same_size_edit_with_the_same_mtime_is_seen(tmp_path: Path) -> None:
    """The racy-git case: same size, same inode, same mtime second as the index entry."""
    past = time.time_ns() - 100 * 10**9
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "calc.py").write_text("return a - b\n")
    os.utime(repo / "calc.py", ns=(past, past))
    make_repo(repo, {})
    os.utime(repo / ".git/index", ns=(past, past))  # index written "in the same second"
    snap = Snapshot.take(repo)
    (repo / "calc.py").write_text("return a + b\n")
    os.utime(repo / "calc.py", ns=(past, past))
    changes = snap.changes()
    snap.cleanup()
    assert changes.files == ["calc.py"]
    assert "+return a + b" in changes.patch


def test_snapshot_never_touches_the_index_or_head(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"a.txt": "a\n"})
    head = git(repo, "rev-parse", "HEAD")
    snap = Snapshot.take(repo)
    (repo / "a.txt").write_text("b\n")
    (repo / "new.txt").write_text("n\n")
    assert sorted(snap.changes().files) == ["a.txt", "new.txt"]
    snap.cleanup()
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "diff", "--cached", "--name-only") == ""  # nothing staged


def test_ignored_and_bytecode_files_are_not_changes(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {".gitignore": "build/\n", "a.py": "x = 1\n"})
    snap = Snapshot.take(repo)
    (repo / "build").mkdir()
    (repo / "build/out.txt").write_text("artefact\n")
    (repo / "__pycache__").mkdir()
    (repo / "__pycache__/a.cpython-311.pyc").write_bytes(b"\x00pyc")
    assert snap.changes().files == []
    snap.cleanup()
