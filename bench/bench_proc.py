"""Run a command as its own process and measure what a user would see: wall time and peak RSS.

Linux charges a process's peak RSS with that of the process it was forked from
(the pre-``exec`` image), so a child started straight from this benchmark,
which holds the fakes and pydantic in memory, would inherit our peak. Each
command therefore starts from a tiny launcher (``python -I -S``, a few MB) that
spawns it, reaps it with ``os.wait4`` and reports its wall time and peak RSS
(its own, or that of its largest waited-for child, e.g. ruff under ``work``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "workflows-examples" / "events"
PYTHON = sys.executable
# Ambient context a developer's shell (or a runner) may hold; no measured child inherits it.
_AMBIENT = ("GITHUB_", "RUNNER_", "ANTHROPIC_", "FOREMAN_", "INPUT_", "ACTIONS_", "GH_TOKEN")


class BenchError(RuntimeError):
    """A measurement could not be taken (the command failed or answered something else)."""


@dataclass(frozen=True)
class Proc:
    argv: tuple[str, ...]
    returncode: int
    seconds: float  # wall time
    cpu_seconds: float  # user + system time (less sensitive to a busy machine)
    max_rss_mb: float
    stdout: str
    stderr: str

    def check(self) -> Proc:
        if self.returncode != 0:
            tail = (self.stderr or self.stdout)[-2000:]
            raise BenchError(f"{' '.join(self.argv[2:5])}... exited {self.returncode}: {tail}")
        return self

    def json(self) -> Any:
        return json.loads(self.stdout)


@dataclass(frozen=True)
class Stats:
    median: float
    min: float
    max: float
    n: int

    @classmethod
    def of(cls, values: Iterable[float]) -> Stats:
        data = list(values)
        if not data:
            raise BenchError("no samples")
        return cls(statistics.median(data), min(data), max(data), len(data))

    def as_json(self) -> dict[str, float]:
        return {"median": self.median, "min": self.min, "max": self.max, "n": self.n}


def times(fn: Callable[[], object], runs: int) -> Stats:
    """Wall seconds of ``runs`` calls of ``fn``."""
    values = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        values.append(time.perf_counter() - started)
    return Stats.of(values)


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without GitHub/Actions/Anthropic context, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_AMBIENT)}
    env.pop("VIRTUAL_ENV", None)
    env.update(extra)
    return env


# Spawns argv[2:], waits for it, writes "<max rss> <seconds> <cpu seconds> <exit code>" to argv[1].
_LAUNCHER = """\
import os, sys, time
t0 = time.perf_counter()
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - t0
code = os.waitstatus_to_exitcode(status)
with open(sys.argv[1], "w") as fh:
    fh.write(f"{usage.ru_maxrss} {seconds} {usage.ru_utime + usage.ru_stime} {code}")
"""


def run(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path | None = None,
    timeout: float = 300.0,
) -> Proc:
    """Run ``argv`` to completion (killed after ``timeout`` s); time it and read its peak RSS."""
    with tempfile.TemporaryDirectory(prefix="bench-proc-") as tmp:
        report, out_path, err_path = (Path(tmp) / n for n in ("report", "out", "err"))
        launcher = [PYTHON, "-I", "-S", "-c", _LAUNCHER, str(report), *argv]
        with out_path.open("wb") as out, err_path.open("wb") as err:
            child = subprocess.Popen(
                launcher, cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL, stdout=out,
                stderr=err, start_new_session=True,
            )  # fmt: skip
            try:
                child.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
        stdout = out_path.read_text("utf-8", "replace")
        stderr = err_path.read_text("utf-8", "replace")
        if not report.is_file():
            raise BenchError(
                f"{argv[0]} did not finish (launcher exit {child.returncode}): {stderr}"
            )
        rss, seconds, cpu, code = report.read_text().split()
    # ru_maxrss: KiB on Linux, bytes on macOS.
    rss_mb = int(rss) / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return Proc(tuple(argv), int(code), float(seconds), float(cpu), rss_mb, stdout, stderr)


def foreman(*args: str, env: Mapping[str, str], cwd: Path | None = None) -> Proc:
    """``python -m foreman ARGS`` with this interpreter (the project's venv)."""
    return run([PYTHON, "-m", "foreman", *args], env=env, cwd=cwd)


def write_config(root: Path, text: str) -> Path:
    """A checkout-shaped directory holding ``.github/foreman.yml``."""
    (root / ".github").mkdir(parents=True, exist_ok=True)
    (root / ".github" / "foreman.yml").write_text(text, encoding="utf-8")
    return root


def module_exists(name: str) -> bool:
    """Whether ``name`` can be imported (a module another helper may not have written yet)."""
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def instructions(argv: Sequence[str], *, env: Mapping[str, str], cwd: Path | None = None) -> int:
    """CPU instructions ``argv`` executes, counted by valgrind's callgrind: the same on every
    run (times on a shared machine vary by tens of per cent)."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise BenchError("valgrind is not installed")
    tool = [valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    proc = run([*tool, *argv], env=env, cwd=cwd, timeout=1800.0).check()
    found = re.search(r"Collected : (\d+)", proc.stderr)
    if found is None:
        raise BenchError(f"no instruction count in valgrind's output: {proc.stderr[-500:]}")
    return int(found.group(1))
