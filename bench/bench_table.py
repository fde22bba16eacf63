"""Rows with a goal, grouped in sections; printed as one table, or dumped as JSON."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from bench.bench_proc import Stats

MET = {True: "yes", False: "NO", None: "—"}


@dataclass
class Row:
    metric: str
    display: str  # the value as printed
    goal: str = "—"
    met: bool | None = None  # None: no goal, or nothing measured
    value: float | None = None  # the number the goal is checked against
    raw: Any = None  # everything measured, for --json
    status: str = ""  # "skipped" / "error" when nothing was measured

    @property
    def met_text(self) -> str:
        return self.status or MET[self.met]


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def at_most(value: float, limit: float) -> bool:
    return value <= limit


def seconds(stats: Stats, digits: int = 3) -> str:
    if stats.n == 1:
        return f"{stats.median:.{digits}f} s"
    return (
        f"{stats.median:.{digits}f} s (min {stats.min:.{digits}f}, max {stats.max:.{digits}f},"
        f" n={stats.n})"
    )


def timed(metric: str, stats: Stats, limit: float | None = None, *, digits: int = 3) -> Row:
    """A wall-time row, its median checked against ``limit`` seconds (if any)."""
    return Row(
        metric,
        seconds(stats, digits),
        "—" if limit is None else f"≤ {limit:g} s",
        None if limit is None else at_most(stats.median, limit),
        stats.median,
        stats.as_json(),
    )


def count(metric: str, value: float, limit: float | None = None, display: str = "") -> Row:
    goal = "—" if limit is None else f"≤ {limit:g}" if limit else "0"
    met = None if limit is None else at_most(value, limit)
    return Row(metric, display or f"{value:g}", goal, met, value)


def megabytes(metric: str, stats: Stats) -> Row:
    return Row(metric, f"{stats.median:.0f} MB", value=stats.median, raw=stats.as_json())


def skipped(metric: str, reason: str, goal: str = "—") -> Row:
    return Row(metric, reason, goal, status="skipped")


def failed(metric: str, err: BaseException) -> Row:
    first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return Row(metric, f"{type(err).__name__}: {first[:160]}", status="error")


def machine() -> dict[str, Any]:
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") if hasattr(os, "sysconf") else 0
    uv = shutil.which("uv")
    uv_version = (
        subprocess.run([uv, "--version"], capture_output=True, text=True, check=False).stdout
        if uv
        else "not on PATH"
    )
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "ram_gb": round(ram / 2**30, 1),
        "python": f"{platform.python_implementation()} {sys.version.split()[0]}",
        "uv": uv_version.strip(),
        "python_loop_s": python_speed(),
    }


def python_speed(n: int = 5_000_000) -> float:
    """Seconds for ``n`` additions in a pure-Python loop (best of 3): a yardstick for how
    this machine's CPython speed compares with another's."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for i in range(n):
            total += i
        best = min(best, time.perf_counter() - start)
    return round(best, 3)


def render(sections: list[Section]) -> str:
    header = ("metric", "value", "goal", "met?")
    lines_: list[tuple[str, ...]] = [
        (r.metric, r.display, r.goal, r.met_text) for s in sections for r in s.rows
    ]
    widths = [max(len(h), *(len(line[i]) for line in lines_)) for i, h in enumerate(header)]
    widths[1] = min(widths[1], 60)

    def fmt(cells: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    out = [fmt(header), rule]
    for section in sections:
        out.append(f"[{section.title}]")
        out += [fmt((r.metric, r.display, r.goal, r.met_text)) for r in section.rows]
    out.append(rule)
    return "\n".join(out)


def render_notes(sections: list[Section]) -> str:
    out = ["Notes:"]
    for section in sections:
        if section.notes:
            out.append(f"[{section.title}]")
            out += [f"  - {n}" for n in section.notes]
    return "\n".join(out)


def as_json(sections: list[Section]) -> list[dict[str, Any]]:
    return [
        {
            "title": s.title,
            "rows": [{**asdict(r), "met": r.met_text} for r in s.rows],
            "notes": s.notes,
        }
        for s in sections
    ]
