"""What the secret checks and the search tool's limit cost, measured in this process."""

from __future__ import annotations

import secrets as random
import tempfile
import threading
import time
from pathlib import Path

from bench.bench_proc import Stats, times
from bench.bench_table import Section, timed
from foreman.contracts import Result
from foreman.gate.secrets import scan_patch
from foreman.secrets import spellings_of
from foreman.workers.boundary import off
from foreman.workers.fence import Fence
from foreman.workers.own_secrets import check_own_output
from foreman.workers.tools import Toolbox

ROOT = Path(__file__).resolve().parents[1]
OWN_CHECK_GOAL = 1.0  # seconds for a 1 MB patch: a fraction of one model turn
SEARCH_GOAL = 6.0  # seconds: the tool's 5 s limit plus the time to stop


def _big_patch(limit: int = 1_000_000) -> tuple[str, dict[str, list[tuple[int, str]]]]:
    """This repository's source as the added lines of a patch, cut at ``limit`` bytes."""
    parts: list[str] = []
    added: dict[str, list[tuple[int, str]]] = {}
    size = 0
    for path in sorted((ROOT / "src").rglob("*.py")) + sorted((ROOT / "tests").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        lines = path.read_text(encoding="utf-8").splitlines()
        parts.append(f"diff --git a/{rel} b/{rel}\n--- /dev/null\n+++ b/{rel}\n")
        parts.extend(f"+{line}\n" for line in lines)
        added[rel] = list(enumerate(lines, 1))
        size += sum(len(line) + 2 for line in lines)
        if size >= limit:
            break
    return "".join(parts), added


def secrets_section(ctx: object) -> Section:
    runs = 5
    s = Section("secret checks and the search tool's limit (in-process)")
    held = (
        "sk-ant-api03-" + random.token_urlsafe(60),
        "ghs_" + random.token_hex(18),
        random.token_hex(16),
        "github_pat_" + random.token_hex(30),
    )
    patch, added = _big_patch()
    result = Result(task_id="t", worker="debug", verdict="proposed", body="Fixed it. " * 300)
    spellings_of(held)  # built once per process; the first call pays ~1 ms
    stats = times(lambda: check_own_output(result, patch, held), runs)
    s.rows.append(
        timed(f"worker's own check, {len(patch) // 1000} KB patch", stats, OWN_CHECK_GOAL)
    )
    stats = times(lambda: scan_patch(added, held[1:2]), runs)
    s.rows.append(timed("gate scan_patch, same patch, 1 job secret", stats))
    line = "worker debug: proposed (the reproduction passes after the patch) " * 2
    from foreman.actions import redact

    per_line = times(lambda: [redact(line, {"GITHUB_TOKEN": held[1]}) for _ in range(1000)], runs)
    s.rows.append(timed("redact(), 1000 log lines", per_line))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "blob.txt").write_text("a" * 900 + "!\n")
        box = Toolbox(Fence.make(root, ["**"]), [], {}, time.monotonic() + 600, off())
        stats = times(lambda: box.search("(a+)+$"), 1)
        s.rows.append(timed("search `(a+)+$`, 900-char line (main thread)", stats, SEARCH_GOAL))
        src = Toolbox(Fence.make(ROOT, ["**"]), [], {}, time.monotonic() + 600, off())
        main = times(lambda: src.search(r"def \w+_secrets?\(", "src"), runs)
        s.rows.append(timed("search over src/ (main thread, SIGALRM)", main))
        box_times: list[float] = []

        def in_thread() -> None:
            started = time.perf_counter()
            src.search(r"def \w+_secrets?\(", "src")
            box_times.append(time.perf_counter() - started)

        for _ in range(runs):
            thread = threading.Thread(target=in_thread)
            thread.start()
            thread.join()
        s.rows.append(timed("search over src/ (other thread, child process)", Stats.of(box_times)))
    s.notes.append(
        "Own check: 4 secrets (~80 spellings each) over the patch's added lines, file names and"
        " the result's texts. The search limit is 5 s; off the main thread the search runs in"
        " a child Python (its start-up is most of that row)."
    )
    return s
