"""agent-foreman benchmark: one table of what a user would see, each number next to its goal.

    uv run python -m bench.run [--quick] [--skip-act] [--cold-uv-cache] [--instructions N]
                               [--json OUT]

Measures, on this machine and offline (the fakes listen on 127.0.0.1 only):
the plan step's wall time per router layer, GitHub REST calls per event kind
and per gate decision, LLM calls per event, the share of issues decided
without the LLM, the router's cross-validated scores, the action's install
step, the docs-typo case end to end under act, and the peak memory of plan,
work and gate. Prints the date, the machine, the table and notes saying what
each number is; ``--json`` also writes the raw numbers.

Not part of the test suite (tests/test_bench_smoke.py only keeps it from rotting):
tests assert behaviour, this script prints numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench.bench_sections import SECTIONS, Context
from bench.bench_table import Section, as_json, failed, machine, render, render_notes


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and folds (~1 min)")
    parser.add_argument("--skip-act", action="store_true", help="skip the end-to-end act run")
    parser.add_argument(
        "--cold-uv-cache",
        action="store_true",
        help="also time an install with an empty uv cache (downloads from PyPI: needs network)",
    )
    parser.add_argument("--act-runs", type=int, help="act runs (default 3; 1 with --quick)")
    parser.add_argument("--json", metavar="OUT", help="also write the raw numbers as JSON")
    parser.add_argument(
        "--instructions",
        type=int,
        default=0,
        metavar="N",
        help="also count CPU instructions per prediction over N issues (valgrind, ~0.2 s each)",
    )
    return parser.parse_args(argv)


def run_sections(ctx: Context) -> list[Section]:
    sections = []
    for measure in SECTIONS:
        try:
            sections.append(measure(ctx))
        except Exception as err:  # a broken section must not hide the others
            sections.append(Section(measure.__name__, [failed(measure.__name__, err)]))
    return sections


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started, load_start = time.perf_counter(), os.getloadavg()[0]
    date = datetime.now(UTC).isoformat(timespec="seconds")
    with tempfile.TemporaryDirectory(prefix="foreman-bench-") as tmp:
        scratch = Path(tmp)
        # Children write bytecode to a private cache (never into the venv), warmed by the
        # first run of each measurement, whatever PYTHONDONTWRITEBYTECODE this shell sets.
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
        ctx = Context(
            scratch,
            runs=5 if args.quick else 10,
            samples=5,
            folds=2 if args.quick else 5,
            act_runs=args.act_runs or (1 if args.quick else 3),
            skip_act=args.skip_act,
            cold_uv_cache=args.cold_uv_cache,
            floor_limit=300 if args.quick else None,
            instructions=args.instructions,
        )
        sections = run_sections(ctx)
    elapsed = time.perf_counter() - started
    info = machine()
    info["load_1min"] = {"start": load_start, "end": os.getloadavg()[0]}
    print(f"agent-foreman benchmark, started {date}")
    print(
        f"machine: {info['platform']}, {info['cpus']} CPUs, {info['ram_gb']} GB RAM,"
        f" {info['python']}, {info['uv']}; a 5M-step Python loop takes {info['python_loop_s']} s"
    )
    print(
        f"load average (1 min): {load_start:.2f} at start, {os.getloadavg()[0]:.2f} at end"
        " (anything else running on this machine adds noise to the times)"
    )
    print(
        f"settings: plan runs {ctx.runs} per layer, {ctx.samples} fresh action venvs,"
        f" {ctx.folds} folds, act runs {0 if ctx.skip_act else ctx.act_runs}; medians\n"
    )
    print(render(sections))
    print()
    print(render_notes(sections))
    print(f"\nbenchmark wall time: {elapsed:.0f} s")
    if args.json:
        payload = {
            "date": date,
            "machine": info,
            "settings": {k: v for k, v in vars(ctx).items() if k not in ("scratch", "results")},
            "sections": as_json(sections),
            "seconds": elapsed,
        }
        Path(args.json).write_text(json.dumps(payload, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
