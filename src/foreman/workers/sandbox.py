"""Running commands for a worker: no shell, a scrubbed environment, a timeout, a capped output.

Every command a worker runs (the configured fixers, the repo's test command,
the agent's ``run_command`` tool) goes through :func:`run_argv`. Commands are
split with :mod:`shlex` and executed directly; shell syntax is refused rather
than interpreted, so model- or issue-supplied text can never reach a shell.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from foreman.actions import redact
from foreman.secrets import looks_secret as looks_secret  # re-exported: the env filter's test

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
    max_output: int = MAX_OUTPUT_CHARS,
) -> CommandResult:
    """Run ``argv`` (never through a shell) in its own process group; kill the group on timeout."""
    shown = shlex.join(argv)
    exe = resolve_executable(argv[0], env, cwd)
    if exe is None:
        return CommandResult(shown, None, f"command not found: {argv[0]}")
    started = time.monotonic()
    with tempfile.TemporaryFile() as sink:
        try:
            proc = subprocess.Popen(
                [exe, *argv[1:]],
                cwd=cwd,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                shell=False,
            )
        except OSError as err:
            return CommandResult(shown, None, redact(f"cannot start {argv[0]}: {err.strerror}"))
        timed_out = False
        try:
            proc.wait(timeout=max(0.1, timeout))
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(proc)
        seconds = time.monotonic() - started
        sink.seek(0, os.SEEK_END)
        size = sink.tell()
        sink.seek(max(0, size - 4 * max_output))
        text = sink.read().decode("utf-8", errors="replace")
    output = redact(tail(text, max_output))
    code = None if timed_out else proc.returncode
    return CommandResult(shown, code, output, timed_out, seconds)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.wait()
