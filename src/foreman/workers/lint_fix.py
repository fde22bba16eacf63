"""``lint-fix`` (and any ``command`` worker): run the configured fixers, propose the diff.

Deterministic: no model, no key. Before and after the fixers it runs the
matching checks (each fixer without its fix flags: ``ruff check --fix .`` is
checked with ``ruff check .``, ``ruff format .`` with ``ruff format --check .``)
and records both results in ``tests``. Executables come from PATH or the
running interpreter's bin directory (a venv's ``ruff``).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from foreman.workers.agentic import make_test_run
from foreman.workers.base import Outcome, WorkContext
from foreman.workers.sandbox import CommandRefused, split_sequence

_FIX_FLAGS = frozenset({"--fix", "--exit-zero", "--unsafe-fixes", "--fix-only", "--write"})


def check_for(argv: list[str]) -> list[str] | None:
    """The read-only check matching one fixer's argv, or ``None`` when we know none."""
    tool = Path(argv[0]).name
    if any(a in ("--fix", "--fix-only") for a in argv):
        return [a for a in argv if a not in _FIX_FLAGS]
    if tool == "ruff" and len(argv) > 1 and argv[1] == "format":
        return [*argv[:2], "--check", *argv[2:]]
    if tool == "black":
        return [argv[0], "--check", *argv[1:]]
    return None


def checks_for(commands: list[str]) -> list[str]:
    found: list[str] = []
    for command in commands:
        for argv in split_sequence(command):
            check = check_for(argv)
            if check is not None and shlex.join(check) not in found:
                found.append(shlex.join(check))
    return found


@dataclass(frozen=True)
class CommandWorker:
    kind: str = "command"

    def run(self, ctx: WorkContext) -> Outcome:
        fixers = list(ctx.spec.commands)
        if not fixers:
            return Outcome(verdict="needs_human", reason="no commands are configured")
        try:
            checks = checks_for(fixers)
        except CommandRefused as err:
            return Outcome(verdict="failed", reason=f"invalid configured command: {err}")
        before = {c: ctx.run(c) for c in checks}
        lines = ["Commands run:", ""]
        for command in fixers:
            result = ctx.run(command)
            if result.exit_code is None:
                return Outcome(
                    verdict="failed",
                    reason=f"fixer `{command}` did not run: {result.output[:300]}",
                )
            lines.append(f"- `{command}` (exit code {result.exit_code})")
        after = {c: ctx.run(c) for c in checks}
        tests = [make_test_run(c, before[c], after[c]) for c in checks]
        clean = all(t.after == "pass" for t in tests)
        changes = ctx.changes()
        if not changes.files:
            if clean:
                return Outcome(verdict="no_change", reason="nothing to fix", tests=tests)
            return Outcome(
                verdict="needs_human",
                reason="violations remain that the fixers cannot fix automatically",
                tests=tests,
            )
        lines += ["", f"Files changed: {len(changes.files)}."]
        if not clean:
            lines.append("Some violations remain that need a human; see the checks below.")
        return Outcome(
            verdict="proposed",
            body="\n".join(lines),
            tests=tests,
            confidence=1.0 if clean else 0.6,
            reason="" if clean else "partly fixed",
        )


LINT_FIX = CommandWorker()
