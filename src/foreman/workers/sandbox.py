"""Running commands for a worker: no shell, an allow-listed environment, a timeout, a capped
output, and the process boundary (:mod:`foreman.workers.boundary`) around every command.

Every command a worker runs (the configured fixers, the repo's test command,
the agent's ``run_command`` tool) goes through :func:`run_argv`, which takes
the run's :class:`~foreman.workers.boundary.Boundary`: inside bubblewrap when it
is ``bwrap``, unboxed only when the config says ``sandbox: false``, and not at
all when the boundary is unavailable. Commands are split with :mod:`shlex` and
executed directly; shell syntax is refused rather than interpreted, so model-
or issue-supplied text can never reach a shell.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from foreman.actions import redact
from foreman.secrets import looks_secret as looks_secret  # re-exported: the env filter's test
from foreman.workers.boundary import SANDBOX_HOME, TMP, Boundary, alive_in, is_alive_in

# Shell syntax that would mean something else to a shell than to us: refused outright.
_SHELL_SYNTAX = re.compile(r"[;|&`<>\n\r]|\$\(|\$\{")
_DROPPED_PREFIXES = ("ACTIONS_", "INPUT_", "ANTHROPIC_", "FOREMAN_")
_CHILD_DEFAULTS = {
    "GIT_TERMINAL_PROMPT": "0",
    "PYTHONDONTWRITEBYTECODE": "1",
    "RUFF_NO_CACHE": "true",
    "NO_COLOR": "1",
}
MAX_OUTPUT_CHARS = 8000
# The only variables a command inherits from the job (plus LC_* and what the config declares).
_PASSED = ("PATH", "LANG", "LANGUAGE", "TZ", "TERM", "SOURCE_DATE_EPOCH")


class CommandRefused(ValueError):
    """A command string we will not run (shell syntax, unbalanced quotes, empty)."""


def scrub_env(env: Mapping[str, str]) -> dict[str, str]:
    """The environment a child process gets: no tokens, keys, runner credentials or inputs."""
    kept = {
        name: value
        for name, value in env.items()
        if not looks_secret(name) and not name.upper().startswith(_DROPPED_PREFIXES)
    }
    kept.update(_CHILD_DEFAULTS)
    return kept


def child_env(
    env: Mapping[str, str], declared: Iterable[str] = (), *, home: str = SANDBOX_HOME
) -> dict[str, str]:
    """A command's environment, built from an allow-list: never the job's variables."""
    kept = {
        name: value
        for name, value in env.items()
        if name in _PASSED or name.startswith("LC_") or name in declared
    }
    kept = {n: v for n, v in kept.items() if not looks_secret(n)}
    kept.setdefault("PATH", os.defpath)
    kept.update(_CHILD_DEFAULTS)
    kept.update({"HOME": home, "TMPDIR": TMP})
    return kept


def split_command(command: str) -> list[str]:
    """``shlex``-split a command, refusing shell syntax (``;``, ``|``, ``&&``, ``$(``, …)."""
    match = _SHELL_SYNTAX.search(command)
    if match:
        raise CommandRefused(
            f"shell syntax {match.group(0)!r} is not allowed: commands run without a shell;"
            " run one command per call"
        )
    try:
        argv = shlex.split(command)
    except ValueError as err:
        raise CommandRefused(f"cannot parse the command: {err}") from None
    if not argv:
        raise CommandRefused("empty command")
    return argv


def split_sequence(command: str) -> list[list[str]]:
    """A trusted, configured command with ``&&`` between steps, as a list of argv."""
    return [split_command(part) for part in command.split("&&")]


def resolve_executable(name: str, env: Mapping[str, str], cwd: Path) -> str | None:
    """Find ``name`` on the child's PATH, else next to the running interpreter (a venv's bin)."""
    if "/" in name:
        candidate = Path(name) if Path(name).is_absolute() else cwd / name
        return str(candidate) if candidate.is_file() else None
    found = shutil.which(name, path=env.get("PATH", os.defpath))
    if found:
        return found
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.is_file() and os.access(beside, os.X_OK) else None


@dataclass(frozen=True)
class CommandResult:
    command: str
    exit_code: int | None  # None: did not start or timed out
    output: str  # stdout+stderr tail, redacted
    timed_out: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    def describe(self) -> str:
        if self.timed_out:
            head = f"$ {self.command}\n(timed out after {self.seconds:.0f}s)"
        elif self.exit_code is None:
            head = f"$ {self.command}\n(did not start)"
        else:
            head = f"$ {self.command}\n(exit code {self.exit_code})"
        return f"{head}\n{self.output}".rstrip()


def tail(text: str, limit: int = MAX_OUTPUT_CHARS) -> str:
    if len(text) <= limit:
        return text
    return f"[... {len(text) - limit} characters cut ...]\n" + text[-limit:]


def run_argv(
    argv: list[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    timeout: float,
    boundary: Boundary,
    max_output: int = MAX_OUTPUT_CHARS,
) -> CommandResult:
    """Run ``argv`` (never through a shell) inside ``boundary``; whatever it started is gone
    when this returns (timeout: the whole tree is killed)."""
    shown = shlex.join(argv)
    if boundary.mode == "unavailable":
        return CommandResult(shown, None, f"not run: no process boundary ({boundary.detail})")
    exe = resolve_executable(argv[0], env, cwd)
    if exe is None:
        return CommandResult(shown, None, f"command not found: {argv[0]}")
    started = time.monotonic()
    boxed = boundary.mode == "bwrap"
    info_r, info_w = os.pipe() if boxed else (-1, -1)
    command = [exe, *argv[1:]]
    if boxed:
        command = boundary.wrap(command, cwd, info_fd=info_w)
    with tempfile.TemporaryFile() as sink:
        try:
            proc = subprocess.Popen(
                command,
                cwd=cwd,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                shell=False,
                pass_fds=(info_w,) if boxed else (),
            )
        except OSError as err:
            if boxed:
                os.close(info_r)
            return CommandResult(shown, None, redact(f"cannot start {argv[0]}: {err.strerror}"))
        finally:
            if boxed:
                os.close(info_w)
        sandbox = _read_namespace(info_r) if boxed else None
        timed_out = False
        try:
            proc.wait(timeout=max(0.1, timeout - (time.monotonic() - started)))
        except subprocess.TimeoutExpired:
            timed_out = True
        _kill_group(proc)
        left = _reap(sandbox)
        seconds = time.monotonic() - started
        sink.seek(0, os.SEEK_END)
        size = sink.tell()
        sink.seek(max(0, size - 4 * max_output))
        text = sink.read().decode("utf-8", errors="replace")
    if left:
        text += f"\n[foreman: killed {left} process(es) left behind by the command]"
    output = redact(tail(text, max_output))
    code = None if timed_out else proc.returncode
    return CommandResult(shown, code, output, timed_out, seconds)


def _read_namespace(fd: int) -> tuple[int, int] | None:
    """(PID namespace, host pid of its init) from bwrap's ``--info-fd`` JSON."""
    data = b""
    try:
        while len(data) < 65536 and select.select([fd], [], [], 10)[0]:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            data += chunk
    finally:
        os.close(fd)
    try:
        info = json.loads(data or b"{}")
        init = int(info["child-pid"])
        namespace = info.get("pid-namespace")
        if not isinstance(namespace, int):  # bwrap < 0.5 does not say
            namespace = Path(f"/proc/{init}/ns/pid").stat().st_ino
        return namespace, init
    except (ValueError, KeyError, TypeError, OSError):
        return None  # bwrap failed to start, or the sandbox is already gone


def _reap(sandbox: tuple[int, int] | None, grace: float = 5.0) -> int:
    """Make sure nothing of the sandbox can still run: kill every live process of its PID
    namespace but its init, then wait for the init (whose exit kills the rest). Returns how
    many processes the command had left behind."""
    if sandbox is None:
        return 0
    namespace, init = sandbox
    # The sandbox's init exits right after the command; the kernel has killed and reaped the
    # rest of its namespace before the init itself is gone, so that is usually all to check.
    for _ in range(100):
        if not is_alive_in(Path(f"/proc/{init}"), namespace):
            return 0
        time.sleep(0.001)
    left: set[int] = set()
    until = time.monotonic() + grace
    while live := alive_in(namespace):
        others = [pid for pid in live if pid != init]
        left.update(others)
        for pid in others if time.monotonic() < until else live:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.001)
    return len(left)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the process group (bwrap, or an unboxed command and what it left in its group)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        if proc.poll() is None:
            proc.kill()
    proc.wait()
