"""Which paths a patch may name at all, and which need a maintainer."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from foreman.paths import matches_any, normalize


def unsafe(path: str) -> bool:
    """A path no write may use: absolute, ``..``, ``.git``, backslashes, NUL, not normal,
    not valid UTF-8 (bytes kept as surrogates), or not in Unicode NFC (S22)."""
    parts = path.split("/")
    return (
        not path
        or any("\ud800" <= c <= "\udfff" for c in path)
        or unicodedata.normalize("NFC", path) != path
        or path.startswith("/")
        or "\\" in path
        or "\0" in path
        or normalize(path) != path
        or any(p in ("", ".", "..") for p in parts)
        or any(p.lower() == ".git" for p in parts)
    )


def protected(paths: Iterable[str], patterns: Iterable[str]) -> list[str]:
    """The paths that match a protected pattern, or lie below a path that does (``P/**``)."""
    patterns = tuple(patterns)
    return [p for p in paths if any(matches_any(q, patterns) for q in _self_and_parents(p))]


def _self_and_parents(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:n]) for n in range(len(parts), 0, -1)]
