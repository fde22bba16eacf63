"""Fault injection rules and the request log."""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

READ_POSTS = frozenset({"graphql"})  # POSTs that only read (a GraphQL query)

PRIMARY_MESSAGE = "API rate limit exceeded for installation ID 4242."
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID 0000:FAKE."
)


@dataclass
class Fault:
    """Answer matching requests with ``status`` (and ``headers``/``body``) instead.

    Matches on ``method`` and ``route`` (operationId, e.g. ``issues/create-comment``)
    and/or a ``path`` regex (searched in the path without query). ``times`` is
    how many requests it applies to (``None``: all). ``delay`` seconds are
    waited before answering. With ``apply=True`` the request is really
    performed first and only then answered with the fault (the "it worked but
    the client saw an error" case); ``status=None`` answers normally (useful
    with ``delay`` for timeouts).
    """

    status: int | None = 502
    method: str | None = None
    route: str | None = None
    path: str | None = None
    times: int | None = 1
    delay: float = 0.0
    apply: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    hits: int = 0

    def matches(self, method: str, route: str | None, path: str) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if self.method and self.method.upper() != method:
            return False
        if self.route and self.route != route:
            return False
        return not (self.path and not re.search(self.path, path))

    def response_body(self) -> Any:
        if self.body is not None:
            return self.body
        assert self.status is not None
        try:
            reason = HTTPStatus(self.status).phrase
        except ValueError:
            reason = "Error"
        return {
            "message": reason,
            "documentation_url": "https://docs.github.com/rest",
            "status": str(self.status),
        }


def primary_rate_limit(*, reset_in: float = 3600, **match: Any) -> Fault:
    """403 with ``x-ratelimit-remaining: 0``: the primary (hourly) limit."""
    reset = str(int(time.time() + reset_in))
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset}
    return Fault(
        status=403,
        headers=headers,
        body={
            "message": PRIMARY_MESSAGE,
            "documentation_url": "https://docs.github.com/rest/rate-limit",
        },
        **match,
    )


def secondary_rate_limit(*, retry_after: int | None = None, **match: Any) -> Fault:
    """403 secondary (abuse) limit, with or without ``Retry-After``."""
    headers = {"retry-after": str(retry_after)} if retry_after is not None else {}
    return Fault(
        status=403,
        headers=headers,
        body={
            "message": SECONDARY_MESSAGE,
            "documentation_url": "https://docs.github.com/rest/rate-limit",
        },
        **match,
    )


def too_many_requests(*, retry_after: int | None = None, **match: Any) -> Fault:
    """429, with or without ``Retry-After``."""
    headers = {"retry-after": str(retry_after)} if retry_after is not None else {}
    return Fault(status=429, headers=headers, body={"message": SECONDARY_MESSAGE}, **match)


@dataclass
class LoggedRequest:
    """One request, logged on arrival; ``status`` is 0 until it is answered."""

    method: str
    path: str
    query: dict[str, str]
    route: str | None
    body: Any  # the decoded JSON request body (None when empty)
    time: float
    login: str | None = None
    status: int = 0
    response: Any = None  # the decoded JSON response body
    fault: bool = False

    @property
    def is_write(self) -> bool:
        return self.method != "GET" and self.route not in READ_POSTS


class RequestLog:
    def __init__(self) -> None:
        self.entries: list[LoggedRequest] = []

    def add(self, entry: LoggedRequest) -> None:
        self.entries.append(entry)

    def counts(self) -> Counter[str]:
        return Counter(e.route or f"{e.method} {e.path}" for e in self.entries)
