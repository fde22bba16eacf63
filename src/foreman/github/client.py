"""Connecting to GitHub with PyGithub, on purpose-configured retries, and error mapping.

Retries happen in the HTTP transport (a :class:`ForemanRetry` given to PyGithub)
and only for idempotent reads: 5xx, 429, rate-limit 403s, connection errors,
with exponential backoff and an injectable ``sleep``. Non-idempotent writes
(POST/PATCH/PUT/DELETE) are never retried blindly: :mod:`.reconcile` re-reads
before it writes again. Importing this module imports PyGithub (about a
second): callers import it lazily.
"""

from __future__ import annotations

import email.utils
import json
import logging
import math
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

import github
import requests
from github import Auth, GithubException, GithubRetry
from github.GithubException import BadCredentialsException, RateLimitExceededExceedsMaxWait
from github.Requester import Requester
from urllib3.connectionpool import ConnectionPool
from urllib3.exceptions import MaxRetryError
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from foreman.errors import AuthError, ForemanError, GitHubError, NotFoundError, RateLimitedError
from foreman.timelimit import Sleep

DEFAULT_API_URL = "https://api.github.com"
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SECONDARY_BASE_WAIT = 15.0  # first wait after a secondary limit / 429 without Retry-After


def connect(
    token: str | None,
    *,
    base_url: str | None = None,
    retries: int = 3,
    timeout: float = 15.0,
    throttle: bool = True,
    max_wait: float = 60.0,
    backoff: float = 1.0,
    per_page: int = 100,
    sleep: Sleep = time.sleep,
) -> github.Github:
    """A PyGithub client for ``base_url`` (``$GITHUB_API_URL``, else api.github.com).

    ``retries`` bounds transport retries of reads; ``max_wait`` bounds any single
    rate-limit wait (a longer one raises :class:`RateLimitedError` at once);
    ``throttle=False`` drops PyGithub's pacing between requests (tests only).
    PyGithub accepts only whole-second timeouts: ``timeout`` is rounded up.
    """
    if token is None or not token.strip():
        raise AuthError(
            "no GitHub token: pass the `github-token` input (or set GITHUB_TOKEN) "
            "so foreman can call the GitHub API"
        )
    # PyGithub logs INFO lines to stderr through a handler made at its import (retries, and
    # "Following Github server redirection" for a transferred issue): the foreman reports
    # what matters itself, in its own words.
    github.set_log_level(logging.WARNING)
    url = (base_url or DEFAULT_API_URL).rstrip("/")
    pacing: dict[str, Any] = {}
    if not throttle:
        pacing = {"seconds_between_requests": 0, "seconds_between_writes": 0}
    return github.Github(
        base_url=url,
        auth=Auth.Token(token.strip()),
        timeout=max(1, math.ceil(timeout)),
        per_page=per_page,
        retry=build_retry(retries, backoff=backoff, max_wait=max_wait, sleep=sleep),
        **pacing,
    )


def build_retry(
    retries: int, *, backoff: float = 1.0, max_wait: float = 60.0, sleep: Sleep = time.sleep
) -> ForemanRetry:
    return ForemanRetry(
        total=retries,
        backoff_factor=backoff,
        backoff_max=max_wait,
        max_rate_limit_wait=max_wait,
        status_forcelist=[429, *range(500, 600)],  # GithubRetry adds 403
        allowed_methods=IDEMPOTENT_METHODS,
        raise_on_status=False,  # out of retries: hand the last answer to PyGithub
        sleep=sleep,
    )


class ForemanRetry(GithubRetry):
    """GithubRetry with bounded rate-limit waits, a real backoff and injectable sleep.

    Differences from PyGithub's default: only idempotent methods are retried;
    the first retry already backs off; a secondary limit or 429 without
    ``Retry-After`` backs off exponentially from :data:`SECONDARY_BASE_WAIT`;
    a primary limit waits for its reset only when that is within
    ``max_rate_limit_wait``; out of retries, PyGithub's own exception is raised.
    """

    def __init__(
        self, *, sleep: Sleep = time.sleep, next_wait: float | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.sleep_fn = sleep
        self.next_wait = next_wait

    def new(self, **kw: Any) -> Self:
        kw.setdefault("sleep", self.sleep_fn)
        return super().new(**kw)

    def get_backoff_time(self) -> float:
        errors = len([h for h in self.history if h.redirect_location is None])
        if errors == 0:
            return 0.0
        return float(min(self.backoff_max, self.backoff_factor * 2.0 ** (errors - 1)))

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        wait = self.next_wait
        if wait is None and response is not None and self.respect_retry_after_header:
            wait = self.get_retry_after(response)
        if wait is None:
            wait = self.get_backoff_time()
        wait = min(wait, self.backoff_max)
        if wait > 0:
            self.sleep_fn(wait)

    def increment(  # type: ignore[override]
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: TracebackType | None = None,
    ) -> Retry:
        if response is None or response.status not in (403, 429):
            return Retry.increment(self, method, url, response, error, _pool, _stacktrace)
        data = _decode(self.get_content(response, url or ""))  # type: ignore[arg-type]
        headers = {k.lower(): v for k, v in response.headers.items()}
        message = str(data.get("message", "")) if isinstance(data, dict) else ""
        wait = rate_limit_wait(response.status, headers, message, attempt=len(self.history))
        if wait is None:  # a plain 403 (permissions): not worth a retry
            raise Requester.createException(response.status, headers, data)
        limit = self.max_rate_limit_wait
        if limit is not None and wait > limit:
            raise RateLimitExceededExceedsMaxWait(response.status, data, headers, wait=wait)
        try:
            new = Retry.increment(self, method, url, response, error, _pool, _stacktrace)
        except MaxRetryError:
            raise Requester.createException(response.status, headers, data) from None
        assert isinstance(new, ForemanRetry)
        new.next_wait = wait if limit is None else min(wait, limit)
        return new


def rate_limit_wait(
    status: int,
    headers: Mapping[str, str],
    message: str,
    *,
    attempt: int = 0,
    now: float | None = None,
) -> float | None:
    """Seconds to wait before retrying a 403/429, or None when it is no rate limit."""
    now = time.time() if now is None else now
    retry_after = _retry_after(headers, now)
    if retry_after is not None:
        return retry_after
    lowered = message.lower()
    primary = lowered.startswith("api rate limit exceeded") or (
        headers.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in headers
    )
    if primary:
        reset = _float(headers.get("x-ratelimit-reset"))
        return max(0.0, reset - now) + 1.0 if reset is not None else SECONDARY_BASE_WAIT
    if status == 429 or Requester.isSecondaryRateLimitError(lowered):
        return SECONDARY_BASE_WAIT * 2.0**attempt
    return None


def translate(exc: BaseException) -> ForemanError:
    """Map a PyGithub / requests exception to foreman's exception tree."""
    if isinstance(exc, ForemanError):
        return exc
    if isinstance(exc, GithubException):
        return _translate_github(exc)
    if isinstance(exc, requests.exceptions.RetryError):
        return GitHubError("the GitHub API kept failing after retries")
    if isinstance(exc, requests.exceptions.Timeout):
        return GitHubError("a GitHub API request timed out")
    if isinstance(exc, requests.exceptions.ConnectionError):
        return GitHubError("could not reach the GitHub API (connection error)")
    return GitHubError(f"unexpected error talking to GitHub: {type(exc).__name__}")


@contextmanager
def github_errors() -> Iterator[None]:
    """Raise the :func:`translate`-d error for anything PyGithub or requests raises."""
    try:
        yield
    except (GithubException, requests.exceptions.RequestException) as exc:
        raise translate(exc) from exc


def is_ambiguous(exc: BaseException) -> bool:
    """True when a write may or may not have happened (5xx, timeout, connection lost)."""
    if isinstance(exc, GithubException):
        return exc.status >= 500
    return isinstance(exc, requests.exceptions.RequestException)


def _translate_github(exc: GithubException) -> ForemanError:
    status = exc.status
    headers = {k.lower(): str(v) for k, v in (exc.headers or {}).items()}
    message = github_message(exc)
    if status == 401 or isinstance(exc, BadCredentialsException):
        return AuthError(
            f"GitHub rejected the token (401 {message}): check that it is set, valid and not "
            "expired"
        )
    if status in (404, 410):
        return NotFoundError(f"GitHub answered {status} {message}")
    wait = getattr(exc, "wait", None)
    if status in (403, 429) and (
        isinstance(exc, RateLimitExceededExceedsMaxWait)
        or rate_limit_wait(status, headers, message) is not None
    ):
        return _rate_limited(status, headers, message, wait)
    return GitHubError(f"GitHub API error {status}: {message}")


def _rate_limited(
    status: int, headers: Mapping[str, str], message: str, wait: float | None
) -> RateLimitedError:
    now = time.time()
    primary = message.lower().startswith("api rate limit exceeded") or (
        headers.get("x-ratelimit-remaining") == "0"
    )
    kind = "primary rate limit" if primary else "secondary rate limit"
    retry_after = _retry_after(headers, now)
    reset_at = None
    if retry_after is not None:
        reset_at = now + retry_after
    elif primary:  # the hourly reset says nothing about a secondary limit
        reset_at = _float(headers.get("x-ratelimit-reset"))
    if reset_at is None and wait is not None:
        reset_at = now + wait
    if reset_at is None:
        return RateLimitedError(f"rate-limited by GitHub ({kind}, {status}); no reset time given")
    when = datetime.fromtimestamp(reset_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return RateLimitedError(
        f"rate-limited until {when} (GitHub {kind}, {status})", reset_at=reset_at
    )


def github_message(exc: GithubException) -> str:
    """GitHub's own message (plus validation error details), never request data."""
    data = exc.data
    parts: list[str] = []
    if isinstance(data, dict):
        if data.get("message"):
            parts.append(str(data["message"]))
        for err in data.get("errors") or []:
            detail = err.get("message") or err.get("code") if isinstance(err, dict) else err
            if detail:
                parts.append(str(detail))
    elif isinstance(data, str) and data:
        parts.append(data[:200])
    return ": ".join(parts) or exc.message or "no message"


def _retry_after(headers: Mapping[str, str], now: float) -> float | None:
    value = headers.get("retry-after")
    if value is None:
        return None
    seconds = _float(value)
    if seconds is not None:
        return max(0.0, seconds)
    parsed = email.utils.parsedate_tz(value)
    return max(0.0, email.utils.mktime_tz(parsed) - now) if parsed else None


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _decode(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
