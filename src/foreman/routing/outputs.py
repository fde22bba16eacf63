"""What the plan step hands on (S19: GitHub allows 1 MB of step outputs per job): the
``matrix`` of what each work job needs to start, the ``plan`` output (the plan itself when it
fits in ``PLAN_OUTPUT_LIMIT`` bytes, a summary that says so when it does not), the step
summary, and the whole plan as a file. Outputs are UTF-8, never ``\\uXXXX`` escapes."""

from __future__ import annotations

import json

from foreman import actions
from foreman.contracts import Plan
from foreman.routing.report import plan_markdown, plan_text
from foreman.terminal import show

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


def emit(plan: Plan, output: str | None, fmt: str = "json", text: str | None = None) -> None:
    """Outputs and summary; stdout: the plan JSON (json, when there is no step summary) or a
    readable summary (text) that names ``output``, the file the command wrote ``text`` (the
    plan's JSON) to."""
    text = plan.model_dump_json(indent=2) if text is None else text
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
