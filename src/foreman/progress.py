"""Progress of a long command on a terminal: one line on stderr, rewritten in place.

``learn`` and ``eval-router --folds`` run for minutes; on a terminal they say
where they are. When stderr is not a terminal (the action, a pipe, a test's
capture) nothing is written, so logs and JSON outputs stay as they were.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

Report = Callable[[str], None]


def quiet(_text: str) -> None:
    """A progress callback that says nothing (the default of every long function)."""


class Progress:
    """``progress("fold 2/5")`` rewrites the line; ``done()`` ends it."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.shown = False

    def __call__(self, text: str) -> None:
        if not self.enabled:
            return
        self.stream.write("\r\x1b[K" + text.replace("\n", " ")[:200])
        self.stream.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False
