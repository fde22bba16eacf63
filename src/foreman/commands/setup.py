"""``foreman setup``: run the config's ``setup.commands`` before the worker and record how it
went (one JSON line per command in ``--outcome``, read by ``foreman work --setup-outcome``).

Exit 0 once the outcome is written, whether setup passed or not: the worker turns a failed
setup into ``needs_human`` with the failing command and its output. A usage or config
error exits non-zero with nothing run.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from foreman import actions
from foreman.commands import output_file
from foreman.config import find_config, load_config
from foreman.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workspace", default=".", help="the repository checkout (default: .)")
    parser.add_argument(
        "--config", help="config file, relative to WORKSPACE (default: .github/foreman.yml)"
    )
    parser.add_argument(
        "--outcome", type=output_file, required=True, help="JSON-lines file to append to"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    from foreman.workers.run import register_env_secrets
    from foreman.workers.setup_outcome import append, summary
    from foreman.workers.setup_run import run_setup

    register_env_secrets(settings.environ)
    workspace = Path(args.workspace)
    config = load_config(find_config(workspace, args.config or settings.foreman.config))
    outcome = Path(args.outcome)
    commands = config.setup.commands
    if not commands:
        actions.info("foreman setup: no setup.commands in the config; nothing to run")
        return 0
    steps = run_setup(
        commands, workspace=workspace, timeout=config.setup.timeout_seconds, env=settings.environ
    )
    for step in steps:
        append(outcome, step)
    line = summary(steps)
    if any(s.status != "ok" for s in steps):
        actions.annotate("warning", line, title="foreman setup")
    else:
        actions.info(f"foreman {line}")
    actions.add_summary(actions.md_escape(line))
    return 0
