"""Non-idempotent writes that survive ambiguous failures without duplicating anything.

A POST that answered 5xx, timed out or lost its connection may have happened.
Retrying it blindly can create a second comment or PR (scenarios G04, G05,
G10), so :func:`write_with_reconcile` looks the object up first and only
writes again when it is really missing. A 422 "already exists" is the same
question answered by GitHub: look the object up and use it (G06). A write
refused by a rate limit did not happen: wait (within budget) and write again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import requests
from github import GithubException

from foreman.errors import ForemanError, GitHubError, RateLimitedError

from .client import SECONDARY_BASE_WAIT, github_errors, github_message, is_ambiguous, translate

T = TypeVar("T")
RESET_PAD = 1.0  # a wait for an announced time ends this long after it


def write_with_reconcile(
    write: Callable[[], T],
    lookup: Callable[[], T | None],
    *,
    attempts: int = 3,
    sleep: Callable[[float], None] = time.sleep,
    backoff: float = 1.0,
    max_wait: float = 60.0,
    what: str = "GitHub write",
) -> T:
    """Run ``write``; after an ambiguous failure return ``lookup()`` if it finds the
    object, else write again (at most ``attempts`` writes in all).

    Non-ambiguous errors (401, 403 permission, 404, other 422s) are raised at
    once, translated into :mod:`foreman.errors`.
    """
    last: ForemanError | None = None
    maybe_written = False
    for attempt in range(attempts):
        if maybe_written:
            found = _lookup(lookup)  # the previous try may have landed after all
            if found is not None:
                return found
        try:
            return write()
        except (GithubException, requests.exceptions.RequestException) as exc:
            error = translate(exc)
            if _already_exists(exc):
                found = _lookup(lookup)
                if found is not None:
                    return found
                raise error from exc
            maybe_written = is_ambiguous(exc)
            if isinstance(error, RateLimitedError):  # refused: nothing was written
                wait = _rate_limit_wait(error, attempt)
                if wait > max_wait + RESET_PAD:  # the budget bounds GitHub's wait, not our pad
                    raise error from exc
            elif maybe_written:
                wait = backoff * 2.0**attempt
            else:
                raise error from exc
            last = error
            if attempt + 1 < attempts:
                sleep(wait)
    assert last is not None
    if isinstance(last, RateLimitedError):
        raise RateLimitedError(
            f"{what}: still rate-limited after {attempts} attempts ({last.message})",
            reset_at=last.reset_at,
        )
    found = _lookup(lookup) if maybe_written else None
    if found is not None:
        return found
    raise GitHubError(f"{what} failed after {attempts} attempts: {last.message}")


def _lookup(lookup: Callable[[], T | None]) -> T | None:
    with github_errors():
        return lookup()


def _already_exists(exc: BaseException) -> bool:
    if not isinstance(exc, GithubException) or exc.status != 422:
        return False
    data = exc.data if isinstance(exc.data, dict) else {}
    codes = {e.get("code") for e in data.get("errors") or [] if isinstance(e, dict)}
    return "already_exists" in codes or "already exists" in github_message(exc).lower()


def _rate_limit_wait(error: RateLimitedError, attempt: int) -> float:
    if error.reset_at is not None:
        return max(0.0, error.reset_at - time.time()) + RESET_PAD
    return SECONDARY_BASE_WAIT * 2.0**attempt
