"""The plan's step summary: a table of tasks and a mermaid flowchart."""

from __future__ import annotations

import re

from foreman.actions import md_escape
from foreman.contracts import Plan
from foreman.mdtext import code


def _mermaid_label(text: str) -> str:
    """Text safe inside a quoted mermaid label (``["..."]``): quotes, brackets, markdown and
    HTML characters become spaces."""
    return " ".join(re.sub(r"[^A-Za-z0-9 #:.,_/-]", " ", text)[:60].split()) or "-"


def _event(plan: Plan) -> str:
    return plan.event_name + (f".{plan.action}" if plan.action else "")


def _flowchart(plan: Plan) -> list[str]:
    """Event -> item nodes, and an edge from each item to each of its tasks."""
    event = _event(plan)
    items = {(i.kind or "item", i.number) for i in plan.items} or {("item", None)}
    lines = []
    for kind, number in sorted(items, key=lambda x: x[1] or 0):
        what = f"{kind.replace('_', ' ')} #{number}" if number else "no item"
        lines.append(f'  ev{number or 0}["{_mermaid_label(f"{event}: {what}")}"]')
    for n, t in enumerate(plan.tasks):
        conf = "" if t.confidence is None else f" {t.confidence:.2f}"
        label = _mermaid_label(f"{t.worker}, {t.layer}{conf}")
        lines.append(f'  ev{t.item.number or 0} --> t{n}["{label}"]')
    return lines


def plan_markdown(plan: Plan) -> str:
    lines = [f"### foreman plan: {_event(plan)}", ""]
    if plan.dry_run:
        lines += ["**Dry run**: the gate will write nothing.", ""]
    if plan.skipped:
        lines += [f"Nothing to do: {md_escape(plan.skipped)}", ""]
    if plan.tasks:
        lines += [
            "| task | worker | decided by | confidence | reason | evidence |",
            "|---|---|---|---|---|---|",
        ]
        for t in plan.tasks:
            conf = "-" if t.confidence is None else f"{t.confidence:.2f}"
            evidence = md_escape(", ".join(t.evidence)) or "-"
            lines.append(
                f"| {code(t.id, cell=True)} | {md_escape(t.worker)} | {t.layer} | {conf} | "
                f"{md_escape(t.reason)} | {evidence} |"
            )
        lines += ["", "```mermaid", "flowchart LR", *_flowchart(plan)]
        lines += ["```", ""]
    if plan.notes:
        lines += ["**Notes for the gate**", ""]
        lines += [f"- {n.kind}: {md_escape(n.text)}" for n in plan.notes]
        lines.append("")
    lines.append(
        f"LLM calls: {plan.llm_calls} · tokens: {plan.llm_tokens} · REST calls: {plan.rest_calls}"
    )
    return "\n".join(lines)


def plan_text(plan: Plan, output: str | None = None) -> str:
    """The plan for a terminal: the decision per task, the notes, where the whole plan is."""
    from foreman.terminal import clean, table

    head = f"foreman plan: {_event(plan)}" + (" (dry run: the gate will write nothing)"
                                              if plan.dry_run else "")  # fmt: skip
    lines = [head, ""]
    if plan.skipped:
        lines += [f"Nothing to do: {clean(plan.skipped)}", ""]
    if plan.tasks:
        rows = [
            (t.id, t.worker, t.layer, "-" if t.confidence is None else f"{t.confidence:.2f}",
             t.reason or "-")
            for t in plan.tasks
        ]  # fmt: skip
        lines += [table(("task", "worker", "decided by", "conf", "why"), rows, width=70), ""]
        for t in plan.tasks:
            if t.evidence:
                lines.append(f"  {clean(t.id)} evidence: {clean('; '.join(t.evidence), 200)}")
        if any(t.evidence for t in plan.tasks):
            lines.append("")
    for n in plan.notes:
        where = f"#{n.item} " if n.item else ""
        lines.append(f"note {where}{n.kind}: {clean(n.text, 400)}")
    if plan.notes:
        lines.append("")
    lines.append(
        f"LLM calls: {plan.llm_calls} · tokens: {plan.llm_tokens} · REST calls: {plan.rest_calls}"
    )
    lines.append(
        f"The whole plan (with each task's brief) is in {output}."
        if output
        else "The whole plan as JSON: --format json, or --output FILE."
    )
    return "\n".join(lines)
