"""Policy: every check on one bundle, each with its reason, and the action it leads to.

Pure: the bundle, the config read from the default branch and the checkout
go in; an :class:`Assessment` comes out. Nothing a worker or an issue *says*
changes the outcome — only typed fields (verdict, tests, review) and the
patch itself are read, and the patch is checked, not believed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from foreman.config.models import Config
from foreman.config.workers import worker_spec
from foreman.contracts import Result, TestRun
from foreman.gate.base import Reader, materialize
from foreman.gate.bundles import Bundle
from foreman.gate.model import Assessment, Check
from foreman.gate.patch import PatchError, parse
from foreman.gate.patch_limits import size_problem
from foreman.gate.secrets import SecretHit, scan_fields, scan_patch, scan_text
from foreman.paths import matches_any, normalize


@dataclass(frozen=True)
class PolicyContext:
    config: Config
    protected: tuple[str, ...]  # gate.protected_paths + the config file itself
    job_secrets: tuple[str, ...]
    checkout: Reader | None  # None: the patch is checked against its real base when written


def tests_state(tests: Sequence[TestRun]) -> str:
    """``pass`` (all that ran passed), ``fail``, or ``none`` (nothing ran)."""
    ran = [t for t in tests if t.after != "not_run"]
    if not ran:
        return "none"
    return "pass" if all(t.after == "pass" for t in ran) else "fail"


def _secret_detail(hits: list[SecretHit]) -> str:
    shown = ", ".join(str(h) for h in hits[:5])
    return shown + (f" and {len(hits) - 5} more" if len(hits) > 5 else "")


def text_fields(r: Result) -> dict[str, str]:
    review = " ".join(r.review.reasons) if r.review else ""
    return {
        "test commands": " ".join(t.command for t in r.tests),
        "result title": r.title,
        "result body": r.body,
        "result comment": r.comment or "",
        "result reason": r.reason,
        "result labels": " ".join(r.labels),
        "review reasons": review,
    }


def _unsafe(path: str) -> bool:
    parts = path.split("/")
    return (
        not path
        or path.startswith("/")
        or "\\" in path
        or "\0" in path
        or normalize(path) != path
        or any(p in ("", ".", "..") for p in parts)
        or any(p.lower() == ".git" for p in parts)
    )


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
        a.checks.append(Check("secrets", False, _secret_detail(text_hits)))
        a.action, a.reason = "blocked", f"secret in the result: {_secret_detail(text_hits)}"
        return a
    if r.verdict == "failed":
        a.action, a.reason = "failed", r.reason or "the worker reported a failure"
        return a
    if r.verdict == "needs_human":
        a.action, a.reason = "ask-human", r.reason or "the worker asks for a maintainer"
        return a
    if not (spec.writes_code and b.task.writes_code) or spec.kind == "triage":
        if b.patch.strip():
            a.action, a.reason = "blocked", f"worker '{spec.name}' may not change files"
            a.checks.append(Check("allowed paths", False, "this worker writes no code"))
            return a
        _labels(a, r, cfg.labels.allowed)
        a.action = "triage"
        a.reason = r.reason
        return a
    if r.verdict == "no_change" or not b.patch.strip():
        a.reason = r.reason or "the worker proposed no change"
        return a
    _assess_change(a, b, ctx)
    _labels(a, r, cfg.labels.allowed)
    return a


def _assess_change(a: Assessment, b: Bundle, ctx: PolicyContext) -> None:
    cfg = ctx.config.gate
    spec = worker_spec(ctx.config, b.task.worker)

    def block(name: str, detail: str) -> None:
        a.checks.append(Check(name, False, detail))
        if a.action != "blocked":
            a.action, a.reason = "blocked", f"{name}: {detail}"

    try:
        patches = parse(b.patch)
    except PatchError as err:
        block("patch parses", str(err))
        return
    if not patches:
        block("patch parses", "no file in the patch")
        return
    a.patches = patches
    a.checks.append(Check("patch parses", True, f"{len(patches)} file(s)"))
    # Secrets first: once one is found, no other check may quote a path or a line.
    hits = scan_patch({fp.path: fp.added_lines() for fp in patches}, ctx.job_secrets)
    old = [fp.old_path for fp in patches if fp.old_path and fp.old_path != fp.new_path]
    hits += [h for path in old for h in scan_text(path, "an old file name", ctx.job_secrets)]
    if hits:
        block("secrets", _secret_detail(hits))
        return
    a.checks.append(Check("secrets", True, "no secret in added lines"))
    paths = sorted({p for fp in patches for p in fp.paths})
    unsafe = [p for p in paths if _unsafe(p)]
    odd = [fp.path for fp in patches if fp.binary]
    if unsafe:
        block("safe paths", f"unsafe path(s): {', '.join(unsafe[:5])}")
        return  # nothing below may touch such a path
    if odd:
        block("safe paths", f"binary change(s) are not supported: {', '.join(odd[:5])}")
    else:
        a.checks.append(Check("safe paths", True))

    allowed = list(spec.allowed_paths)
    task_allowed = b.task.allowed_paths
    outside = [
        p
        for p in paths
        if not matches_any(p, allowed)
        or (task_allowed is not None and not matches_any(p, task_allowed))
    ]
    if outside:
        block("allowed paths", f"outside the worker's allowed paths: {', '.join(outside[:5])}")
    else:
        a.checks.append(Check("allowed paths", True))

    lines = sum(fp.additions + fp.deletions for fp in patches)
    if heavy := size_problem(patches, cfg.max_changed_lines):  # context lines count (S18)
        block("size", heavy)
    elif len(paths) > cfg.max_files or lines > cfg.max_changed_lines:
        block(
            "size",
            f"{len(paths)} file(s), {lines} changed line(s); limits are {cfg.max_files} "
            f"files and {cfg.max_changed_lines} lines",
        )
    else:
        a.checks.append(Check("size", True, f"{len(paths)} file(s), {lines} line(s)"))

    _evidence(a, b, block, require_tests=cfg.require_tests and spec.writes_code)
    need_review = cfg.require_review and b.task.review
    review = b.result.review
    if need_review and review is None:
        a.checks.append(Check("review", True, "no reviewer verdict: the PR stays a draft"))
        a.draft_reasons.append("no reviewer verdict")
    elif review is not None and review.verdict == "request_changes":
        block("review", "the reviewer requested changes")
    else:
        a.checks.append(Check("review", True, review.verdict if review else "not required"))

    if a.action != "blocked" and ctx.checkout is None:
        a.checks.append(Check("applies", True, "checked against the PR head when written"))
    elif a.action != "blocked" and ctx.checkout is not None:
        try:
            a.files = materialize(patches, ctx.checkout)
            a.checks.append(Check("applies", True, "applies cleanly to the default branch"))
        except PatchError as err:
            block("applies", str(err))
    if a.action == "blocked":
        return

    a.protected = [p for p in paths if matches_any(p, ctx.protected)]
    a.action, a.reason = "change", b.result.reason
    if a.protected:
        names = ", ".join(a.protected[:5])
        if b.task.worker in cfg.allow_protected:
            a.checks.append(Check("protected paths", True, f"{names}: PR only, never merged"))
            a.draft_reasons.append("it edits protected paths")
            a.merge_block = f"it edits protected paths ({names})"
        else:
            a.checks.append(Check("protected paths", False, names))
            a.action = "ask-human"
            a.reason = (
                f"it edits protected paths ({names}) and worker '{b.task.worker}' "
                "is not in gate.allow_protected"
            )
            return
    else:
        a.checks.append(Check("protected paths", True, "none touched"))
    a.merge_block = a.merge_block or _merge_block(a, ctx.config, lines)


def _evidence(
    a: Assessment, b: Bundle, block: Callable[[str, str], None], *, require_tests: bool
) -> None:
    state = tests_state(b.result.tests)
    if not require_tests:
        a.checks.append(Check("tests", True, f"not required ({state})"))
    elif state == "fail":
        block("tests", "the bundle's tests do not pass after the change")
    elif state == "none":
        a.checks.append(Check("tests", True, "no test ran: the PR stays a draft"))
        a.draft_reasons.append("no test evidence")
    else:
        a.checks.append(Check("tests", True, "passed"))


def _merge_block(a: Assessment, config: Config, lines: int) -> str | None:
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
