"""The checks of a proposed change, in the order they run.

Each check records itself on the :class:`Assessment` (``passed`` or
``block``). Secrets come first: once one is found, no other check may quote a
path or a line. An unsafe path stops everything after it.
"""

from __future__ import annotations

from foreman.config.workers import worker_spec
from foreman.gate.base import materialize
from foreman.gate.bundles import Bundle
from foreman.gate.checks.context import PolicyContext, secret_detail, tests_state
from foreman.gate.checks.merge import merge_block
from foreman.gate.checks.paths import protected, unsafe
from foreman.gate.checks.tests_kept import tests_kept
from foreman.gate.model import Assessment, Check
from foreman.gate.patch import FilePatch, PatchError, parse
from foreman.gate.patch_limits import size_problem
from foreman.gate.secrets import scan_patch, scan_text
from foreman.lintcount import compare
from foreman.paths import matches_any


def assess_change(a: Assessment, b: Bundle, ctx: PolicyContext) -> None:
    patches = patch_parses(a, b.patch)
    if patches is None:
        return
    a.patches = patches
    if not no_secrets(a, patches, ctx) or not safe_paths(a, patches):
        return
    paths = sorted({p for fp in patches for p in fp.paths})
    allowed_paths(a, b, paths, ctx)
    size(a, patches, paths, ctx)
    test_evidence(a, b, ctx)
    worker_review(a, b)
    applies(a, patches, ctx)
    lint_progress(a, b, ctx)
    if a.blocked:
        return
    a.action, a.reason = "change", b.result.reason
    if not tests_kept(a, patches, b.task.item.event_name):
        return
    if not needs_maintainer(a, b, patches, paths, ctx):
        return
    gate_review(a, b, ctx)  # last: the model is asked only about a patch that will be written
    if a.blocked:
        return
    gate_rerun(a, b, ctx)
    a.merge_block = a.merge_block or merge_block(a, ctx.config, a.changed_lines)


def patch_parses(a: Assessment, text: str) -> list[FilePatch] | None:
    try:
        patches = parse(text)
    except PatchError as err:
        a.block("patch parses", str(err))
        return None
    if not patches:
        a.block("patch parses", "no file in the patch")
        return None
    a.passed("patch parses", f"{len(patches)} file(s)")
    return patches


def no_secrets(a: Assessment, patches: list[FilePatch], ctx: PolicyContext) -> bool:
    hits = scan_patch({fp.path: fp.added_lines() for fp in patches}, ctx.job_secrets)
    old = [fp.old_path for fp in patches if fp.old_path and fp.old_path != fp.new_path]
    hits += [h for path in old for h in scan_text(path, "an old file name", ctx.job_secrets)]
    if hits:
        a.block("secrets", secret_detail(hits))
        return False
    a.passed("secrets", "no secret in added lines")
    return True


def safe_paths(a: Assessment, patches: list[FilePatch]) -> bool:
    """False when a path is unsafe: nothing after this check may touch it."""
    paths = sorted({p for fp in patches for p in fp.paths})
    bad = [p for p in paths if unsafe(p)]
    if bad:
        a.block("safe paths", f"unsafe path(s): {', '.join(bad[:5])}")
        return False
    binary = [fp.path for fp in patches if fp.binary]
    if binary:
        a.block("safe paths", f"binary change(s) are not supported: {', '.join(binary[:5])}")
    else:
        a.passed("safe paths")
    return True


def allowed_paths(a: Assessment, b: Bundle, paths: list[str], ctx: PolicyContext) -> None:
    allowed = list(worker_spec(ctx.config, b.task.worker).allowed_paths)
    task_allowed = b.task.allowed_paths
    outside = [
        p
        for p in paths
        if not matches_any(p, allowed)
        or (task_allowed is not None and not matches_any(p, task_allowed))
    ]
    if outside:
        a.block("allowed paths", f"outside the worker's allowed paths: {', '.join(outside[:5])}")
    else:
        a.passed("allowed paths")


def size(a: Assessment, patches: list[FilePatch], paths: list[str], ctx: PolicyContext) -> None:
    cfg = ctx.config.gate
    lines = sum(fp.additions + fp.deletions for fp in patches)
    if heavy := size_problem(patches, cfg.max_changed_lines):  # context lines count (S18)
        a.block("size", heavy)
    elif len(paths) > cfg.max_files or lines > cfg.max_changed_lines:
        a.block(
            "size",
            f"{len(paths)} file(s), {lines} changed line(s); limits are {cfg.max_files} "
            f"files and {cfg.max_changed_lines} lines",
        )
    else:
        a.passed("size", f"{len(paths)} file(s), {lines} line(s)")


def test_evidence(a: Assessment, b: Bundle, ctx: PolicyContext) -> None:
    spec = worker_spec(ctx.config, b.task.worker)
    state = tests_state(b.result.tests)
    if not (ctx.config.gate.require_tests and spec.writes_code):
        a.passed("tests", f"not required ({state})")
    elif state == "fail" and spec.kind == "command":
        a.passed("tests", "the linter still reports violations: the gate counts them below")
    elif state == "fail":
        a.block("tests", "the bundle's tests do not pass after the change")
    elif state == "none":
        a.passed("tests", "no test ran: the PR stays a draft")
        a.draft_reasons.append("no test evidence")
    else:
        a.passed("tests", "passed")


def lint_progress(a: Assessment, b: Bundle, ctx: PolicyContext) -> None:
    """A command worker whose linter still fails: proposed only when the gate, counting itself
    on the base and on the base with the change, finds no new violation and fewer than before.
    The PR then stays a draft and is never merged; its body lists what remains."""
    spec = worker_spec(ctx.config, b.task.worker)
    if a.blocked or spec.kind != "command" or tests_state(b.result.tests) != "fail":
        return
    if ctx.linter is None or not a.files:
        a.block("tests", "the bundle's tests do not pass after the change (the gate cannot"
                " count the violations itself here)")  # fmt: skip
        return
    counted = ctx.linter(list(spec.commands), a.files)
    if isinstance(counted, str):
        a.block("tests", f"the bundle's tests do not pass after the change ({counted})")
        return
    before, after = counted
    progress = compare(before, after)
    if progress.new:
        a.block("lint", f"the change adds {len(progress.new)} violation(s), first:"
                f" {progress.new[0].describe()}")  # fmt: skip
    elif not progress.fixed:
        a.block("lint", f"the change fixes none of the {len(before)} violation(s)")
    else:
        a.passed("lint", f"{len(before)} violation(s) before, {len(after)} after, none new")
        if after:
            a.draft_reasons.append(f"{len(after)} lint violation(s) remain")


def worker_review(a: Assessment, b: Bundle) -> None:
    """The work job's own review is shown to people; it can only hold a change back."""
    verdict = b.result.review
    if verdict is not None and verdict.verdict == "request_changes":
        a.block("review", "the worker's reviewer requested changes")


def gate_review(a: Assessment, b: Bundle, ctx: PolicyContext) -> None:
    """The review that counts: the gate's reviewer on the exact patch it will write (S08).

    Without it (no key, a failed call, a dry run) the PR stays a draft and is not merged.
    """
    if not (ctx.config.gate.require_review and (b.task.review or _not_the_fixers(a, b, ctx))):
        a.passed("review", "not required")
        return
    verdict, why = ctx.reviewer(b) if ctx.reviewer is not None else (None, "not run")
    if verdict is None:
        a.passed("review", f"no review by the gate ({why}): the PR stays a draft")
        a.draft_reasons.append("no reviewer verdict")
    elif verdict.verdict == "request_changes":
        first = f": {verdict.reasons[0]}" if verdict.reasons else ""
        a.block("review", f"the gate's reviewer requested changes{first}")
    else:
        a.passed("review", "approved by the gate's reviewer")


def _not_the_fixers(a: Assessment, b: Bundle, ctx: PolicyContext) -> bool:
    """A command worker's change that is not exactly what its ruff fixers make (lint-fix's
    agent pass wrote part of it): reviewed like an agent's. False when the gate cannot tell."""
    spec = worker_spec(ctx.config, b.task.worker)
    if spec.kind != "command" or ctx.reproducer is None or not a.files:
        return False
    if a.rerun is None:
        a.rerun = ctx.reproducer(list(spec.commands), a.files) or ""
    return a.rerun != ""


def gate_rerun(a: Assessment, b: Bundle, ctx: PolicyContext) -> None:
    """``checks: worker-tests`` counts only for a command worker whose change the gate made
    again itself (ruff, on the base); anything else merges only on green checks (S08)."""
    merge, spec = ctx.config.gate.merge, worker_spec(ctx.config, b.task.worker)
    wanted = merge.enabled and merge.checks == "worker-tests" and b.task.worker in merge.workers
    if not wanted or spec.kind != "command":
        return
    if ctx.reproducer is None or not a.files:
        a.passed("gate re-run", "not run here: the change merges only on green checks")
        return
    if a.rerun is None:
        a.rerun = ctx.reproducer(list(spec.commands), a.files) or ""
    why = a.rerun or None
    a.reproduced = why is None
    if why is None:
        a.passed("gate re-run", "the gate ran the fixers itself and got exactly this change")
    else:
        a.passed("gate re-run", f"not reproduced ({why}): it merges only on green checks")


def applies(a: Assessment, patches: list[FilePatch], ctx: PolicyContext) -> None:
    if a.blocked:
        return
    if ctx.checkout is None:
        a.passed("applies", "checked against the PR head when written")
        return
    try:
        a.files = materialize(patches, ctx.checkout)
        a.passed("applies", "applies cleanly to the default branch")
    except PatchError as err:
        a.block("applies", str(err))


def needs_maintainer(
    a: Assessment, b: Bundle, patches: list[FilePatch], paths: list[str], ctx: PolicyContext
) -> bool:
    """Protected paths, files CI executes (when the gate's PRs run CI), mode changes and new
    executables: a maintainer decides. False when the change is not written (asked instead);
    a worker in gate.allow_protected gets a PR that is never merged."""
    cfg = ctx.config.gate
    found: list[tuple[str, str, list[str]]] = [  # (check, what it edits, paths)
        ("protected paths", "protected paths", protected(paths, ctx.protected)),
        ("file modes", "file modes or executables", mode_changes(patches, cfg.executable_paths)),
    ]
    if ctx.ci_files:
        found.insert(1, ("CI files", "files CI executes", protected(paths, ctx.ci_files)))
    flagged = [(check, what, hits) for check, what, hits in found if hits]
    a.protected = [p for check, _, hits in flagged if check != "file modes" for p in hits]
    allowed = b.task.worker in cfg.allow_protected
    for check, what, hits in found:
        names = ", ".join(hits[:5])
        if not hits:
            a.passed(check, "none touched" if check != "file modes" else "no change")
        elif allowed:
            a.passed(check, f"{names}: PR only, never merged")
            a.draft_reasons.append(f"it edits {what}")
            a.merge_block = a.merge_block or f"it edits {what} ({names})"
        else:
            a.checks.append(Check(check, False, names))
    if not flagged or allowed:
        return True
    edits = "; ".join(f"it edits {what} ({', '.join(hits[:5])})" for _, what, hits in flagged)
    a.action = "ask-human"
    a.reason = f"{edits} and worker '{b.task.worker}' is not in gate.allow_protected"
    return False


def mode_changes(patches: list[FilePatch], allowed: list[str]) -> list[str]:
    """New executables and mode changes outside ``allowed`` (``run.sh (new, mode 100755)``)."""
    out: list[str] = []
    for fp in patches:
        if fp.new_path is None or matches_any(fp.new_path, allowed):
            continue
        if fp.status == "added" and fp.new_mode not in (None, "100644"):
            out.append(f"{fp.new_path} (new, mode {fp.new_mode})")
        elif fp.old_mode and fp.new_mode and fp.old_mode != fp.new_mode:
            out.append(f"{fp.new_path} (mode {fp.old_mode} to {fp.new_mode})")
    return out
