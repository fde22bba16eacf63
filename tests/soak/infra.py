"""Plumbing of the soak (:mod:`tests.soak.harness`): a virtual clock, GitHub's
content-creation limit on that clock, reversible patches, output capture and a loopback-only guard.

Nothing here knows about foreman; it is test code, usable from pytest and from
``scripts/soak.py`` alike (every change it makes is undone on exit).
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import socket
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.github.faults import Fault, LoggedRequest, RequestLog
from tests.support.network import is_loopback

WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
PER_MINUTE = 80  # GitHub: content-creating requests per minute (secondary limit)
PER_HOUR = 500  # ... and per hour
CONTENT_LIMIT_MESSAGE = (
    "You have exceeded a secondary rate limit for content creation (soak model). "
    "Please wait before you try again."
)


class VirtualClock:
    """Virtual seconds since the burst began, for the job that is running now.

    The soak runs one job at a time, but on GitHub the runs of different
    events run side by side. So each job has its own time line: it starts at
    its due time (an event's arrival, or a re-run's) and moves only by the
    waits that job asks for (an injected ``sleep``); requests take no time.
    One job's backoff does not delay the others, and results are the same
    on a fast and a slow machine.
    """

    def __init__(self) -> None:
        self.base = 0.0
        self.offset = 0.0
        self.latest = 0.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.base + self.offset

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.offset += max(0.0, seconds)
        self.latest = max(self.latest, self.now())

    def start_job(self, at: float) -> None:
        self.base, self.offset = at, 0.0
        self.latest = max(self.latest, at)


class VirtualLog(RequestLog):
    """FakeGitHub's request log, stamped with the virtual clock instead of wall time."""

    def __init__(self, clock: VirtualClock) -> None:
        super().__init__()
        self.clock = clock

    def add(self, entry: LoggedRequest) -> None:
        entry.time = self.clock.now()
        super().add(entry)


def _us(seconds: float) -> int:
    """Whole microseconds: window edges compare exactly (no float rounding at 60 s)."""
    return round(seconds * 1_000_000)


def fits(accepted: list[float], t: float, window: float, cap: int) -> bool:
    """Whether one more write at ``t`` keeps every ``window`` holding ``t`` at ``cap`` or less.

    Jobs have their own time lines, so ``accepted`` may hold writes later than
    ``t``: every window [s, s + window) that contains ``t`` is checked, not
    only the one ending at ``t``.
    """
    now, span = _us(t), _us(window)
    near = [a for a in map(_us, accepted) if now - span < a < now + span]
    starts = {now - span + 1, *(a for a in near if a <= now)}
    starts |= {a - span + 1 for a in near if a > now}
    for s in starts:
        if s <= now < s + span and sum(s <= a < s + span for a in near) + 1 > cap:
            return False
    return True


@dataclass(eq=False)
class ContentLimit(Fault):
    """GitHub's secondary limit on content creation, enforced on the virtual clock.

    Every write (POST/PATCH/PUT/DELETE) is counted when it is let through; a
    write that would put more than ``per_minute`` writes in some minute (or
    ``per_hour`` in some hour) gets 403 with ``Retry-After`` (whole seconds
    until it would fit), as GitHub answers. Injected first, it sees every
    request; reads pass.
    """

    clock: VirtualClock = field(default_factory=VirtualClock)
    log: RequestLog | None = None  # to note which logged request was refused
    per_minute: int = PER_MINUTE
    per_hour: int = PER_HOUR
    accepted: list[float] = field(default_factory=list)
    refusals: list[tuple[int, float, int]] = field(default_factory=list)  # (log index, t, wait)

    def __post_init__(self) -> None:
        self.status, self.times = 403, None
        self.body = {
            "message": CONTENT_LIMIT_MESSAGE,
            "documentation_url": "https://docs.github.com/rest/rate-limit",
        }

    def _fits(self, t: float) -> bool:
        return fits(self.accepted, t, 60.0, self.per_minute) and fits(
            self.accepted, t, 3600.0, self.per_hour
        )

    def matches(self, method: str, route: str | None, path: str) -> bool:
        if method not in WRITE_METHODS:
            return False
        now = self.clock.now()
        if self._fits(now):
            self.accepted.append(now)
            return False
        later = sorted({a + w + 1e-6 for a in self.accepted for w in (60.0, 3600.0) if a + w > now})
        free_at = next((t for t in later if self._fits(t)), now + 3600.0)
        wait = max(1, math.ceil(free_at - now - 1e-6))
        self.headers = {"retry-after": str(wait)}
        index = len(self.log.entries) - 1 if self.log is not None else -1
        self.refusals.append((index, now, wait))
        return True


def is_limit_refusal(entry: LoggedRequest) -> bool:
    response = entry.response if isinstance(entry.response, dict) else {}
    return entry.status == 403 and response.get("message") == CONTENT_LIMIT_MESSAGE


def max_in_window(times: list[float], window: float) -> int:
    """The most ``times`` that fall in any half-open window of ``window`` seconds."""
    ordered, span = sorted(map(_us, times)), _us(window)
    best = start = 0
    for end, t in enumerate(ordered):
        while ordered[start] <= t - span:
            start += 1
        best = max(best, end - start + 1)
    return best


class Patches:
    """setattr / setenv that :meth:`undo` reverts (a monkeypatch that works outside pytest)."""

    _MISSING = object()

    def __init__(self) -> None:
        self._undo: list[tuple[Any, str, Any]] = []
        self._env: dict[str, str | None] = {}

    def setattr(self, target: Any, name: str, value: Any) -> None:
        self._undo.append((target, name, getattr(target, name, self._MISSING)))
        setattr(target, name, value)

    def setenv(self, name: str, value: str | None) -> None:
        self._env.setdefault(name, os.environ.get(name))
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value

    def undo(self) -> None:
        for target, name, old in reversed(self._undo):
            if old is self._MISSING:
                delattr(target, name)
            else:
                setattr(target, name, old)
        self._undo.clear()
        for name, old in self._env.items():
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old
        self._env.clear()


def loopback_only(patches: Patches) -> None:
    """Refuse every connection that is not to 127.0.0.1/::1 (until ``patches.undo()``)."""
    for name in ("connect", "connect_ex"):
        real = getattr(socket.socket, name)

        def guarded(self: socket.socket, address: Any, _real: Any = real) -> Any:
            if not is_loopback(address):
                raise RuntimeError(f"soak tried to reach the network: {address!r}")
            return _real(self, address)

        patches.setattr(socket.socket, name, guarded)


@contextlib.contextmanager
def capture_output(sink: list[str]) -> Iterator[None]:
    """Everything written to stdout/stderr (Python and file-descriptor level) goes to ``sink``."""
    sys.stdout.flush()
    sys.stderr.flush()
    buffer = io.StringIO()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        saved = [os.dup(1), os.dup(2)]
        try:
            os.dup2(out.fileno(), 1)
            os.dup2(err.fileno(), 2)
            with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
                yield
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
            sink.append(buffer.getvalue())
            for f in (out, err):
                f.seek(0)
                sink.append(f.read().decode("utf-8", "replace"))
