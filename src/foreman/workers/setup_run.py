"""Run the repository's ``setup.commands`` before the worker: in the workspace, inside the
process boundary but WITH the network, with no key or token, under one time limit.

Inside the boundary, every process a setup command starts is gone when it returns (nothing
it leaves behind can wait for the worker's API key), and it can write only the workspace:
what setup installs for the worker (a venv, ``node_modules``) lives there, where the
worker's own boundary shows it again.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from foreman import actions
from foreman.config.models import Config
from foreman.workers import boundary as boundaries
from foreman.workers.sandbox import CommandRefused, child_env, run_argv, split_command
from foreman.workers.setup_outcome import SetupStep

LOG_CHARS = 60_000
TAIL_CHARS = 1500


def run_setup(
    commands: Sequence[str],
    *,
    workspace: Path,
    timeout: float,
    env: Mapping[str, str],
    sandbox: bool = True,
) -> list[SetupStep]:
    """Run ``commands`` in order; stop at the first that fails. One step per command run."""
    if not commands:
        return []
    box = boundaries.prepare(enabled=sandbox, network=True, env=env, workspace=workspace)
    if box.mode == "unavailable":
        why = f"the process boundary cannot be set up: {box.detail}"
        return [SetupStep("commands", "failed", commands[0], None, why)]
    deadline = time.monotonic() + timeout
    steps: list[SetupStep] = []
    for command in commands:
        left = deadline - time.monotonic()
        if left <= 0:
            steps.append(SetupStep("commands", "timeout", command, None, "no time left"))
            break
        try:
            argv = split_command(command)
        except CommandRefused as err:
            steps.append(SetupStep("commands", "failed", command, None, f"not run: {err}"))
            break
        with actions.group(f"foreman setup: {command}"):
            done = run_argv(argv, cwd=workspace, env=child_env(env), timeout=left,
                            boundary=box, max_output=LOG_CHARS)  # fmt: skip
            actions.log_block(done.output)
        status = "timeout" if done.timed_out else "ok" if done.ok else "failed"
        tail = done.output[-TAIL_CHARS:] if status != "ok" else ""
        steps.append(
            SetupStep("commands", status, command, done.exit_code, tail, round(done.seconds, 2))
        )
        if status != "ok":
            break
    return steps


def setup_job(workspace: Path, config: Config, outcome: Path, env: Mapping[str, str]) -> None:
    """``foreman setup``: run ``setup.commands`` (none: say so), append each step to
    ``outcome`` (JSON lines, read by the worker) and tell the runner how it went."""
    from foreman.workers.setup_outcome import append, summary

    commands = config.setup.commands
    if not commands:
        actions.info("foreman setup: no setup.commands in the config; nothing to run")
        return
    steps = run_setup(commands, workspace=workspace, timeout=config.setup.timeout_seconds, env=env)
    for step in steps:
        append(outcome, step)
    line = summary(steps)
    if any(s.status != "ok" for s in steps):
        actions.annotate("warning", line, title="foreman setup")
    else:
        actions.info(f"foreman {line}")
    actions.add_summary(actions.md_escape(line))
