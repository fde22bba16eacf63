"""S18: what the most expensive patch the gate still tries costs to place, and the refusals.

Worst case within the bounds: as many hunks as the size check lets through, each
``MAX_OFFSET - 1`` lines from where its header puts it on a file where every position
looks like a match at first, so each hunk walks its whole window; placing stops at
``MAX_SEARCH`` compared lines. The measured attack (hunks
with headers past the end of the file) is timed too: before the bounds it took 1.3 / 5.1
/ 20.1 s at 2k / 4k / 8k lines; now it is refused without a walk.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bench.bench_proc import Stats
from bench.bench_table import Row, Section, timed
from foreman.gate.patch import PatchError, apply, parse
from foreman.gate.patch_limits import MAX_HUNKS_PER_FILE, MAX_OFFSET, MAX_SEARCH, Work

PATH = "src/big.py"
LINES = (2000, 4000, 8000)
GOAL = 2.0  # seconds for the worst placement the bounds allow


@dataclass
class Placement:
    lines: int
    seconds: Stats
    compared: int
    outcome: str


def big_file(lines: int) -> str:
    return "".join(f"VALUE_{i:05d} = {i}\n" for i in range(lines))


def _header() -> list[str]:
    return [f"diff --git a/{PATH} b/{PATH}\n", f"--- a/{PATH}\n", f"+++ b/{PATH}\n"]


def worst_in_bounds(lines: int, hunks: int = 177, context: int = 8) -> tuple[str, str]:
    """A file of identical lines with a marker every 10, and hunks (``context - 1`` of those
    lines, then a marker, then an added line) each ``MAX_OFFSET - 1`` lines before where
    its header puts it: every position tried matches on its first line. 177 hunks of 9
    lines carry 1,593 lines, under the size check's 1,600 at the default limits."""
    step, offset = 10, MAX_OFFSET - 1
    text = "".join(f"mark {i // step}\n" if i % step == step - 1 else "x\n" for i in range(lines))
    out, delta = _header(), 0
    for h in range(hunks):
        real = h * step + step - context
        start = real + h + offset - delta  # real + h: where it is once earlier hunks added
        out.append(f"@@ -{start + 1},{context} +{start + 1},{context + 1} @@\n")
        out += [" x\n"] * (context - 1) + [f" mark {h}\n", f"+# note {h}\n"]
        delta = real + h - start + 1
    return text, "".join(out)


def distinct_far(lines: int, hunks: int = 600) -> str:
    """Hunks of one distinct context line, each ``MAX_OFFSET - 1`` lines from where its
    header puts it: one compared line per position tried, the most positions per hunk
    (600 hunks: three files' worth at ``MAX_HUNKS_PER_FILE``, in one)."""
    out, delta, offset = _header(), 0, MAX_OFFSET - 1
    for h in range(hunks):
        real = (h * 3) % max(lines - 1, 1)
        if real < (h - 1) * 3:
            break
        start = real + h + offset - delta
        out += [f"@@ -{start + 1},1 +{start + 1},2 @@\n", f" VALUE_{real:05d} = {real}\n"]
        out.append(f"+# note {h}\n")
        delta = real + h - start + 1
    return "".join(out)


def past_the_end(lines: int) -> str:
    """The attack as measured: one no-change hunk per line, headers past the end."""
    out = _header()
    for i in range(lines):
        out += [f"@@ -{10**6},1 +{10**6},1 @@\n", f" VALUE_{i:05d} = {i}\n"]
    return "".join(out)


def place(text: str, patch: str, runs: int) -> tuple[Stats, int, str]:
    [fp] = parse(patch)
    times: list[float] = []
    work, outcome = Work(), ""
    for _ in range(runs):
        work = Work()
        start = time.perf_counter()
        try:
            apply(text, fp, work=work)
            outcome = "applied"
        except PatchError as err:
            outcome = f"refused: {str(err).split(': ', 1)[1][:60]}"
        times.append(time.perf_counter() - start)
    return Stats.of(times), work.compared, outcome


def patch_section(runs: int = 3) -> Section:
    s = Section(
        f"gate: placing hunks (S18), bounds: ±{MAX_OFFSET} lines per hunk,"
        f" {MAX_HUNKS_PER_FILE} hunks per file, {MAX_SEARCH:,} compared lines per patch"
    )
    for lines in LINES:
        text, worst = worst_in_bounds(lines)
        stats, compared, outcome = place(text, worst, runs)
        row: Row = timed(f"hunks far off, repetitive lines, {lines:,}-line file", stats, GOAL)
        row.display += f"; {compared:,} lines compared; {outcome}"
        row.raw = {"compared": compared, "outcome": outcome, "seconds": stats.as_json()}
        s.rows.append(row)
        stats, compared, outcome = place(big_file(lines), distinct_far(lines), runs)
        row = timed(f"hunks far off, distinct lines, {lines:,}-line file", stats, GOAL)
        row.display += f"; {compared:,} lines compared; {outcome}"
        s.rows.append(row)
        stats, compared, outcome = place(big_file(lines), past_the_end(lines), runs)
        row = timed(f"headers past the end, {lines:,} hunks on {lines:,} lines", stats)
        row.display += f"; {compared:,} lines compared; {outcome}"
        s.rows.append(row)
    s.notes.append(
        "Placement alone (foreman.gate.patch.apply), in this process. The policy's size check"
        " refuses the past-the-end patch even before placement (more hunks than allowed, hunks"
        " that change nothing, context counted against 4 x gate.max_changed_lines)."
    )
    return s


def section(ctx: object) -> Section:
    """The benchmark's section (bench_sections.SECTIONS): 3 runs, 1 with --quick."""
    runs = 1 if getattr(ctx, "runs", 10) < 3 else 3
    return patch_section(runs)
