"""``foreman plan``: read the event and config, route, emit the matrix. Never writes to GitHub.

Step outputs are small whatever the items say (S19: GitHub allows 1 MB per job). The
matrix holds what a work job needs to start (task id, worker, the ref to check out);
the whole plan goes to ``--output`` (the action writes ``$RUNNER_TEMP/foreman-plan.json``,
which the reusable workflow uploads for the work and gate jobs); the ``plan`` output is
the plan itself when it fits in ``PLAN_OUTPUT_LIMIT`` bytes and a summary that says so
when it does not (``foreman.routing.outputs``). Outputs are UTF-8, never ``\\uXXXX`` escapes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from foreman.commands import output_file, write_output
from foreman.config import find_config, load_config
from foreman.events import load_event
from foreman.routing.outputs import emit
from foreman.routing.planner import make_plan
from foreman.settings import Settings
from foreman.terminal import add_format_argument, chosen


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--event", help="event payload JSON (default: $GITHUB_EVENT_PATH)")
    parser.add_argument("--event-name", help="event name (default: $GITHUB_EVENT_NAME or inferred)")
    parser.add_argument("--config", help="config file (default: .github/foreman.yml)")
    parser.add_argument("--root", default=".", help="repository checkout (default: .)")
    parser.add_argument(
        "--dry-run", action="store_true", help="plan for a gate that writes nothing"
    )
    parser.add_argument("--output", type=output_file, help="also write the plan JSON to this file")
    parser.add_argument(
        "--learned-model",
        help="the learn job's model (restored from the Actions cache); used when it was"
        " learned for this repository and routing.classifier.model is not set",
    )
    add_format_argument(parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    root = Path(args.root)
    config = load_config(find_config(root, args.config or settings.foreman.config))
    event = load_event(args.event, args.event_name, settings.github)
    learned = Path(args.learned_model) if args.learned_model else None
    plan = make_plan(event, config, root=root, dry_run=bool(args.dry_run), settings=settings,
                     learned=learned)  # fmt: skip
    text = plan.model_dump_json(indent=2)
    if args.output:
        write_output(args.output, text + "\n")
    emit(plan, args.output, chosen(args.format), text)
    return 0
