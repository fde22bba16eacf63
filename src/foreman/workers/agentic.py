"""The shared shape of a code-writing agent worker: (test) → agent → (test again) → verdict.

``check`` says what the test command must show:

* ``none``: no tests are run (docs);
* ``unchanged``: the result must be the same before and after (refactor);
* ``no_regression``: a passing suite must still pass (infra, custom workers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from foreman.contracts import TestRun
from foreman.workers.agent import run_agent
from foreman.workers.context import WorkContext, WorkerOutcome, outcome_of
from foreman.workers.prompts import system_prompt, user_message
from foreman.workers.sandbox import CommandResult, tail

TestCheck = Literal["none", "unchanged", "no_regression"]
TAIL = 2000


def make_test_run(
    command: str, before: CommandResult | None, after: CommandResult | None
) -> TestRun:
    shown = after or before
    return TestRun(
        command=command,
        before=outcome_of(before) if before else "not_run",
        after=outcome_of(after) if after else "not_run",
        output_tail=tail(shown.output, TAIL) if shown else "",
    )


@dataclass(frozen=True)
class AgentWorker:
    check: TestCheck = "no_regression"
    kind: str = "agent"

    def run(self, ctx: WorkContext) -> WorkerOutcome:
        command = ctx.test_command if self.check != "none" else None
        if self.check == "unchanged" and not command:
            return WorkerOutcome(
                verdict="needs_human",
                reason="no test command is configured (test.command), so a behaviour-preserving"
                " change cannot be verified",
            )
        box = ctx.toolbox()
        before = ctx.run(command) if command else None
        evidence = f"Test command before any change:\n{before.describe()}" if before else ""
        agent = run_agent(
            ctx,
            system=system_prompt(ctx.spec, box),
            user=user_message(ctx.task.brief, evidence),
            box=box,
        )
        changes = ctx.changes()
        if not changes.files:
            return WorkerOutcome(
                verdict="no_change",
                reason="the agent finished without changing any file it may change",
                body=agent.summary,
            )
        after = ctx.run(command) if command else None
        tests = [make_test_run(command, before, after)] if command else []
        outcome = WorkerOutcome(verdict="proposed", body=agent.summary, tests=tests)
        if tests:
            first, last = tests[0].before, tests[0].after
            if self.check == "unchanged" and first != last:
                outcome.verdict = "needs_human"
                outcome.reason = f"the test result changed from {first} to {last}"
            elif self.check == "no_regression" and first == "pass" and last != "pass":
                outcome.verdict = "needs_human"
                outcome.reason = f"the tests passed before the change and {last} after it"
        return outcome
