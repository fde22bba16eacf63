"""A transferred issue: GitHub answers a read of it with 301 Moved Permanently.

PyGithub follows that redirect (same host) and returns the issue where it is now, in
another repository and under another number. Writing to it would write to a repository
nobody asked about, so a read whose answer is not the item asked for is reported as
moved, plainly, and nothing is written for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from foreman.errors import MovedError


def check_same_item(raw: Mapping[str, Any], repo: str, number: int) -> None:
    """Raise :class:`MovedError` when ``raw`` (an issue as read) is not ``repo``#``number``."""
    url = str(raw.get("repository_url") or "")
    where = "/".join(url.rstrip("/").split("/")[-2:]) if url else repo
    got = raw.get("number")
    if where.lower() != repo.lower() or (isinstance(got, int) and got != number):
        now = f"{where}#{got}" if isinstance(got, int) else where
        raise MovedError(
            f"#{number} was transferred to {now} (GitHub answered 301 Moved Permanently)"
        )
