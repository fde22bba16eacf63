"""``review``: a separate reviewer session that sees only the brief and the diff.

It runs after a code-writing worker whose spec has ``review: true`` produced a
non-empty patch (:func:`review_patch`, called by the runner), through the
tool-less reviewer of :mod:`foreman.llm.review` (the gate runs the same one).
Its context is isolated: none of the worker's conversation, tools or output
reaches it. Without a key the review is absent (``None``). This verdict is
shown to people in the PR body; the gate never merges on it (S08).

As a task of its own (``worker: review``) it reviews the checkout's last
commit against its parent, e.g. a pull request's head.
"""

from __future__ import annotations

from dataclasses import dataclass

from foreman.config import worker_spec
from foreman.contracts import ReviewVerdict
from foreman.errors import ForemanError
from foreman.workers.context import WorkContext, WorkerOutcome
from foreman.workers.prompts import job_text


def review_patch(ctx: WorkContext, patch: str) -> tuple[ReviewVerdict | None, str]:
    """The reviewer's verdict on ``patch``, or ``None`` and why it is absent."""
    why = ctx.llm.missing()
    if why is not None:
        return None, f"no review: {why}"
    from foreman.llm.review import review_diff

    spec = worker_spec(ctx.config, "review")
    try:
        verdict, usage = review_diff(
            ctx.client(),
            model=ctx.model(spec.model),
            job=job_text(spec),
            brief=ctx.task.brief,
            diff=patch,
            max_tokens=min(4096, spec.max_tokens),
        )
    except ForemanError as err:
        return None, f"no review: {err.title}: {err.message}"
    ctx.meter.turns += 1
    ctx.meter.llm.add(usage)
    return verdict, ""


@dataclass(frozen=True)
class Review:
    kind: str = "review"

    def run(self, ctx: WorkContext) -> WorkerOutcome:
        if ctx.snapshot.base_sha is None:
            return WorkerOutcome(verdict="needs_human", reason="nothing to review: no commit")
        parent = ctx.snapshot.git("rev-parse", "-q", "--verify", "HEAD~1", check=False).strip()
        if not parent:
            return WorkerOutcome(
                verdict="needs_human", reason="nothing to review: HEAD has no parent"
            )
        patch = ctx.snapshot.git("diff", "--no-ext-diff", "--no-textconv", parent, "HEAD")
        verdict, why = review_patch(ctx, patch)
        if verdict is None:
            return WorkerOutcome(verdict="needs_human", reason=why)
        return WorkerOutcome(
            verdict="proposed", review=verdict, reason=f"review: {verdict.verdict}"
        )
