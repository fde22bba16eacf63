"""``foreman doctor --run``'s part: run setup.commands, then the test command once inside the
process boundary (no network), as a work job would, and say whether the environment holds."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from foreman.config.models import Config
from foreman.doctor_finding import Finding


def try_setup_and_tests(root: Path, config: Config, env: Mapping[str, str]) -> list[Finding]:
    from foreman.workers import boundary as boundaries
    from foreman.workers.debug import missing_module
    from foreman.workers.sandbox import CommandRefused, child_env, run_argv, split_sequence
    from foreman.workers.setup_outcome import failure
    from foreman.workers.setup_run import run_setup

    found: list[Finding] = []
    steps = run_setup(
        config.setup.commands, workspace=root, timeout=config.setup.timeout_seconds, env=env
    )
    if why := failure(steps):
        return [
            Finding(
                "fail",
                "setup run",
                why.splitlines()[0],
                "make setup.commands pass here (they ran in the boundary, network on)",
            )
        ]
    if steps:
        found.append(Finding("ok", "setup run", f"{len(steps)} command(s) passed"))
    box = boundaries.prepare(enabled=True, network=False, env=env, workspace=root)
    if box.mode == "unavailable":
        return [
            *found,
            Finding(
                "warn",
                "test run",
                f"not run: {box.detail}",
                "install bubblewrap (on GitHub the action installs it)",
            ),
        ]
    command = config.test.command or ""
    try:
        argvs = split_sequence(command)
    except CommandRefused as err:
        return [*found, Finding("fail", "test run", f"`{command}`: {err}")]
    timeout = float(config.test.timeout_seconds)
    for argv in argvs:
        done = run_argv(argv, cwd=root, env=child_env(env), timeout=timeout, boundary=box)
        if missing := missing_module(done.output, root):
            return [
                *found,
                Finding(
                    "fail",
                    "test run",
                    f"`{done.command}` cannot import `{missing}` inside the boundary",
                    "install the dependencies in setup (into the workspace:"
                    " a venv, node_modules), not in your HOME",
                ),
            ]
        if done.exit_code is None:
            what = "timed out" if done.timed_out else done.output.strip()[:200]
            return [*found, Finding("fail", "test run", f"`{done.command}`: {what}")]
        if not done.ok:
            return [
                *found,
                Finding(
                    "warn",
                    "test run",
                    f"`{done.command}` ran and failed"
                    f" (exit {done.exit_code}): the workers start from failing"
                    " tests",
                ),
            ]
    return [*found, Finding("ok", "test run", f"`{command}` passes inside the boundary")]
