"""What every check reads: the context of one gate run, and small shared helpers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from foreman.config.models import Config
from foreman.contracts import Result, ReviewVerdict, TestRun
from foreman.gate.base import BaseFiles
from foreman.gate.bundles import Bundle
from foreman.gate.model import FileChange
from foreman.gate.secrets import SecretHit
from foreman.lintcount import Violation

# The gate's own reviewer: a bundle's exact patch in, a verdict (or None and why) out.
Reviewer = Callable[[Bundle], tuple[ReviewVerdict | None, str]]
# A command worker's fixers re-run by the gate on the base: None when they make exactly the
# given files, else why not.
Reproducer = Callable[[list[str], dict[str, FileChange]], str | None]
# A command worker's linters run by the gate on the base and on the base with the change: the
# violations (before, after), or why they could not be counted.
Linter = Callable[
    [list[str], dict[str, FileChange]], "tuple[list[Violation], list[Violation]] | str"
]


@dataclass(frozen=True)
class PolicyContext:
    config: Config
    protected: tuple[str, ...]  # gate.protected_paths + the config file itself
    job_secrets: tuple[str, ...]
    checkout: BaseFiles | None  # None: the patch is checked against its real base when written
    ci_files: tuple[str, ...] = ()  # gate.ci_files when the gate's PRs run CI, else nothing
    reviewer: Reviewer | None = None  # None: no review in this run (no key, or a dry run)
    reproducer: Reproducer | None = None  # None: no re-run (no git checkout, a dry run)
    linter: Linter | None = None  # None: the gate cannot count lint violations itself


def tests_state(tests: Sequence[TestRun]) -> str:
    """``pass`` (all that ran passed), ``fail``, or ``none`` (nothing ran)."""
    ran = [t for t in tests if t.after != "not_run"]
    if not ran:
        return "none"
    return "pass" if all(t.after == "pass" for t in ran) else "fail"


def secret_detail(hits: list[SecretHit]) -> str:
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
