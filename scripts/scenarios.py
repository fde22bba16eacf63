"""The scenario scoreboard: run every scenario's tests and print one line per ID.

    python -m scripts.scenarios            # the in-process suite (pytest -m "not act")
    python -m scripts.scenarios --act      # the act end-to-end tests too
    python -m scripts.scenarios -- -x      # extra pytest arguments after --

The IDs come from the project's own catalogue (``tests/support/scenario_ids.py``), so
this works on a fresh clone. Tests are selected with ``pytest -k`` over the
IDs (tests are named ``test_<ID>_...``) and scored by the ``scoreboard``
plugin. An ID passes when at least one of its tests ran and none failed; an
ID with no test (or only skipped ones) counts as failed, except the IDs the catalogue lists
as open (still to be delivered by the issue it names), shown as ``open #N``. Exit status: 0 when
every ID passes, 1 otherwise, 2 when pytest could not produce a scoreboard.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.support.scenario_ids import SCENARIOS

ROOT = Path(__file__).resolve().parents[1]


def catalogue() -> dict[str, str]:
    return dict(SCENARIOS)


def interpreter() -> str:
    """This Python when it has pytest, else the project's venv."""
    if importlib.util.find_spec("pytest") is not None:
        return sys.executable
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def run_pytest(ids: list[str], act: bool, extra: list[str], report: Path) -> tuple[int, str]:
    command = [interpreter(), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--scoreboard-all",
               f"--scoreboard-json={report}", "-k", " or ".join(ids)]  # fmt: skip
    if not act:
        command += ["-m", "not act"]
    proc = subprocess.run(
        [*command, *extra], cwd=ROOT, capture_output=True, text=True, timeout=3600, check=False
    )
    return proc.returncode, proc.stdout + proc.stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--act", action="store_true", help="include the act end-to-end tests")
    parser.add_argument("--verbose", action="store_true", help="show pytest's own output")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = parser.parse_args(argv)
    ids = catalogue()
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "scoreboard.json"
        code, output = run_pytest(list(ids), args.act, args.pytest_args, report)
        data = json.loads(report.read_text()) if report.exists() else None
    if args.verbose or data is None:
        print(output)
    if data is None:
        print(f"pytest exited {code} without a scoreboard")
        return 2
    passed = failed = still_open = 0
    for sid, text in ids.items():
        entry = data["ids"].get(sid, {"state": "missing", "outcomes": []})
        state = str(entry["state"])
        if not state.startswith("open"):
            state = {"pass": "pass", "missing": "missing"}.get(state, "fail")
        note = " (all skipped)" if entry["state"] == "skipped" else ""
        passed += state == "pass"
        still_open += state.startswith("open")
        failed += state not in ("pass",) and not state.startswith("open")
        print(f"{sid} {state:<7} {len(entry['outcomes']):>2} test(s)  {text}{note}")
    print(f"{passed} passed, {failed} failed" + (f" ({still_open} open)" if still_open else ""))
    if failed and not args.verbose:
        for line in output.splitlines():
            if line.startswith(("FAILED ", "ERROR ")):
                print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
