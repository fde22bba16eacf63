"""When the gate may merge a change it opened a pull request for."""

from __future__ import annotations

from foreman.config.models import Config
from foreman.gate.checks.context import tests_state
from foreman.gate.model import Assessment


def merge_block(a: Assessment, config: Config, lines: int) -> str | None:
    """Why ``a`` may never be merged by the gate, or ``None`` (checks still decide later)."""
    merge = config.gate.merge
    if not merge.enabled:
        return "merging is off (gate.merge.enabled)"
    if a.worker not in merge.workers:
        return f"worker '{a.worker}' is not in gate.merge.workers"
    if lines > merge.max_changed_lines:
        limit = merge.max_changed_lines
        return f"{lines} changed lines exceed gate.merge.max_changed_lines ({limit})"
    if a.draft_reasons:
        return a.draft_reasons[0]
    if merge.checks == "worker-tests" and tests_state(a.bundle.result.tests) != "pass":
        return "gate.merge.checks is worker-tests and the bundle has no passing tests"
    return None
