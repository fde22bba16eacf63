"""``debug``: reproduce first, then patch, then show red → green.

1. Pick the reproduction: the repo's test command (``test.command``), narrowed
   to the test files/node ids the brief names that exist in the checkout. A
   command quoted in the brief is never run: its options come from issue text.
2. Run it. If it passes, the failure does not reproduce: ``needs_human`` with
   the evidence, and no model call is made.
3. Otherwise the agent patches; the worker re-runs the reproduction (and the
   full test command when that differs). ``fixes_issue`` only when green.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from foreman.contracts import TestRun
from foreman.workers.agent import run_agent
from foreman.workers.agentic import make_test_run
from foreman.workers.arguments import existing_target
from foreman.workers.context import WorkContext, WorkerOutcome, outcome_of
from foreman.workers.prompts import system_prompt, user_message
from foreman.workers.tools import Toolbox

_NODE_ID = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w.-]+\.py(?:::[\w\[\].-]+)*)")
_TEST_FILE = re.compile(r"(?:^|/)(?:tests?/.*|test_[^/]*|[^/]*_test\.py)$")
MAX_TARGETS = 5
# A module the reproduction cannot import: Python's two spellings, and Node's.
_MISSING = re.compile(
    r"(?:ModuleNotFoundError: No module named|ImportError: No module named)\s+'?([\w.]+)'?"
    r"|Cannot find module '([^'\s]+)'"
)


def missing_module(output: str, root: Path) -> str | None:
    """A module the reproduction could not import that the checkout does not hold: the
    environment is incomplete (no setup), not the code broken. None when nothing is missing
    or the module is the repository's own (a real bug to fix)."""
    for match in _MISSING.finditer(output):
        name = match.group(1) or match.group(2)
        if name.startswith((".", "/")):
            continue  # a relative import or path in the repository: the code's own
        top = name.split(".")[0].split("/")[0]
        if top.startswith("@"):  # a scoped npm package
            top = "/".join(name.split("/")[:2])
        own = [root / top, root / f"{top}.py", root / "src" / top, root / "src" / f"{top}.py"]
        if not any(p.exists() for p in own):
            return name
    return None


def pick_reproduction(ctx: WorkContext, box: Toolbox) -> str | None:
    """The configured test command, narrowed to the test files and ids the brief names that
    exist in the checkout. Nothing else of the brief (issue text) reaches the command line: a
    command quoted there is ignored, options and all."""
    command = ctx.test_command
    if not command:
        return None
    if "&&" in command:
        return command  # narrowing a sequence would narrow only its last step
    text = "\n".join([ctx.task.brief, *ctx.task.acceptance])
    words = set(command.split())
    targets: list[str] = []
    for node in _NODE_ID.findall(text):
        path = node.partition("::")[0]
        if node in targets or path in words or not _TEST_FILE.search(path):
            continue
        if existing_target(node, box.fence):
            targets.append(node)
    return " ".join([command, *targets[:MAX_TARGETS]])


@dataclass(frozen=True)
class Debug:
    kind: str = "agent"

    def run(self, ctx: WorkContext) -> WorkerOutcome:
        box = ctx.toolbox()
        repro = pick_reproduction(ctx, box)
        if repro is None:
            return WorkerOutcome(
                verdict="needs_human",
                reason="cannot reproduce: no test command is configured (test.command)",
            )
        before = ctx.run(repro)
        red = outcome_of(before)
        if red == "pass":
            return WorkerOutcome(
                verdict="needs_human",
                reason=f"the failure does not reproduce: `{repro}` passes",
                tests=[make_test_run(repro, before, None)],
            )
        missing = missing_module(before.output, ctx.root)
        if missing is not None:
            return WorkerOutcome(
                verdict="needs_human",
                reason=(
                    f"the environment is incomplete, not the code: the reproduction `{repro}`"
                    f" cannot import `{missing}`, which the repository does not contain. Install"
                    " the project's dependencies before the worker (.github/foreman/setup or"
                    " setup.commands on the default branch; docs/guide.md, \"Your repository's"
                    ' environment").'
                ),
                tests=[make_test_run(repro, before, None)],
            )
        if before.exit_code is None and not before.timed_out:
            return WorkerOutcome(
                verdict="needs_human",
                reason=f"cannot run the reproduction `{repro}`: {before.output[:300]}",
                tests=[make_test_run(repro, before, None)],
            )
        agent = run_agent(
            ctx,
            system=system_prompt(ctx.spec, box),
            user=user_message(ctx.task.brief, f"Reproduction (fails now):\n{before.describe()}"),
            box=box,
        )
        after = ctx.run(repro)
        tests = [make_test_run(repro, before, after)]
        suite: TestRun | None = None
        if ctx.test_command and repro != ctx.test_command:
            suite = make_test_run(ctx.test_command, None, ctx.run(ctx.test_command))
            tests.append(suite)
        changes = ctx.changes()
        green = tests[0].after == "pass"
        outcome = WorkerOutcome(verdict="proposed", body=agent.summary, tests=tests)
        if not changes.files:
            outcome.verdict = "needs_human"
            outcome.reason = (
                "the reproduction passes now without any change (flaky?)"
                if green
                else "the agent made no change and the failure remains"
            )
        elif not green:
            outcome.verdict = "needs_human"
            outcome.reason = f"the reproduction does not pass after the patch ({tests[0].after})"
        elif suite is not None and suite.after != "pass":
            outcome.verdict = "needs_human"
            outcome.reason = (
                f"the reproduction passes but the test command does not ({suite.after})"
            )
        else:
            outcome.fixes_issue = True
            outcome.confidence = 0.9
        return outcome
