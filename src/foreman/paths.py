"""Repository-relative path globs, one implementation for rules, workers and the gate.

``*`` and ``?`` never cross ``/``; ``**`` spans any number of directories
(``docs/**`` matches everything under docs/, ``**/*.md`` every markdown file).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache


@lru_cache(maxsize=512)
def _compile(pattern: str) -> re.Pattern[str]:
    pat = pattern.strip().lstrip("/")
    if pat.endswith("/"):
        pat += "**"
    out = []
    i = 0
    while i < len(pat):
        if pat.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pat.startswith("**", i):
            out.append(".*")
            i += 2
        elif pat[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pat[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pat[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def normalize(path: str) -> str:
    return path.replace("\\", "/").lstrip("/").removeprefix("./")


def matches(path: str, pattern: str) -> bool:
    return _compile(pattern).match(normalize(path)) is not None


def matches_any(path: str, patterns: Iterable[str]) -> bool:
    return any(matches(path, p) for p in patterns)
