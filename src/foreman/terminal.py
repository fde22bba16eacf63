"""Readable text for a terminal: ``--format text`` of ``plan``, ``work``, ``gate`` and ``run``.

Plain columns, no markdown. Text from issues, models and patches may hold control characters
(an ANSI escape could rewrite the screen): every cell passes :func:`clean`. In Actions the
block is fenced with ``::stop-commands::`` so no line of it runs as a workflow command.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence

from foreman import actions

FORMATS = ("text", "json")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def add_format_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="text: a readable summary; json: the machine-readable form (default: text on a"
        " terminal, json otherwise)",
    )


def chosen(value: str | None) -> str:
    """``--format``, or text when stdout is a terminal and json when it is not. In Actions
    always json unless asked: a runner may give steps a terminal (act does), and the action's
    log and outputs must not change with it."""
    if value:
        return value
    if actions.in_actions():
        return "json"
    isatty = getattr(sys.stdout, "isatty", None)
    return "text" if isatty is not None and isatty() else "json"


def clean(text: object, max_chars: int = 0) -> str:
    line = _CONTROL.sub(" ", str(text)).replace("\n", " ").replace("\t", " ")
    if max_chars and len(line) > max_chars:
        line = line[: max_chars - 1] + "…"
    return line


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, width: int = 60) -> str:
    """Columns padded to their widest cell (each cell cut at ``width``)."""
    cells = [[clean(c, width) for c in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def show(text: str) -> None:
    """Print ``text`` (redacted) to stdout; in Actions inside a stop-commands fence."""
    text = actions.redact(text).rstrip("\n")
    if actions.in_actions():
        import secrets

        token = secrets.token_hex(16)
        print(f"::stop-commands::{token}\n{text}\n::{token}::", flush=True)
    else:
        print(text, flush=True)
