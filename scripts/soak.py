"""The faulty-burst soak outside pytest: events through plan -> work -> gate, then the figures.

    python -m scripts.soak --events 50 --seed 3

Everything runs in this process against FakeGitHub and FakeAnthropic on
127.0.0.1 (no other connection is allowed); time is virtual, so the burst of
``--events`` arriving over one minute finishes in seconds. Exit status 0 when
the run is clean: no duplicate, no lost event, no canary leak, writes within
GitHub's content limits, every Retry-After honoured, no traceback.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tests.soak.checks import assert_clean, write_json
from tests.soak.harness import Soak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=50, help="events in the burst (1-500)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the event mix and faults")
    parser.add_argument("--fault-rate", type=float, default=0.8,
                        help="chance of new GitHub faults at each event (0-1)")  # fmt: skip
    parser.add_argument("--no-outage", action="store_true", help="no LLM outage window")
    parser.add_argument(
        "--no-limit", action="store_true", help="no modelled content limit: the load offered"
    )
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--verbose", action="store_true", help="one line per event")
    args = parser.parse_args(argv)
    if not 1 <= args.events <= 500 or not 0.0 <= args.fault_rate <= 1.0:
        parser.error("--events must be 1-500 and --fault-rate 0-1")
    with tempfile.TemporaryDirectory(prefix="foreman-soak-") as tmp, Soak(
        Path(tmp), events=args.events, seed=args.seed, fault_rate=args.fault_rate,
        outage=not args.no_outage, limit=not args.no_limit,
    ) as soak:  # fmt: skip
        figures = soak.run()
        if args.verbose:
            for r in soak.records:
                print(f"{r.index:3} {r.kind:<15} #{r.number:<3} {' '.join(r.runs):<24} "
                      f"{r.skipped or r.decisions}")  # fmt: skip
    print(f"soak: {args.events} events, seed {args.seed}")
    for line in figures.lines():
        print(line)
    for problem in [*figures.duplicates, *figures.lost, *figures.early_retries]:
        print(f"  - {problem}")
    if args.json:
        write_json(figures, Path(args.json))
    try:
        assert_clean(figures)
    except AssertionError as err:
        print(f"NOT CLEAN: {err}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
