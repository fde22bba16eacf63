"""``foreman plan``: read the event and config, route, emit the matrix. Never writes to GitHub.

Step outputs are small whatever the items say (S19: GitHub allows 1 MB per job). The
matrix holds what a work job needs to start (task id, worker, the ref to check out);
the whole plan goes to ``--output`` (the action writes ``$RUNNER_TEMP/foreman-plan.json``,
which the reusable workflow uploads for the work and gate jobs); the ``plan`` output is
the plan itself when it fits in ``PLAN_OUTPUT_LIMIT`` bytes and a summary that says so
when it does not. Outputs are UTF-8, never ``\\uXXXX`` escapes.
"""

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
from foreman.routing.report import plan_markdown, plan_text
from foreman.settings import Settings
from foreman.terminal import add_format_argument, chosen, show


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
    emit(plan, args.output, chosen(args.format))
    return 0


PLAN_OUTPUT_LIMIT = 64_000  # bytes of the `plan` output; the whole plan is in the file
SUMMARY_LIMIT = 256_000  # bytes of the step summary (GitHub takes up to 1 MiB per step)


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def matrix(plan: Plan) -> dict[str, list[dict[str, str]]]:
    """The ``strategy.matrix``: per task its id, worker and the ref its job checks out
    (a same-repository PR's head; empty: the default branch). The task is in the plan file."""
    return {
        "include": [
            {
                "id": t.id,
                "worker": t.worker,
                "ref": (t.item.head_sha or "") if not t.item.is_fork else "",
            }
            for t in plan.tasks
        ]
    }


def plan_output(plan: Plan) -> str:
    """The plan as one line of JSON, or, past ``PLAN_OUTPUT_LIMIT``, a summary saying so."""
    full = plan.model_dump_json()
    size = len(full.encode("utf-8"))
    if size <= PLAN_OUTPUT_LIMIT:
        return full
    tasks = [{"id": t.id, "worker": t.worker, "layer": t.layer, "item": t.item.number}
             for t in plan.tasks]  # fmt: skip
    summary: dict[str, object] = {
        "truncated": f"the plan is {size} bytes; this output keeps {PLAN_OUTPUT_LIMIT} at most:"
        " the whole plan is the plan step's file (the foreman-plan artifact)",
        "version": plan.version, "repo": plan.repo, "event_name": plan.event_name,
        "action": plan.action, "dry_run": plan.dry_run, "skipped": plan.skipped,
        "items": [i.number for i in plan.items], "tasks": tasks,
    }  # fmt: skip
    while len(_compact(summary).encode("utf-8")) > PLAN_OUTPUT_LIMIT and tasks:
        del tasks[len(tasks) // 2 :]  # hundreds of tasks: keep the first ones, say how many
        summary["tasks_shown"] = f"{len(tasks)} of {len(plan.tasks)}"
    return _compact(summary)


def _summary(plan: Plan) -> str:
    text = plan_markdown(plan)
    data = text.encode("utf-8")
    if len(data) <= SUMMARY_LIMIT:
        return text
    cut = data[:SUMMARY_LIMIT].decode("utf-8", "ignore").rsplit("\n", 1)[0]
    return cut + f"\n\n*(summary cut at {SUMMARY_LIMIT} bytes of {len(data)}: see the plan file)*"


def emit(plan: Plan, output: str | None, fmt: str = "json") -> None:
    """Outputs, summary and file; stdout: the plan JSON (json, when there is no step summary)
    or a readable summary (text)."""
    text = plan.model_dump_json(indent=2)
    if output:
        write_output(output, text + "\n")
    actions.set_output("matrix", _compact(matrix(plan)))
    actions.set_output("count", str(len(plan.tasks)))
    actions.set_output("skipped", "true" if plan.skipped is not None else "false")
    actions.set_output("plan", plan_output(plan))
    summarised = actions.add_summary(_summary(plan))
    if fmt == "text":
        show(plan_text(plan, output))
    elif not summarised:
        print(text)
    if summarised and plan.skipped:
        actions.annotate("notice", f"nothing to do: {plan.skipped}")
