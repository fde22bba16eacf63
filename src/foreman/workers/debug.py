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

from foreman.contracts import TestRun
from foreman.workers.agent import run_agent
from foreman.workers.agentic import make_test_run
from foreman.workers.arguments import existing_target
from foreman.workers.base import Outcome, WorkContext, outcome_of
from foreman.workers.prompts import system_prompt, user_message
from foreman.workers.tools import Toolbox

_NODE_ID = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w.-]+\.py(?:::[\w\[\].-]+)*)")
_TEST_FILE = re.compile(r"(?:^|/)(?:tests?/.*|test_[^/]*|[^/]*_test\.py)$")
MAX_TARGETS = 5


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

    def run(self, ctx: WorkContext) -> Outcome:
        box = ctx.toolbox()
        repro = pick_reproduction(ctx, box)
        if repro is None:
            return Outcome(
                verdict="needs_human",
                reason="cannot reproduce: no test command is configured (test.command)",
            )
        before = ctx.run(repro)
        red = outcome_of(before)
        if red == "pass":
            return Outcome(
                verdict="needs_human",
                reason=f"the failure does not reproduce: `{repro}` passes",
                tests=[make_test_run(repro, before, None)],
            )
        if before.exit_code is None and not before.timed_out:
            return Outcome(
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
        outcome = Outcome(verdict="proposed", body=agent.summary, tests=tests)
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
