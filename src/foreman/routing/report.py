"""The plan's step summary: a table of tasks and a mermaid flowchart."""

from __future__ import annotations

import re

from foreman.actions import md_escape
from foreman.contracts import Plan


def _mermaid_label(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9 #:._/-]", " ", text)[:60].strip() or "-"


def plan_markdown(plan: Plan) -> str:
    head = f"### foreman plan: {plan.event_name}" + (f".{plan.action}" if plan.action else "")
    lines = [head, ""]
    if plan.dry_run:
        lines += ["**Dry run**: the gate will write nothing.", ""]
    if plan.skipped:
        lines += [f"Nothing to do: {md_escape(plan.skipped)}", ""]
    if plan.tasks:
        lines += ["| task | worker | decided by | confidence | reason |", "|---|---|---|---|---|"]
        for t in plan.tasks:
            conf = "-" if t.confidence is None else f"{t.confidence:.2f}"
            lines.append(
                f"| `{md_escape(t.id)}` | {md_escape(t.worker)} | {t.layer} | {conf} | "
                f"{md_escape(t.reason)} |"
            )
        lines += ["", "```mermaid", "flowchart LR"]
        items = {(i.kind or "item", i.number) for i in plan.items} or {("item", None)}
        for kind, number in sorted(items, key=lambda x: x[1] or 0):
            lines.append(
                f'  ev{number or 0}["{_mermaid_label(f"{plan.event_name} {kind} #{number}")}"]'
            )
        for n, t in enumerate(plan.tasks):
            label = _mermaid_label(f"{t.worker} ({t.layer})")
            lines.append(f'  ev{t.item.number or 0} --> t{n}["{label}"]')
        lines += ["```", ""]
    if plan.notes:
        lines += ["**Notes for the gate**", ""]
        lines += [f"- {n.kind}: {md_escape(n.text)}" for n in plan.notes]
        lines.append("")
    lines.append(
        f"LLM calls: {plan.llm_calls} · tokens: {plan.llm_tokens} · REST calls: {plan.rest_calls}"
    )
    return "\n".join(lines)
