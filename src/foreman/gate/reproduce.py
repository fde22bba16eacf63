"""Re-run a fixer in the gate: the bundle's change is exactly ruff's, or it is not evidence.

A ``command`` worker's test results come from the job that made the patch, so
the gate does not take them on trust (S08). When every configured command is
``ruff`` (which reads code and configuration and runs none of it), the gate
runs the same commands on the base it writes on, in a scratch copy, with no
token in its environment, and compares: only a change identical to the
bundle's lets ``gate.merge.checks: worker-tests`` merge without CI. Anything
else needs the repository's green checks.
"""

from __future__ import annotations

import io
import os
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from foreman.gate.base import Checkout
from foreman.gate.model import FileChange
from foreman.gate.patch import encode
from foreman.lintcount import Violation, counting_args, parse_check, parse_format

MAX_ARCHIVE_BYTES = 200_000_000
TIMEOUT = 120.0


def ruff_commands(commands: list[str]) -> list[list[str]] | str:
    """The commands as argv lists, or why the gate will not run them (not only ruff)."""
    out: list[list[str]] = []
    for command in commands:
        for part in command.split("&&"):
            try:
                argv = shlex.split(part)
            except ValueError:
                return f"`{command}` cannot be read"
            if not argv or Path(argv[0]).name != "ruff" or len(argv) < 2:
                return f"`{part.strip()}` is not ruff (the gate runs no other tool)"
            if argv[1] not in ("check", "format"):
                return f"`{part.strip()}` is not ruff check or ruff format"
            out.append(argv[1:])
    return out or "no command is configured"


def _ruff() -> str | None:
    beside = Path(sys.executable).parent / "ruff"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("ruff")


def _originals(data: bytes, root: Path) -> dict[str, tuple[str, bytes]]:
    files: dict[str, tuple[str, bytes]] = {}
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for member in tar.getmembers():
            if member.isfile():
                extracted = tar.extractfile(member)
                body = extracted.read() if extracted is not None else b""
                files[member.name] = ("100755" if member.mode & 0o111 else "100644", body)
        tar.extractall(root, filter="data")
    return files


def reproduce(
    commands: list[str], change: dict[str, FileChange], *, checkout: Checkout
) -> str | None:
    """``None`` when ruff, run by the gate on the base, makes exactly ``change``; else why not."""
    ready = _ready(commands, checkout, "the repository is too large to re-run the fixer")
    if isinstance(ready, str):
        return ready
    argvs, ruff, data = ready
    with tempfile.TemporaryDirectory(prefix="foreman-rerun-") as tmp:
        root = Path(tmp) / "repo"
        root.mkdir()
        before = _originals(data, root)
        env = _env(tmp)
        for argv in argvs:
            try:
                subprocess.run([ruff, *argv], cwd=root, env=env, capture_output=True,
                               timeout=TIMEOUT, check=False)  # fmt: skip
            except (OSError, subprocess.TimeoutExpired) as err:
                return f"ruff {argv[0]} did not finish: {type(err).__name__}"
        return _compare(root, before, change)


def _ready(
    commands: list[str], checkout: Checkout, too_large: str
) -> tuple[list[list[str]], str, bytes] | str:
    """The ruff argvs of ``commands``, the ruff binary and the base as an archive; else why not."""
    argvs = ruff_commands(commands)
    if isinstance(argvs, str):
        return argvs
    ruff = _ruff()
    if ruff is None:
        return "ruff is not installed next to the gate"
    if not checkout.is_git:
        return "the gate's checkout is not a git repository"
    data = checkout.archive()
    if len(data) > MAX_ARCHIVE_BYTES:
        return too_large
    return argvs, ruff, data


def _env(tmp: str) -> dict[str, str]:
    return {"PATH": os.defpath, "HOME": tmp, "XDG_CONFIG_HOME": tmp, "LANG": "C.UTF-8",
            "RUFF_NO_CACHE": "true"}  # fmt: skip


def lint_counts(
    commands: list[str], change: dict[str, FileChange], *, checkout: Checkout
) -> tuple[list[Violation], list[Violation]] | str:
    """The violations ruff reports on the base, and on the base with ``change``; else why not.

    The configured fixers' checks only (``ruff check`` as JSON, ``ruff format --check``),
    run by the gate in a scratch copy with no token, as :func:`reproduce` runs the fixers.
    """
    ready = _ready(commands, checkout, "the repository is too large to run the linter")
    if isinstance(ready, str):
        return ready
    argvs, ruff, data = ready
    counting = [args for args in (counting_args(a) for a in argvs) if args is not None]
    with tempfile.TemporaryDirectory(prefix="foreman-lint-") as tmp:
        root = Path(tmp) / "repo"
        root.mkdir()
        _originals(data, root)
        before = _violations(ruff, counting, root, _env(tmp))
        for rel, c in change.items():
            target = root / rel
            if c.content is None:
                target.unlink(missing_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(encode(c.content))
        after = _violations(ruff, counting, root, _env(tmp))
    if isinstance(before, str):
        return before
    if isinstance(after, str):
        return after
    return before, after


def _violations(
    ruff: str, counting: list[list[str]], root: Path, env: dict[str, str]
) -> list[Violation] | str:
    found: list[Violation] = []
    for args in counting:
        try:
            proc = subprocess.run([ruff, *args], cwd=root, env=env, capture_output=True,
                                  timeout=TIMEOUT, check=False)  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as err:
            return f"ruff {args[0]} did not finish: {type(err).__name__}"
        text = proc.stdout.decode("utf-8", "replace")
        if args[0] == "check":
            parsed = parse_check(text, root)
            if parsed is None:
                return "ruff check gave no JSON report"
            found += parsed
        else:
            found += parse_format(text, root)
    return sorted(found)


def _compare(
    root: Path, before: dict[str, tuple[str, bytes]], change: dict[str, FileChange]
) -> str | None:
    made: dict[str, bytes | None] = {}
    seen: set[str] = set()
    for path in root.rglob("*"):
        rel = path.relative_to(root).as_posix()
        if not path.is_file() or path.is_symlink() or rel.split("/")[0] == ".ruff_cache":
            continue
        seen.add(rel)
        body = path.read_bytes()
        if rel not in before or before[rel][1] != body:
            made[rel] = body
    made.update({p: None for p in before if p not in seen and not Path(root, p).is_symlink()})
    wanted = {p: (None if c.content is None else encode(c.content)) for p, c in change.items()}
    if made != wanted:
        differ = sorted(set(made) ^ set(wanted) | {p for p in made if made[p] != wanted.get(p)})
        return f"ruff's result differs from the bundle's change: {', '.join(differ[:5])}"
    modes = [p for p, c in change.items() if p in before and c.mode != before[p][0]]
    if modes:
        return f"the bundle changes file modes ruff does not: {', '.join(modes[:5])}"
    return None
