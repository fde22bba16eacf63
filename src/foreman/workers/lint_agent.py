"""lint-fix's second pass: an agent fixes what the linter's own fixes left.

It gets the remaining violations (rule, file:line, message) as its brief, may
change only the files that still have them, and may run only the linter. It must
not silence a rule: an edit that adds ``# noqa``, ``# type: ignore`` and the like,
or touches the linter's configuration, is undone by the worker (unless the task
brief allows it), and so is an edit that leaves a violation that was not there before.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from foreman.errors import ForemanError
from foreman.lintcount import Violation, compare
from foreman.workers.agent import run_agent
from foreman.workers.context import WorkContext
from foreman.workers.fence import Fence
from foreman.workers.prompts import system_prompt, user_message
from foreman.workers.tools import Toolbox

LINT_JOB = (
    "You are a lint-fixing specialist. The linter's automatic fixes have been applied; the"
    " violations listed in the evidence remain. Fix each one by changing the code itself, the"
    " smallest change that keeps behaviour (compare to None with `is`, remove or use an unused"
    " variable, rename an ambiguous name everywhere it is used, name the exception caught)."
    " Run the linter again to confirm nothing is left."
)
NO_SILENCING = (
    " Never silence a rule: no `# noqa`, `# type: ignore`, `# ruff: noqa`, `# fmt: off`/`skip`,"
    " per-file-ignores or changes to the linter's configuration. Such edits are undone."
)
SILENCERS = re.compile(
    r"#\s*(?:noqa|type:\s*ignore|ruff\s*:\s*noqa|pyright:\s*ignore|fmt:\s*(?:off|skip)"
    r"|pylint:\s*disable|flake8\s*:\s*noqa)",
    re.IGNORECASE,
)
CONFIG_FILES = frozenset({"pyproject.toml", "ruff.toml", ".ruff.toml", "setup.cfg", ".flake8"})
CONFIG_WORDS = re.compile(r"per-file-ignores|extend-ignore|^\s*ignore\s*=|noqa", re.I | re.M)
ALLOWED = re.compile(
    r"\b(?:allow|allows|allowed|may use|permit)\b[^.\n]{0,40}\bnoqa\b"
    r"|\bnoqa\b[^.\n]{0,40}\b(?:allowed|permitted|is fine|ok)\b",
    re.IGNORECASE,
)
AGENT_TOOLS = ["read", "list", "search", "edit", "write", "run"]
Count = Callable[[], list[Violation] | None]


@dataclass(frozen=True)
class AgentPass:
    kept: bool  # the agent's edits stay in the change
    note: str  # why they did not, or ""
    summary: str  # the agent's own summary


def allows_silencing(brief: str) -> bool:
    """The task brief says ``noqa`` (and the like) may be used."""
    return bool(ALLOWED.search(brief))


def silencing(saved: dict[str, bytes], root: Path) -> str | None:
    """Where an edit silences a rule instead of fixing it (an added line), or ``None``."""
    for rel, old in sorted(saved.items()):
        new = (root / rel).read_bytes() if (root / rel).is_file() else b""
        if new == old:
            continue
        if Path(rel).name in CONFIG_FILES:
            return f"{rel} is linter configuration"
        before = set(old.decode("utf-8", "replace").splitlines())
        for number, line in enumerate(new.decode("utf-8", "replace").splitlines(), 1):
            if line in before:
                continue
            if SILENCERS.search(line) or CONFIG_WORDS.search(line):
                return f"{rel}:{number} adds `{line.strip()[:80]}`"
    return None


def _restore(saved: dict[str, bytes], root: Path) -> None:
    for rel, data in saved.items():
        (root / rel).write_bytes(data)


def _brief(ctx: WorkContext, remaining: list[Violation]) -> tuple[str, str]:
    lines = [v.describe() for v in remaining[:200]]
    if len(remaining) > 200:
        lines.append(f"... and {len(remaining) - 200} more")
    brief = (
        f"{ctx.task.brief}\n\nFix the {len(remaining)} lint violation(s) the linter could not"
        " fix automatically (listed in the evidence)."
    )
    return brief, "Violations left by the linter (rule path:line: message):\n" + "\n".join(lines)


def agent_pass(
    ctx: WorkContext,
    remaining: list[Violation],
    checks: list[str],
    *,
    original: list[Violation],
    count: Count,
) -> AgentPass:
    """Run the agent on ``remaining``; undo its edits when they silence rules, fail, or leave a
    violation that ``original`` (before any fix) did not have."""
    files = sorted({v.path for v in remaining if (ctx.root / v.path).is_file()})
    if not files:
        return AgentPass(False, "the remaining violations are in no file the agent may edit", "")
    allowed = allows_silencing(ctx.task.brief)
    spec = ctx.spec.model_copy(
        update={
            "prompt": LINT_JOB + ("" if allowed else NO_SILENCING),
            "tools": AGENT_TOOLS,
            "allowed_paths": files,
            "writes_code": True,
        }
    )
    box = Toolbox(
        fence=Fence.make(
            ctx.root,
            files,
            protected=ctx.config.gate.protected_paths,
            narrowed=ctx.task.allowed_paths,
        ),
        commands=checks,
        env=ctx.child_env,
        deadline=ctx.deadline,
        boundary=ctx.boundary,
        command_timeout=float(ctx.config.test.timeout_seconds),
    )
    saved = {rel: (ctx.root / rel).read_bytes() for rel in files}
    brief, evidence = _brief(ctx, remaining)
    try:
        run = run_agent(
            replace(ctx, spec=spec),
            system=system_prompt(spec, box),
            user=user_message(brief, evidence),
            box=box,
        )
    except ForemanError as err:
        _restore(saved, ctx.root)
        return AgentPass(False, f"the agent pass stopped ({err.title}: {err.message})", "")
    why = None if allowed else silencing(saved, ctx.root)
    if why is not None:
        _restore(saved, ctx.root)
        return AgentPass(False, f"the agent's edits silence a rule ({why}) and were undone", "")
    after = count()
    if after is None:
        _restore(saved, ctx.root)
        return AgentPass(False, "the linter could not be run after the agent's edits", "")
    new = compare(original, after).new
    if new:
        _restore(saved, ctx.root)
        return AgentPass(
            False, f"the agent's edits add a violation ({new[0].describe()}) and were undone", ""
        )
    return AgentPass(True, "", run.summary)
