"""The plan's step summary: task table, mermaid flowchart, notes, counters."""

from __future__ import annotations

from foreman.contracts import ItemRef, Note, Plan, Task
from foreman.routing.report import plan_markdown


def _plan(**kw: object) -> Plan:
    issue = ItemRef(repo="o/r", number=12, kind="issue", title="Crash")
    pr = ItemRef(repo="o/r", number=15, kind="pull_request", title="Docs")
    tasks = [
        Task(
            id="issues-12-debug",
            worker="debug",
            brief="b",
            item=issue,
            layer="classifier",
            confidence=0.98,
            reason="classified as bug (0.98)",
            evidence=["a stack trace", 'heading "x|y"'],
        ),
        Task(
            id="pr-15-docs",
            worker="docs",
            brief="b",
            item=pr,
            layer="rules",
            reason="rule 'docs' | matched\nlabels",
        ),
    ]
    base: dict[str, object] = {
        "event_name": "issues",
        "action": "opened",
        "items": [issue, pr],
        "tasks": tasks,
        "llm_calls": 1,
        "llm_tokens": 1234,
        "rest_calls": 2,
    }
    base.update(kw)
    return Plan.model_validate(base)


def _mermaid(md: str) -> list[str]:
    start = md.index("```mermaid\n") + len("```mermaid\n")
    return md[start : md.index("\n```", start)].splitlines()


def test_table_has_a_row_per_task_with_layer_confidence_reason_and_evidence() -> None:
    md = plan_markdown(_plan())
    assert md.startswith("### foreman plan: issues.opened\n")
    rows = [line for line in md.splitlines() if line.startswith("| `")]
    assert rows == [
        r"| `issues-12-debug` | debug | classifier | 0.98 | classified as bug (0.98) |"
        r' a stack trace, heading "x\|y" |',
        r"| `pr-15-docs` | docs | rules | - | rule 'docs' \| matched labels | - |",
    ]


def test_flowchart_links_each_item_to_its_tasks() -> None:
    assert _mermaid(plan_markdown(_plan())) == [
        "flowchart LR",
        '  ev12["issues.opened: issue #12"]',
        '  ev15["issues.opened: pull request #15"]',
        '  ev12 --> t0["debug, classifier 0.98"]',
        '  ev15 --> t1["docs, rules"]',
    ]


def test_flowchart_labels_cannot_break_out_of_their_quotes() -> None:
    plan = _plan(event_name='issues"]; click ev12 "https://x', action="opened<script>")
    for line in _mermaid(plan_markdown(plan))[1:]:
        label = line[line.index('["') + 2 : line.rindex('"]')]
        assert not set(label) & set('"[]<>;'), line


def test_an_event_without_an_item_and_notes_and_counters() -> None:
    task = Task(id="wd-triage", worker="triage", brief="b", layer="dispatch")
    plan = _plan(
        event_name="workflow_dispatch",
        action=None,
        items=[],
        tasks=[task],
        dry_run=True,
        notes=[Note(kind="refused", text="@mallory may not start *debug*", item=3)],
    )
    md = plan_markdown(plan)
    assert "**Dry run**: the gate will write nothing." in md
    assert _mermaid(md)[1:] == [
        '  ev0["workflow_dispatch: no item"]',
        '  ev0 --> t0["triage, dispatch"]',
    ]
    assert r"- refused: @mallory may not start \*debug\*" in md
    assert md.endswith("LLM calls: 1 · tokens: 1234 · REST calls: 2")


def test_a_skipped_event_has_no_table_or_flowchart() -> None:
    md = plan_markdown(_plan(tasks=[], skipped="comment has no /foreman command"))
    assert "Nothing to do: comment has no /foreman command" in md
    assert "| task |" not in md and "mermaid" not in md
