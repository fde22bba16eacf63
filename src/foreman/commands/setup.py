"""``foreman setup``: run the config's ``setup.commands`` before the worker and record how it
went (one JSON line per command in ``--outcome``, read by ``foreman work --setup-outcome``).

Exit 0 once the outcome is written, whether setup passed or not: the worker turns a failed
setup into ``needs_human`` with the failing command and its output. A usage or config
error exits non-zero with nothing run.
"""

from __future__ import annotations

import argparse
from pathlib import Path

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
    from foreman.workers.setup_run import setup_job

    register_env_secrets(settings.environ)
    workspace = Path(args.workspace)
    config = load_config(find_config(workspace, args.config or settings.foreman.config))
    setup_job(workspace, config, Path(args.outcome), settings.environ)
    return 0
