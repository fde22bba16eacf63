"""``foreman plan``: read the event and config, route, emit the matrix. Never writes to GitHub."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from foreman import actions
from foreman.commands import output_file, write_output
from foreman.config import find_config, load_config
from foreman.contracts import Plan
from foreman.events import load_event
from foreman.routing.planner import make_plan
from foreman.routing.report import plan_markdown


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--event", help="event payload JSON (default: $GITHUB_EVENT_PATH)")
    parser.add_argument("--event-name", help="event name (default: $GITHUB_EVENT_NAME or inferred)")
    parser.add_argument("--config", help="config file (default: .github/foreman.yml)")
    parser.add_argument("--root", default=".", help="repository checkout (default: .)")
    parser.add_argument(
        "--dry-run", action="store_true", help="plan for a gate that writes nothing"
    )
    parser.add_argument("--output", type=output_file, help="also write the plan JSON to this file")


def run(args: argparse.Namespace) -> int:
    root = Path(args.root)
    config = load_config(find_config(root, args.config))
    event = load_event(args.event, args.event_name)
    plan = make_plan(event, config, root=root, dry_run=bool(args.dry_run))
    emit(plan, args.output)
    return 0


def emit(plan: Plan, output: str | None) -> None:
    text = plan.model_dump_json(indent=2)
    if output:
        write_output(output, text + "\n")
    actions.set_output("matrix", json.dumps(plan.matrix(), separators=(",", ":")))
    actions.set_output("count", str(len(plan.tasks)))
    actions.set_output("plan", plan.model_dump_json())
    if not actions.add_summary(plan_markdown(plan)):
        print(text)
    elif plan.skipped:
        actions.annotate("notice", f"nothing to do: {plan.skipped}")
