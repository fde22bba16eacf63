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

from foreman.lintcount import Violation, counting_args, parse_check, parse_format
from foreman.workers.agentic import make_test_run
from foreman.workers.context import WorkContext, WorkerOutcome
from foreman.workers.lint_agent import agent_pass
from foreman.workers.lint_report import LintReport
from foreman.workers.sandbox import CommandRefused, split_sequence

MAX_LINT_OUTPUT = 4_000_000  # characters of ruff's JSON read back (about 6,000 violations)
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


def counters_for(commands: list[str]) -> list[list[str]]:
    """The ruff fixers among ``commands``, as commands that list violations without fixing."""
    found: list[list[str]] = []
    for command in commands:
        for argv in split_sequence(command):
            args = counting_args(argv[1:]) if Path(argv[0]).name == "ruff" else None
            if args is not None and [argv[0], *args] not in found:
                found.append([argv[0], *args])
    return found


def count_violations(ctx: WorkContext, counters: list[list[str]]) -> list[Violation] | None:
    """Every violation the counting commands report now, or ``None`` if one could not run."""
    found: list[Violation] = []
    for argv in counters:
        result = ctx.run(shlex.join(argv), max_output=MAX_LINT_OUTPUT)
        if result.exit_code is None:
            return None
        if argv[1] == "check":
            parsed = parse_check(result.output, ctx.root)
            if parsed is None:
                return None
            found += parsed
        else:
            found += parse_format(result.output, ctx.root)
    return sorted(found)


@dataclass(frozen=True)
class CommandWorker:
    kind: str = "command"

    def run(self, ctx: WorkContext) -> WorkerOutcome:
        fixers = list(ctx.spec.commands)
        if not fixers:
            return WorkerOutcome(verdict="needs_human", reason="no commands are configured")
        try:
            checks = checks_for(fixers)
            counters = counters_for(fixers)
        except CommandRefused as err:
            return WorkerOutcome(verdict="failed", reason=f"invalid configured command: {err}")
        before = {c: ctx.run(c) for c in checks}
        original = count_violations(ctx, counters) if counters else None
        lines = ["Commands run:", ""]
        for command in fixers:
            result = ctx.run(command)
            if result.exit_code is None:
                return WorkerOutcome(
                    verdict="failed",
                    reason=f"fixer `{command}` did not run: {result.output[:300]}",
                )
            lines.append(f"- `{command}` (exit code {result.exit_code})")
        report = LintReport(original)
        if original is not None:
            report.linted = count_violations(ctx, counters)
            report.final = report.linted
        if report.linted and ctx.llm.available:
            done = agent_pass(
                ctx, report.linted, checks, original=original or [],
                count=lambda: count_violations(ctx, counters),
            )  # fmt: skip
            report.agent_note, report.agent_summary = done.note, done.summary
            report.final = count_violations(ctx, counters) if done.kept else report.linted
        elif report.linted:
            report.agent_note = f"none ({ctx.llm.missing()})"
        after = {c: ctx.run(c) for c in checks}
        tests = [make_test_run(c, before[c], after[c]) for c in checks]
        clean = all(t.after == "pass" for t in tests)
        changes = ctx.changes()
        if not changes.files:
            if clean:
                return WorkerOutcome(verdict="no_change", reason="nothing to fix", tests=tests)
            return WorkerOutcome(
                verdict="needs_human",
                reason="violations remain that the fixers cannot fix automatically",
                tests=tests,
                body="\n".join(report.lines()),
            )
        lines += ["", f"Files changed: {len(changes.files)}.", "", *report.lines()]
        if clean:
            return WorkerOutcome(verdict="proposed", body="\n".join(lines), tests=tests,
                           confidence=1.0 if not report.by_agent else 0.8)  # fmt: skip
        if report.original is None:  # not ruff: not counted, so not judged here (as before)
            lines.append("Some violations remain that need a human; see the checks below.")
            return WorkerOutcome(verdict="proposed", body="\n".join(lines), tests=tests,
                           confidence=0.6, reason="partly fixed")  # fmt: skip
        if report.progress():
            remaining = len(report.final or [])
            return WorkerOutcome(
                verdict="proposed",
                body="\n".join(lines),
                tests=tests,
                confidence=0.6,
                reason=f"partly fixed: {remaining} violation(s) remain",
            )
        lines.append("Some violations remain that need a human; see the checks below.")
        return WorkerOutcome(
            verdict="needs_human",
            body="\n".join(lines),
            tests=tests,
            reason="the change does not reduce the violations without adding new ones",
        )


LINT_FIX = CommandWorker()
