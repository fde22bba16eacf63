"""Sandboxed tools for agent workers: read, list, search, write, edit, run.

Each tool returns text for the model. A refused or failed call returns a
string starting with :data:`ERROR` (the SDK adapter turns it into an
``is_error`` tool result); it never raises. Every result passes
:func:`foreman.actions.redact`.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Concatenate, ParamSpec

from foreman.actions import redact
from foreman.timelimit import TimeLimitExceeded
from foreman.workers.arguments import ArgumentRefused, check_extras, describe_allowed
from foreman.workers.boundary import Boundary
from foreman.workers.fence import Fence, PathRefused
from foreman.workers.sandbox import (
    CommandRefused,
    CommandResult,
    run_argv,
    split_command,
    split_sequence,
)
from foreman.workers.search import MAX_MATCHES, limited_scan

ERROR = "error: "
MAX_READ_CHARS = 60_000
MAX_WRITE_BYTES = 1_000_000
MAX_LIST = 400
MAX_SCAN_FILES = 20_000
MAX_READ_BYTES = 5_000_000
SEARCH_SECONDS = 5.0  # one search call, all files; a backtracking pattern is stopped there
P = ParamSpec("P")


class Refused(Exception):
    """Raised inside a tool; becomes an ``error: …`` result for the model."""


def _guarded(
    fn: Callable[Concatenate[Toolbox, P], str],
) -> Callable[Concatenate[Toolbox, P], str]:
    def call(self: Toolbox, /, *args: P.args, **kwargs: P.kwargs) -> str:
        try:
            text = fn(self, *args, **kwargs)
        except (Refused, PathRefused, CommandRefused) as err:
            text = ERROR + str(err)
            self.refusals.append(f"{fn.__name__}: {err}")
        except OSError as err:
            text = ERROR + f"{fn.__name__} failed: {err.strerror or err}"
        except Exception as err:  # a tool never raises into the SDK's loop
            text = ERROR + f"{fn.__name__} failed: {type(err).__name__}: {err}"
        return redact(text)

    return call


@dataclass
class Toolbox:
    fence: Fence
    commands: Sequence[str]  # allowed command prefixes (config), e.g. "pytest -q"
    env: Mapping[str, str]  # already scrubbed
    deadline: float  # time.monotonic() value the run must end by
    boundary: Boundary  # every command runs inside it (or not at all)
    command_timeout: float = 600.0
    refusals: list[str] = field(default_factory=list)
    runs: list[CommandResult] = field(default_factory=list)

    # -- reading ---------------------------------------------------------------------------

    @_guarded
    def read_file(self, path: str, start_line: int = 1, max_lines: int = 2000) -> str:
        rel, target = self.fence.resolve(path)
        if not target.is_file():
            raise Refused(f"'{rel}' is not a file")
        size = target.stat().st_size
        if size > MAX_READ_BYTES:
            raise Refused(f"'{rel}' is {size} bytes, too large to read; use search instead")
        data = target.read_bytes()
        if b"\x00" in data[:8192]:
            return f"'{rel}' is a binary file ({len(data)} bytes); not shown"
        lines = data.decode("utf-8", errors="replace").splitlines(keepends=True)
        first = max(1, start_line)
        chosen = lines[first - 1 : first - 1 + max(1, max_lines)]
        text = "".join(chosen)
        note = ""
        if len(text) > MAX_READ_CHARS:
            text, note = text[:MAX_READ_CHARS], " (cut at 60000 characters)"
        last = first + len(chosen) - 1
        return f"{rel} (lines {first}-{last} of {len(lines)}){note}:\n{text}"

    @_guarded
    def list_dir(self, path: str = ".") -> str:
        rel, target = self.fence.resolve(path)
        if not target.is_dir():
            raise Refused(f"'{rel}' is not a directory")
        entries = []
        for child in sorted(target.iterdir(), key=lambda p: p.name):
            if child.name == ".git":
                continue
            if child.is_symlink():
                entries.append(f"{child.name}@ (symlink, not followed)")
            elif child.is_dir():
                entries.append(child.name + "/")
            else:
                entries.append(child.name)
        more = f"\n… and {len(entries) - MAX_LIST} more" if len(entries) > MAX_LIST else ""
        return f"{rel}/:\n" + "\n".join(entries[:MAX_LIST]) + more

    @_guarded
    def search(self, pattern: str, path: str = ".") -> str:
        try:
            re.compile(pattern)
        except re.error as err:
            raise Refused(f"invalid regular expression {pattern!r}: {err}") from None
        rel, target = self.fence.resolve(path)
        files = [(shown, str(real)) for shown, real in self._walk(rel, target)]
        seconds = max(0.1, min(SEARCH_SECONDS, self.deadline - time.monotonic()))
        try:
            hits, more = limited_scan(pattern, files, seconds)
        except TimeLimitExceeded:
            raise Refused(
                f"search stopped: the pattern {pattern!r} ran longer than the search tool's"
                f" time limit ({seconds:g} s); use a simpler pattern (no nested repetition"
                " such as (a+)+, and a literal prefix helps)"
            ) from None
        if not hits:
            return f"no match for {pattern!r} under {rel}"
        return "\n".join(hits) + (f"\n(stopped at {MAX_MATCHES} matches)" if more else "")

    def _walk(self, rel: str, target: Path) -> list[tuple[str, Path]]:
        if target.is_file():
            return [(rel, target)]
        found: list[tuple[str, Path]] = []
        for dirpath, dirnames, filenames in os.walk(target, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if d != ".git")
            base = Path(dirpath)
            for name in sorted(filenames):
                file_path = base / name
                if not file_path.is_symlink():
                    found.append((file_path.relative_to(self.fence.root).as_posix(), file_path))
            if len(found) >= MAX_SCAN_FILES:
                break
        return found[:MAX_SCAN_FILES]

    # -- writing ---------------------------------------------------------------------------

    @_guarded
    def write_file(self, path: str, content: str) -> str:
        rel, target = self.fence.writable(path)
        data = content.encode("utf-8")
        if len(data) > MAX_WRITE_BYTES:
            raise Refused(f"content is {len(data)} bytes; the limit is {MAX_WRITE_BYTES}")
        if target.is_dir():
            raise Refused(f"'{rel}' is a directory")
        target.parent.mkdir(parents=True, exist_ok=True)
        self.fence.resolve(rel)  # the parents just made must still be inside
        existed = target.exists()
        target.write_bytes(data)
        return f"{'overwrote' if existed else 'created'} {rel} ({len(data)} bytes)"

    @_guarded
    def edit_file(self, path: str, old_text: str, new_text: str, replace_all: bool = False) -> str:
        rel, target = self.fence.writable(path)
        if not target.is_file():
            raise Refused(f"'{rel}' does not exist; use write_file to create it")
        if not old_text:
            raise Refused("old_text must not be empty")
        text = target.read_bytes().decode("utf-8")
        count = text.count(old_text)
        if count == 0:
            raise Refused(f"old_text was not found in {rel}; read the file and copy it exactly")
        if count > 1 and not replace_all:
            raise Refused(
                f"old_text occurs {count} times in {rel}; add surrounding lines to make it"
                " unique, or set replace_all"
            )
        target.write_bytes(text.replace(old_text, new_text).encode("utf-8"))
        return f"edited {rel}: replaced {count if replace_all else 1} occurrence(s)"

    # -- running ---------------------------------------------------------------------------

    def allowed_argv(self, command: str) -> list[str]:
        """The argv of ``command`` if the allow-list permits it, else :class:`Refused`: an
        allowed prefix, then only what :mod:`foreman.workers.arguments` lets follow it."""
        argv = split_command(command)
        why = ""
        for allowed in self.commands:
            try:
                prefixes = split_sequence(allowed)  # each step of an `a && b` entry
            except CommandRefused:
                continue
            for prefix in prefixes:
                if argv[: len(prefix)] != prefix:
                    continue
                try:
                    check_extras(argv[len(prefix) :], self.fence)
                except ArgumentRefused as err:
                    why = why or str(err)
                    continue
                return argv
        if why:
            raise Refused(f"'{command}': {why}")
        shown = "; ".join(self.commands) or "(none)"
        raise Refused(
            f"'{command}' is not an allowed command. Allowed: {shown}; after one of them: "
            + describe_allowed()
        )

    @_guarded
    def run_command(self, command: str) -> str:
        argv = self.allowed_argv(command)
        remaining = self.deadline - time.monotonic()
        if remaining <= 1:
            raise Refused("no time left in this worker's wall-clock budget to run commands")
        result = run_argv(
            argv,
            cwd=self.fence.root,
            env=self.env,
            timeout=min(self.command_timeout, remaining),
            boundary=self.boundary,
        )
        self.runs.append(result)
        return result.describe()
