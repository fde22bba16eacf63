"""A CI fixer makes the check pass by fixing the code, never by weakening the tests.

For ``ci-fix`` (and any worker answering a CI failure), a patch that adds a skip or xfail
marker, deletes a test function or a test file, or adds a bare ``return``/``pass`` at the top
of a test is written only by a maintainer: the gate asks instead.
"""

from __future__ import annotations

import re

from foreman.gate.model import Assessment, Check
from foreman.gate.patch import FilePatch

CI_WORKERS = frozenset({"ci-fix"})
_SKIP = re.compile(
    r"(@?pytest\.mark\.(skip|skipif|xfail)\b|pytest\.(skip|xfail)\(|@unittest\.(skip|skipIf|"
    r"skipUnless|expectedFailure)\b|\.skip\(|\bxit\(|\bxdescribe\(|\bit\.skip\b|"
    r"\btest\.skip\b|#\[ignore\]|t\.Skip\()"
)
_TEST_DEF = re.compile(r"^\s*(async\s+)?def\s+(test\w*)\s*\(|^\s*(it|test)\(\s*['\"]")
_TEST_FILE = re.compile(r"(^|/)(tests?/|test_[^/]*$|[^/]*_test\.\w+$|[^/]*\.(spec|test)\.\w+$)")


def is_ci_task(worker: str, event_name: str) -> bool:
    return worker in CI_WORKERS or event_name == "workflow_run"


def weakened(patches: list[FilePatch]) -> list[str]:
    """What in ``patches`` weakens tests, in words (empty: nothing)."""
    found: list[str] = []
    for fp in patches:
        path = fp.path
        if fp.status == "deleted" and _TEST_FILE.search(path):
            found.append(f"deletes {path}")
            continue
        added = [ln[1:] for h in fp.hunks for ln in h.lines if ln.startswith("+")]
        removed = [ln[1:] for h in fp.hunks for ln in h.lines if ln.startswith("-")]
        for line in added:
            if _SKIP.search(line):
                found.append(f"adds a skip/xfail in {path}: {line.strip()[:80]}")
                break
        gone = {_name(x) for x in removed} - {_name(x) for x in added} - {None}
        if gone:
            found.append(f"removes {', '.join(sorted(str(g) for g in gone)[:5])} from {path}")
    return found


def _name(line: str) -> str | None:
    m = _TEST_DEF.match(line)
    if m is None:
        return None
    return m.group(2) or line.strip()[:60]


def tests_kept(a: Assessment, patches: list[FilePatch], event_name: str) -> bool:
    """False (the bundle goes to a maintainer) when a CI fixer weakened the tests."""
    if not is_ci_task(a.worker, event_name):
        return True
    found = weakened(patches)
    if not found:
        a.passed("tests kept", "no test skipped, marked xfail or removed")
        return True
    a.checks.append(Check("tests kept", False, "; ".join(found[:3])))
    a.action = "ask-human"
    a.reason = (
        f"a CI fix must not weaken the tests, and this one {'; '.join(found[:3])}:"
        " a maintainer decides"
    )
    return False
