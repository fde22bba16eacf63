"""What the gate's own lint count costs (lint-fix: "no new violations and fewer than before")."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from bench.bench_proc import times
from bench.bench_table import Section, timed
from foreman.gate.base import Checkout
from foreman.gate.model import FileChange
from foreman.gate.reproduce import lint_counts

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ["ruff check --fix --exit-zero .", "ruff format ."]


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=b", "-c", "user.email=b@example.invalid", *args],
                   cwd=root, check=True, capture_output=True)  # fmt: skip


def _repo(root: Path, files: dict[str, str]) -> Checkout:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    return Checkout(root)


def section(ctx: object) -> Section:
    runs = 5
    s = Section("the gate's own lint count (base and base + change, in a scratch copy)")
    src = {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8")
           for p in sorted((ROOT / "src").rglob("*.py"))}  # fmt: skip
    first = next(iter(src))
    change = {first: FileChange(first, src[first] + "\nimport os\n", "100644")}
    with tempfile.TemporaryDirectory() as tmp:
        checkout = _repo(Path(tmp), src)
        counted = lint_counts(COMMANDS, change, checkout=checkout)
        stats = times(lambda: lint_counts(COMMANDS, change, checkout=checkout), runs)
    s.rows.append(timed(f"lint_counts, this repository's src/ ({len(src)} files)", stats))
    if not isinstance(counted, str):
        s.notes.append(f"src/: {len(counted[0])} violation(s) before, {len(counted[1])} after.")
    s.notes.append(
        "Two ruff check (JSON) and two ruff format --check runs, plus extracting the base:"
        " once per lint-fix bundle whose check still fails."
    )
    return s
