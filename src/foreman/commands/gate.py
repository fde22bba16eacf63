"""``foreman gate``: check every result bundle against policy, then write (or, dry run, don't).

The config is read from ``--root``, the gate job's checkout of the default
branch, so a pull request cannot change the rules it is judged by (H08).
Exit 0 when every bundle got a decision (refusals included); the GitHub exit
code when a write failed for good, after everything else was reported.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from foreman.commands import some_path
from foreman.terminal import add_format_argument

if TYPE_CHECKING:
    from foreman.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--plan", type=some_path, help="the plan JSON file (default: $FOREMAN_PLAN as JSON)"
    )
    parser.add_argument(
        "--bundles", required=True, type=some_path, help="directory holding the result bundles"
    )
    parser.add_argument("--config", help="config file (default: .github/foreman.yml in --root)")
    parser.add_argument("--root", default=".", help="checkout of the default branch (default: .)")
    parser.add_argument("--dry-run", action="store_true", help="write nothing; summarise instead")
    add_format_argument(parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from foreman import actions
    from foreman.config import find_config, load_config
    from foreman.gate.bundles import load_plan
    from foreman.gate.model import GateOptions
    from foreman.gate.publish import publish
    from foreman.gate.run import run_gate
    from foreman.terminal import chosen

    root = Path(args.root)
    config_path = find_config(root, args.config or settings.foreman.config)
    config = load_config(config_path, display=_relative(config_path, root))
    github = settings.github
    token = github.token
    actions.register_secret(token)
    api_key = settings.llm.api_key
    actions.register_secret(api_key)
    plan = load_plan(args.plan, settings.foreman.plan)
    options = GateOptions(
        plan=plan,
        bundles=Path(args.bundles),
        root=root,
        config=config,
        config_file=_relative(config_path, root),
        dry_run=bool(args.dry_run),
        token=token,
        api_key=api_key,
        api_url=github.api_url,
        repo=plan.repo or github.repository,
        throttle=github.throttle,
        prs_run_ci=not github.token_is_job_token,
        env=settings.environ,
    )
    report = run_gate(options)
    publish(report, text_format=chosen(args.format) == "text")
    return report.exit_code


def _relative(path: Path | None, root: Path) -> str | None:
    if path is None:
        return None
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
