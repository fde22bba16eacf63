"""Which paths a patch may name at all, and which need a maintainer."""

from __future__ import annotations

from collections.abc import Iterable

from foreman.paths import matches_any, normalize


def unsafe(path: str) -> bool:
    """A path no write may use: absolute, ``..``, ``.git``, backslashes, NUL, not normal."""
    parts = path.split("/")
    return (
        not path
        or path.startswith("/")
        or "\\" in path
        or "\0" in path
        or normalize(path) != path
        or any(p in ("", ".", "..") for p in parts)
        or any(p.lower() == ".git" for p in parts)
    )


def protected(paths: Iterable[str], patterns: Iterable[str]) -> list[str]:
    """The paths that match a protected pattern."""
    patterns = tuple(patterns)
    return [p for p in paths if matches_any(p, patterns)]
