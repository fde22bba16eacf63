"""The process boundary's cost: per command (bwrap vs the same command unboxed) and per run."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bench.bench_proc import BenchError, Stats, clean_env, foreman
from bench.bench_table import Row, Section, skipped, timed
from foreman.workers import boundary
from foreman.workers.bundle import read_bundle
from foreman.workers.sandbox import child_env, run_argv
from tests.support.sample_repos import LINT_FILES, make_repo

if TYPE_CHECKING:
    from bench.bench_sections import Context

COMMAND_GOAL_MS = 50.0  # the boundary's cost per command
LINT_TASK = {"id": "bench-lint", "worker": "lint-fix", "brief": "Fix lint."}


def _ms(metric: str, stats: Stats, limit: float | None = None) -> Row:
    row = timed(metric, Stats(stats.median / 1000, stats.min / 1000, stats.max / 1000, stats.n))
    row.display = f"{stats.median:.1f} ms (min {stats.min:.1f}, max {stats.max:.1f}, n={stats.n})"
    if limit is not None:
        row.goal, row.met, row.value = f"≤ {limit:g} ms", stats.median <= limit, stats.median
    return row


def _each(fn: Callable[[], object], runs: int) -> list[float]:
    fn()  # warm: page cache, the probe's lru_cache
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def command_costs(root: Path, runs: int) -> dict[str, Stats]:
    """Milliseconds per command, boxed and unboxed, for ``true`` and ``python -c pass``."""
    env = child_env(os.environ)
    box = boundary.prepare(enabled=True, network=False, env=os.environ, workspace=root)
    if box.mode != "bwrap":
        raise BenchError(f"no process boundary here: {box.detail}")
    off = boundary.off()
    out: dict[str, Stats] = {}
    for name, argv in (("true", ["true"]), ("python -c pass", [sys.executable, "-c", "pass"])):
        for label, b in (("bwrap", box), ("unboxed", off)):

            def once(argv: list[str] = argv, b: boundary.Boundary = b) -> None:
                result = run_argv(argv, cwd=root, env=env, timeout=30, boundary=b)
                if not result.ok:
                    raise BenchError(f"{argv} failed: {result.output}")

            out[f"{name} {label}"] = Stats.of(_each(once, runs))
    boundary.probe.cache_clear()
    started = time.perf_counter()
    boundary.prepare(enabled=True, network=False, env=os.environ, workspace=root)
    out["prepare"] = Stats.of([(time.perf_counter() - started) * 1000])
    return out


def worker_runs(scratch: Path, runs: int) -> dict[str, Stats]:
    """``foreman work`` lint-fix (two ruff commands), boundary on vs ``sandbox: false``."""
    out: dict[str, Stats] = {}
    for label, config in (("bwrap", ""), ("unboxed", "workers:\n  lint-fix: {sandbox: false}\n")):
        samples = []
        for i in range(runs + 1):
            repo = make_repo(scratch / f"{label}-{i}", {**LINT_FILES,
                             ".github/foreman.yml": f"version: 1\n{config}"})  # fmt: skip
            dest = scratch / f"{label}-{i}-out"
            proc = foreman(
                "work", "--task", json.dumps(LINT_TASK), "--workspace", str(repo),
                "--out", str(dest), env=clean_env(),
            ).check()  # fmt: skip
            res, _ = read_bundle(dest)
            mode = res.sandbox.mode if res.sandbox else None
            if res.verdict != "proposed" or mode != {"bwrap": "bwrap", "unboxed": "off"}[label]:
                raise BenchError(f"lint-fix ({label}): {res.verdict} {res.reason} {res.sandbox}")
            if i:  # the first run warms caches
                samples.append(proc.seconds)
        out[label] = Stats.of(samples)
    return out


def sandbox_section(ctx: Context) -> Section:
    s = Section("process boundary (bubblewrap) around every command a worker runs")
    scratch = ctx.scratch / "sandbox"
    runs = max(5, 3 * ctx.runs)
    if boundary.find_bwrap(os.environ)[0] is None:
        s.rows.append(skipped("boundary cost per command", "bwrap not installed"))
        return s
    root = make_repo(scratch / "repo", dict(LINT_FILES))
    c = command_costs(root, runs)
    for name in ("true", "python -c pass"):
        boxed, bare = c[f"{name} bwrap"], c[f"{name} unboxed"]
        s.rows.append(_ms(f"`{name}` inside bwrap", boxed))
        s.rows.append(_ms(f"`{name}` unboxed", bare))
        extra = Stats.of([boxed.median - bare.median])
        s.rows.append(_ms(f"boundary cost per command (`{name}`)", extra, COMMAND_GOAL_MS))
    s.rows.append(_ms("probe + prepare, once per worker run", c["prepare"]))
    w = worker_runs(scratch / "work", max(2, ctx.runs // 3))
    s.rows.append(timed("foreman work lint-fix, boundary on", w["bwrap"], digits=2))
    s.rows.append(timed("foreman work lint-fix, sandbox: false", w["unboxed"], digits=2))
    diff = w["bwrap"].median - w["unboxed"].median
    s.rows.append(timed("boundary cost per worker run (lint-fix: 2 commands)", Stats.of([diff])))
    s.notes.append(
        "Per command: run_argv (bwrap with user, PID, IPC, UTS, cgroup and network namespaces,"
        " read-only root, tmpfs over /tmp, HOME and the job's dirs, leftover check via the PID"
        " namespace) minus the same command unboxed; medians. Per run: `foreman work` processes,"
        " medians; the difference is within the noise of a process start."
    )
    return s
