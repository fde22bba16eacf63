"""``foreman ack``: the first response on the item, from the plan file alone (U01).

A 👀 reaction on the issue, PR or comment that triggered the run and the status comment with
the planned tasks and a link to the run, written while the workers start. The gate later
updates that same comment. Skipped (exit 0) in a dry run and when the plan has nothing to say.
"""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING

from foreman.commands import some_path

if TYPE_CHECKING:
    from foreman.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--plan", type=some_path, help="the plan JSON file (default: $FOREMAN_PLAN as JSON)"
    )
    parser.add_argument("--dry-run", action="store_true", help="write nothing")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from foreman import actions
    from foreman.gate.ack import acknowledge, skip_reason
    from foreman.gate.bundles import load_plan

    plan = load_plan(args.plan, settings.foreman.plan)
    why = skip_reason(plan, bool(args.dry_run))
    if why is not None:
        actions.info(f"foreman ack: nothing written: {why}")
        return 0
    actions.register_secret(settings.github.token)
    done = acknowledge(plan, settings.github, sleep=time.sleep)
    reacted = f"reacted as @{done.reacted_as}" if done.reacted_as else "no reaction"
    actions.info(f"foreman ack: #{done.number}: {reacted}; status comment {done.comment}")
    return 0
