"""What every worker sees (:class:`WorkContext`) and returns (:class:`WorkerOutcome`)."""

from __future__ import annotations

import shlex
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel, ConfigDict

from foreman.config import Config, WorkerSpec
from foreman.contracts import ReviewVerdict, Task, TestOutcome, TestRun, Verdict
from foreman.workers.boundary import Boundary, unavailable
from foreman.workers.fence import Fence
from foreman.workers.limits import DeadlineGuard, Meter
from foreman.workers.sandbox import (
    CommandRefused,
    CommandResult,
    child_env,
    run_argv,
    split_sequence,
)
from foreman.workers.snapshot import Changes, Snapshot
from foreman.workers.tools import Toolbox

if TYPE_CHECKING:
    from foreman.llm.client import Client
    from foreman.llm.provider import LLMAccess

WORKER_MAX_RETRIES = 2  # SDK retries per model call (L01/L07: attempts = retries + 1)
HTTP_TIMEOUT_CAP = 600.0  # no single attempt waits longer, whatever the budget


class WorkerOutcome(BaseModel):
    """A worker's decision; the runner adds the patch, files, usage and review."""

    model_config = ConfigDict(extra="forbid")

    verdict: Verdict
    reason: str = ""
    title: str = ""
    body: str = ""
    tests: list[TestRun] = []
    fixes_issue: bool = False
    confidence: float | None = None
    labels: list[str] = []
    comment: str | None = None
    duplicates: list[int] = []
    review: ReviewVerdict | None = None


@dataclass
class WorkContext:
    task: Task
    spec: WorkerSpec
    config: Config
    snapshot: Snapshot
    env: Mapping[str, str]  # the process environment (keys are read from it, never passed on)
    started: float = field(default_factory=time.monotonic)
    boundary: Boundary = field(default_factory=lambda: unavailable("not prepared"))
    meter: Meter = field(default_factory=Meter)
    instructions: str = ""  # the repository's instructions (default branch), for the prompt

    @property
    def root(self) -> Path:
        return self.snapshot.root

    @property
    def deadline(self) -> float:
        return self.started + self.spec.max_seconds

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    @property
    def api_key(self) -> str | None:
        key = self.env.get("ANTHROPIC_API_KEY") or self.env.get("FOREMAN_ANTHROPIC_API_KEY")
        return key.strip() if key and key.strip() else None

    @property
    def llm(self) -> LLMAccess:
        """The configured model provider (llm.provider) and what the environment gives."""
        from foreman.llm.provider import LLMAccess

        return LLMAccess(self.config.llm, self.env)

    def model(self, name: str) -> str:
        """The provider's id for a configured model name (ModelNotAvailable if it has none)."""
        return self.llm.model(name)

    @property
    def child_env(self) -> dict[str, str]:
        """The environment of every command: an allow-list plus the spec's declared names."""
        return child_env(self.env, self.spec.env)

    @property
    def test_command(self) -> str | None:
        return self.config.test.command

    def fence(self) -> Fence:
        spec, gate = self.spec, self.config.gate
        return Fence.make(
            self.root,
            spec.allowed_paths if spec.writes_code else [],
            protected=gate.protected_paths,
            protected_ok=spec.name in gate.allow_protected,
            narrowed=self.task.allowed_paths,
        )

    def toolbox(self) -> Toolbox:
        commands = [*self.spec.commands]
        if self.test_command:
            commands.append(self.test_command)
        return Toolbox(
            fence=self.fence(),
            commands=commands,
            env=self.child_env,
            deadline=self.deadline,
            boundary=self.boundary,
            command_timeout=float(self.config.test.timeout_seconds),
        )

    def changes(self) -> Changes:
        return self.snapshot.changes(self.fence().may_write)

    def run(
        self, command: str, *, timeout: float | None = None, max_output: int | None = None
    ) -> CommandResult:
        """Run a trusted, configured command (``&&`` chains allowed) in the sandbox.

        ``max_output``: characters of output kept (default: the sandbox's cap)."""
        cap = timeout or float(self.config.test.timeout_seconds)
        try:
            steps = split_sequence(command)
        except CommandRefused as err:
            return CommandResult(command, None, f"cannot run the configured command: {err}")
        results = []
        for argv in steps:
            limit = min(cap, max(1.0, self.remaining()))  # the wall budget bounds every step
            kept = {"max_output": max_output} if max_output else {}
            result = run_argv(
                argv, cwd=self.root, env=self.child_env, timeout=limit, boundary=self.boundary,
                **kept,
            )  # fmt: skip
            results.append(result)
            if not result.ok:
                break
        last = results[-1]
        if len(results) == 1:
            return last
        output = "\n".join(r.describe() for r in results)
        return CommandResult(command, last.exit_code, output, last.timed_out,
                             sum(r.seconds for r in results))  # fmt: skip

    def client(self) -> Client:
        """The SDK client for this run: retries bounded, every attempt bounded by the deadline."""
        from foreman.llm import DEFAULT_MAX_RETRY_WAIT

        timeout = max(1.0, min(HTTP_TIMEOUT_CAP, float(self.spec.max_seconds)))
        client = self.llm.client(
            max_retries=WORKER_MAX_RETRIES,
            timeout=timeout,
            max_retry_wait=max(1.0, min(DEFAULT_MAX_RETRY_WAIT, self.remaining())),
        )
        return client.with_middleware(DeadlineGuard(self.deadline, timeout))


def outcome_of(result: CommandResult) -> TestOutcome:
    if result.timed_out:
        return "timeout"
    if result.exit_code is None:
        return "error"
    if result.exit_code == 0:
        return "pass"
    argv0 = Path(shlex.split(result.command)[0]).name if result.command else ""
    pytest_like = argv0.startswith("pytest") or " pytest" in result.command
    if pytest_like and result.exit_code in (2, 3, 4, 5):
        return "error"  # interrupted, internal error, usage error, no tests collected
    return "fail"


class Worker(Protocol):
    """One specialist. ``kind`` is the spec kind it serves (agent, command, triage, review)."""

    @property
    def kind(self) -> str: ...

    def run(self, ctx: WorkContext) -> WorkerOutcome: ...
