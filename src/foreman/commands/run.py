"""``foreman run``: the whole pipeline on one's own machine, writing nothing to GitHub.

Plans the event against the workspace, runs each task's worker in its own temporary copy of
the workspace (the worker code applies the sandbox itself), writes the bundles as
``foreman-bundle-<task id>/`` and runs the gate in dry run: it prints what would be written
(labels, the status comment, the pull request's title, body and diff stat, merge or ask).

Nothing is read from GitHub either (no token is used, so rules on changed paths are not
evaluated: the plan says so in a note). Without ``ANTHROPIC_API_KEY`` it runs offline: rules,
the classifier, command workers (lint-fix) and triage; agent workers are listed as not run.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from foreman import actions
from foreman.commands import some_path
from foreman.terminal import add_format_argument

if TYPE_CHECKING:
    from foreman.contracts import Plan
    from foreman.gate.model import GateReport
    from foreman.local_run import Worked
    from foreman.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--event", required=True, type=some_path, help="event payload JSON")
    parser.add_argument("--event-name", help="event name (default: inferred from the payload)")
    parser.add_argument(
        "--workspace", default=".", type=some_path, help="the repository (default: .)"
    )
    parser.add_argument("--config", help="config file (default: .github/foreman.yml in it)")
    parser.add_argument("--out", type=some_path, help="keep the plan and bundles in this directory")
    add_format_argument(parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from foreman.config import find_config, load_config
    from foreman.events import load_event
    from foreman.local_run import pipeline

    workspace = Path(args.workspace).resolve()
    if not workspace.is_dir():
        from foreman.errors import UsageError

        raise UsageError(f"--workspace {args.workspace}: not a directory")
    config_path = find_config(workspace, args.config or settings.foreman.config)
    config = load_config(config_path)
    event = load_event(args.event, args.event_name, settings.github)
    with tempfile.TemporaryDirectory(prefix="foreman-run-") as tmp:
        keep = Path(args.out) if args.out else Path(tmp)
        keep.mkdir(parents=True, exist_ok=True)
        plan, worked, report = pipeline(
            event, config, _relative(config_path, workspace), workspace=workspace,
            tmp=Path(tmp), keep=keep, settings=settings,
        )  # fmt: skip
        _print(args.format, plan, worked, report, keep if args.out else None)
    return 0


def _relative(path: Path | None, root: Path) -> str | None:
    if path is None:
        return None
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return None


def _print(
    fmt: str | None, plan: Plan, worked: list[Worked], report: GateReport, kept: Path | None
) -> None:
    from foreman.local_report import as_json, as_text
    from foreman.terminal import chosen, show

    if chosen(fmt) == "text":
        show(as_text(plan, worked, report, kept))
    else:
        text = json.dumps(as_json(plan, worked, report), ensure_ascii=False, indent=2)
        print(actions.redact(text))
