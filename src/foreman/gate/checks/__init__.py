"""Policy: every check on one bundle, each with its reason, and the action it leads to.

Pure: the bundle, the config read from the default branch and the checkout
go in; an :class:`Assessment` comes out. Nothing a worker or an issue *says*
changes the outcome — only typed fields (verdict, tests, review) and the
patch itself are read, and the patch is checked, not believed.

The checks of a proposed change are in :mod:`.change`, in the order they
run; path rules in :mod:`.paths`; when a change may be merged in :mod:`.merge`.
"""

from __future__ import annotations

from collections.abc import Sequence

from foreman.config.workers import worker_spec
from foreman.contracts import Result
from foreman.gate.bundles import Bundle
from foreman.gate.checks.change import assess_change
from foreman.gate.checks.context import PolicyContext, secret_detail, tests_state, text_fields
from foreman.gate.model import Assessment
from foreman.gate.secrets import scan_fields

__all__ = ["PolicyContext", "assess", "tests_state", "text_fields"]


def _labels(a: Assessment, r: Result, allowed: Sequence[str]) -> None:
    by_lower = {name.lower(): name for name in allowed}
    for name in dict.fromkeys(r.labels):
        if name.lower() in by_lower:
            a.labels.append(by_lower[name.lower()])
        else:
            a.dropped_labels.append(name)


def assess(b: Bundle, ctx: PolicyContext) -> Assessment:
    r, cfg = b.result, ctx.config.gate
    spec = worker_spec(ctx.config, b.task.worker)
    a = Assessment(bundle=b, action="no-change")
    text_hits = scan_fields(text_fields(r), ctx.job_secrets)
    if text_hits:
        a.block("secrets", secret_detail(text_hits))
        a.reason = f"secret in the result: {secret_detail(text_hits)}"
        return a
    if r.verdict == "failed":
        a.action, a.reason = "failed", r.reason or "the worker reported a failure"
        return a
    if r.verdict == "needs_human":
        a.action, a.reason = "ask-human", r.reason or "the worker asks for a maintainer"
        return a
    if not (spec.writes_code and b.task.writes_code) or spec.kind == "triage":
        if b.patch.strip():
            a.block("allowed paths", "this worker writes no code")
            a.reason = f"worker '{spec.name}' may not change files"
            return a
        _labels(a, r, cfg.labels.allowed)
        a.action = "triage"
        a.reason = r.reason
        return a
    if r.verdict == "no_change" or not b.patch.strip():
        a.reason = r.reason or "the worker proposed no change"
        return a
    assess_change(a, b, ctx)
    _labels(a, r, cfg.labels.allowed)
    return a
