"""``foreman doctor``: is this repository ready for the foreman? Prints each check and what
to fix; exit 0 for a clean bill (warnings allowed), 1 when something must be fixed.

By default it also runs ``setup.commands`` and the test command once inside the process
boundary, in the checkout (what setup installs stays there, as in a work job);
``--no-run`` only reads.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from foreman.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from foreman.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workspace", default=".", help="the repository checkout (default: .)")
    parser.add_argument(
        "--config", help="config file, relative to WORKSPACE (default: .github/foreman.yml)"
    )
    parser.add_argument(
        "--no-run",
        action="store_true",
        help="only read: do not run setup.commands and the test command",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    from foreman.doctor import run_checks

    root = Path(args.workspace)
    if not root.is_dir():
        raise UsageError(f"--workspace {args.workspace}: not a directory")
    config = args.config or settings.foreman.config
    found = run_checks(root.resolve(), config, run=not args.no_run, env=settings.environ)
    for finding in found:
        print(finding.line())
    problems = [f for f in found if f.level == "fail"]
    warnings = sum(f.level == "warn" for f in found)
    if problems:
        print(f"\n{len(problems)} problem(s) to fix before the foreman can work here.")
        return int(ExitCode.FAILURE)
    extra = f" ({warnings} warning(s))" if warnings else ""
    print(f"\nclean bill: this repository is ready for the foreman{extra}.")
    return 0
