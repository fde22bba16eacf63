"""The ``search`` tool's scan: a model's regular expression over the checkout, time-limited.

A pattern like ``(a+)+$`` backtracks for longer than the universe on one long
line, so the scan runs under a wall-clock limit. In the main thread (where the
SDK's tool runner calls tools in ``foreman work``) a ``SIGALRM`` timer
interrupts the regex engine (:mod:`foreman.timelimit`); anywhere else signals
cannot reach it, so the same scan runs in a child Python process that is
killed at the limit. Both raise :class:`~foreman.timelimit.TimeLimitExceeded`.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from foreman import timelimit

MAX_MATCHES = 200
MAX_SCAN_BYTES = 1_000_000
MAX_LINE = 1000  # characters of a line the pattern sees
SHOWN_LINE = 300  # characters of a matching line the model sees
_SRC = Path(__file__).resolve().parents[2]
_CHILD = (
    "import sys; sys.path.insert(0, sys.argv[1]);"
    " from foreman.workers.search import child_main; child_main()"
)


def scan(regex: re.Pattern[str], files: Sequence[tuple[str, str]]) -> tuple[list[str], bool]:
    """``path:line: text`` for every matching line of ``files`` (``(shown, real path)``), and
    whether it stopped at :data:`MAX_MATCHES`. Big and binary files are skipped."""
    hits: list[str] = []
    for shown, real in files:
        path = Path(real)
        try:
            if path.stat().st_size > MAX_SCAN_BYTES:
                continue
            data = path.read_bytes()
        except OSError:
            continue
        if b"\x00" in data[:8192]:
            continue
        for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
            if regex.search(line[:MAX_LINE]):
                hits.append(f"{shown}:{number}: {line[:SHOWN_LINE]}")
                if len(hits) >= MAX_MATCHES:
                    return hits, True
    return hits, False


def limited_scan(
    pattern: str, files: Sequence[tuple[str, str]], seconds: float
) -> tuple[list[str], bool]:
    """:func:`scan` with ``pattern``, stopped after ``seconds`` (:class:`TimeLimitExceeded`).
    ``pattern`` must compile (the caller checks, so the error is the caller's)."""
    regex = re.compile(pattern)
    if timelimit.available():
        with timelimit.time_limit(seconds):
            return scan(regex, files)
    return _scan_in_child(pattern, files, seconds)


def _scan_in_child(
    pattern: str, files: Sequence[tuple[str, str]], seconds: float
) -> tuple[list[str], bool]:
    request = json.dumps({"pattern": pattern, "files": [list(f) for f in files]})
    try:
        proc = subprocess.run(
            [sys.executable, "-I", "-c", _CHILD, str(_SRC)],
            input=request.encode("utf-8", "surrogateescape"),
            capture_output=True,
            timeout=seconds,
            env={},
            check=False,
        )
    except subprocess.TimeoutExpired:  # run() has killed the child
        raise timelimit.TimeLimitExceeded(seconds) from None
    if proc.returncode != 0:
        raise RuntimeError(f"the search process failed: {proc.stderr.decode()[-300:]}")
    answer = json.loads(proc.stdout)
    return list(answer["hits"]), bool(answer["more"])


def child_main() -> None:
    """The child's side of :func:`_scan_in_child`: a JSON request on stdin, JSON on stdout."""
    request = json.loads(sys.stdin.buffer.read().decode("utf-8", "surrogateescape"))
    files = [(shown, real) for shown, real in request["files"]]
    hits, more = scan(re.compile(request["pattern"]), files)
    sys.stdout.write(json.dumps({"hits": hits, "more": more}))
