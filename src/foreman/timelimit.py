"""A wall-clock limit on a block of pure-Python work (a regular expression over text).

The regex engine checks for signals while it backtracks, so a ``SIGALRM`` timer
interrupts even a pattern whose running time grows exponentially. Signals
reach only the main thread: :func:`available` says whether a limit can be set
here, and callers off the main thread must bound the work another way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# A sleep (``time.sleep``, or a test's clock): how the GitHub client and the gate wait.
Sleep = Callable[[float], None]


class TimeLimitExceeded(Exception):
    """The block ran longer than its limit and was interrupted."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"ran longer than {seconds:g} s")
        self.seconds = seconds


def available() -> bool:
    """Whether :func:`time_limit` can interrupt a block here (main thread, POSIX signals)."""
    import signal  # here: importing the plan must not pay for it

    return threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGALRM")


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`TimeLimitExceeded` in the block once ``seconds`` have passed. Where no
    limit can be set (see :func:`available`) the block runs unbounded."""
    import signal

    def expire(signum: int, frame: object) -> None:
        raise TimeLimitExceeded(seconds)

    if not available():
        yield
        return
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
