"""S18: patches whose hunks are expensive to place: bounded work, a clear refusal.

The attack: hunks of one context line whose ``@@`` headers point past the end of a
large file. Placing each one walked back from the end of the file, so the work grew
with hunks x file length; a patch that changed nothing passed every size limit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from foreman.gate.patch import PatchError, apply, parse
from foreman.gate.patch_limits import MAX_OFFSET, MAX_SEARCH, Work
from tests.fakes.github import FakeGitHub
from tests.support.gate import BASE_FILES, PASSING, REPO, Gate, decisions, item, result, task

BIG = "src/big.py"


def big_file(lines: int) -> str:
    return "".join(f"VALUE_{i:05d} = {i}\n" for i in range(lines))


def header_past_the_end(
    hunks: int, *, step: int = 25, changed: bool = True, at: int = 10**6
) -> str:
    """``hunks`` hunks of one context line (line ``i * step``), each header at line ``at``."""
    out = [f"diff --git a/{BIG} b/{BIG}\n", f"--- a/{BIG}\n", f"+++ b/{BIG}\n"]
    for h in range(hunks):
        i = h * step
        if changed:
            out += [f"@@ -{at},1 +{at},2 @@\n", f" VALUE_{i:05d} = {i}\n", f"+# note {h}\n"]
        else:
            out += [f"@@ -{at},1 +{at},1 @@\n", f" VALUE_{i:05d} = {i}\n"]
    return "".join(out)


def shifted(hunks: int, offset: int, context: int = 1, step: int = 25) -> str:
    """Hunks whose headers (with the offset of the hunks before) put each one ``offset``
    lines after where its context really is."""
    out = [f"diff --git a/{BIG} b/{BIG}\n", f"--- a/{BIG}\n", f"+++ b/{BIG}\n"]
    delta = 0
    for h in range(hunks):
        real = h * step  # 0-based line of the hunk's first context line
        start = real + h + offset - delta  # real + h: where it is once earlier hunks added
        ctx = [f" VALUE_{real + k:05d} = {real + k}\n" for k in range(context)]
        out += [f"@@ -{start + 1},{context} +{start + 1},{context + 1} @@\n", *ctx]
        out.append(f"+# note {h}\n")
        delta = real + h - start + 1
    return "".join(out)


@pytest.fixture
def gate(fake_github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Gate:
    g = Gate(fake_github, tmp_path, monkeypatch)
    g.checkout({**BASE_FILES, BIG: big_file(6000)})
    return g


def bundle(gate: Gate, title: str, patch: str) -> str:
    n = gate.fake.add_issue(REPO, title)
    t = task("debug", item(n, title))
    gate.add(t, result(t, tests=PASSING), patch)
    return t.id


def test_S18_hostile_hunks_are_refused_and_an_honest_patch_still_opens_its_pr(gate: Gate) -> None:
    # 6,000 hunks that change nothing (the measured 259 KB patch), and 150 hunks that each
    # add a line and fit every size limit, all with headers far past the end of the file.
    nothing = bundle(gate, "nothing", header_past_the_end(6000, step=1, changed=False))
    far = bundle(gate, "far", header_past_the_end(150))
    # Honest: a hunk whose header is 40 lines off (the file moved on) still applies.
    moved = big_file(6000).replace("VALUE_03000 = 3000\n", "VALUE_03000 = 3001\n")
    honest_patch = gate.patch({BIG: moved}).replace("@@ -2998,", "@@ -2958,")
    honest = bundle(gate, "honest", honest_patch)
    assert gate.run() == 0
    ds = decisions(gate.summary())
    assert ds[honest] == "pull request"
    assert ds[nothing] != "pull request" and ds[far] != "pull request"
    summary = gate.summary()
    assert "6000 hunks; at most 200 per file" in summary
    assert f"hunk 1 does not apply (looked within {MAX_OFFSET} lines of line 1000000" in summary
    [pr] = gate.pulls()
    assert pr.title.startswith("debug: fix for #3")


@pytest.mark.parametrize("lines", [2000, 4000, 8000])
def test_S18_placement_work_does_not_grow_with_the_file(lines: int) -> None:
    """Headers past the end: nothing is walked. Hunks off by more than MAX_OFFSET: one
    window each at most, then refused. Off by less: found, the work is per hunk, not per
    file line."""
    text = big_file(lines)
    [far] = parse(header_past_the_end(60, step=30))
    work = Work()
    with pytest.raises(PatchError, match="hunk 1 does not apply"):
        apply(text, far, work=work)
    assert work.compared == 0

    [beyond] = parse(shifted(10, MAX_OFFSET + 5))
    work = Work()
    with pytest.raises(PatchError, match="hunk 1 does not apply"):
        apply(text, beyond, work=work)
    assert work.compared <= 2 * MAX_OFFSET + 1

    [near] = parse(shifted(40, 500, step=20))
    work = Work()
    assert apply(text, near, work=work) is not None
    assert 40 * 500 <= work.compared <= 40 * (2 * 500 + 1)  # per hunk, whatever the file


def repetitive(hunks: int, offset: int, context: int = 8, step: int = 10) -> tuple[str, str]:
    """A file of identical lines with a marker every ``step`` lines, and a patch whose
    hunks (``context - 1`` identical lines, then the marker) sit ``offset`` lines before
    where their headers put them: every position tried matches on its first line."""
    text = "".join(f"mark {i // step}\n" if i % step == step - 1 else "x\n" for i in range(4000))
    out = [f"diff --git a/{BIG} b/{BIG}\n", f"--- a/{BIG}\n", f"+++ b/{BIG}\n"]
    delta = 0
    for h in range(hunks):
        real = h * step + step - context  # the block ends on mark h
        start = real + h + offset - delta  # real + h: where it is once earlier hunks added
        out.append(f"@@ -{start + 1},{context} +{start + 1},{context + 1} @@\n")
        out += [" x\n"] * (context - 1) + [f" mark {h}\n", f"+# note {h}\n"]
        delta = real + h - start + 1
    return text, "".join(out)


def test_S18_total_placement_work_has_a_budget() -> None:
    """Thick hunks just inside the offset window, on a file where every position looks
    like a match at first: the budget stops them, with the reason."""
    text, patch = repetitive(200, MAX_OFFSET - 1)
    [fp] = parse(patch)
    work = Work()
    with pytest.raises(PatchError, match=r"more than 1,000,000 line comparisons"):
        apply(text, fp, work=work)
    assert MAX_SEARCH < work.compared <= MAX_SEARCH + 2 * (2 * MAX_OFFSET + 1) * 8
    # Honest: the same hunks where their headers say apply at once.
    text, patch = repetitive(200, 0)
    [fp] = parse(patch)
    work = Work()
    assert apply(text, fp, work=work) is not None and work.compared == 200 * 8
