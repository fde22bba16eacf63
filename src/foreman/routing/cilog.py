"""The failing part of a CI job's log, as untrusted data cut to a budget (F08).

Pure: bytes in, text out. A log is whatever the job printed, so it is treated like issue
text: runner timestamps and terminal colours go, then :func:`sanitize` removes hidden
content (comments, invisible and control characters); GitHub's ``***`` masks stay as they
are. What is kept is the failing part — pytest's failures and short summary, tracebacks,
compiler and ``##[error]`` lines, with a few lines around them — and the log's last lines,
within ``max_chars``; anything cut is said where it was cut.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from foreman.sanitize import sanitize

_STAMP = re.compile(r"^\ufeff?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z ?", re.MULTILINE)
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)")
_ANCHOR = re.compile(
    r"(##\[error\]|^=+ (FAILURES|ERRORS) =+|^=+ short test summary info =+|^FAILED |^ERROR |"
    r"^E {3}|Traceback \(most recent call last\)|^\w*(Error|Exception)\b.*:|\berror(\[\w+\])?:|"
    r"^npm ERR!|^--- FAIL|^FAIL\b|panicked at|AssertionError|^\s*\d+ (failed|errors?)\b)",
    re.IGNORECASE | re.MULTILINE,
)
CONTEXT = 3  # lines kept before an anchor
TAIL_LINES = 30  # the log's last lines are always wanted (summary, exit code)
FENCE_END = "LOG>>>"


@dataclass(frozen=True)
class Excerpt:
    text: str
    lines: int  # lines in the (cleaned) log
    kept: int  # lines kept
    removed: tuple[str, ...]  # hidden content removed (sanitize's words)
    cut: bool  # something was left out


def clean(raw: bytes | str) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    text = _ANSI.sub("", text.replace("\r\n", "\n"))
    return _STAMP.sub("", text)


def _wanted(lines: list[str]) -> list[bool]:
    keep = [False] * len(lines)
    for i, line in enumerate(lines):
        if _ANCHOR.search(line):
            for j in range(max(0, i - CONTEXT), min(len(lines), i + 8)):
                keep[j] = True
    for j in range(max(0, len(lines) - TAIL_LINES), len(lines)):
        keep[j] = True
    return keep


def _join(lines: list[str], keep: list[bool]) -> list[str]:
    out: list[str] = []
    skipped = 0
    for line, k in zip(lines, keep, strict=True):
        if k:
            if skipped:
                out.append(f"[... {skipped} lines not shown ...]")
                skipped = 0
            out.append(line)
        else:
            skipped += 1
    return out


def excerpt(raw: bytes | str, max_chars: int) -> Excerpt:
    """The failing part and the tail of a log within ``max_chars`` (the end wins when short)."""
    clean_text = sanitize(clean(raw), max_chars=2**62)  # hidden content out, nothing cut yet
    lines = [ln.replace(FENCE_END, "LOG>>]") for ln in clean_text.text.split("\n")]
    picked = _join(lines, _wanted(lines))
    cut = len(picked) < len(lines)
    text = "\n".join(picked)
    if len(text) > max_chars:
        text, cut = _fit(picked, max_chars), True
    kept = sum(1 for ln in text.split("\n") if not ln.startswith("[... "))
    return Excerpt(text, len(lines), kept, clean_text.removed, cut)


def _fit(picked: list[str], max_chars: int) -> str:
    """Still too long: the first failure block (a third) and the end (the rest)."""
    head_budget = max_chars // 3
    head: list[str] = []
    size = 0
    for line in picked:
        if size + len(line) + 1 > head_budget:
            break
        head.append(line)
        size += len(line) + 1
    tail: list[str] = []
    size = 0
    for line in reversed(picked[len(head) :]):
        if size + len(line) + 1 > max_chars - head_budget - 60:
            if not tail:  # one enormous line: its end
                tail.append(line[-(max_chars - head_budget - 60) :])
            break
        tail.append(line)
        size += len(line) + 1
    tail.reverse()
    gap = len(picked) - len(head) - len(tail)
    return "\n".join([*head, f"[... {gap} lines not shown ...]", *tail])
