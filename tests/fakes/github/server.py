"""FakeGitHub: a stateful GitHub REST API on 127.0.0.1 for the real PyGithub."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeAlias
from urllib.parse import parse_qsl, urlsplit

from . import (  # noqa: F401  (registers)
    routes_actions,
    routes_git,
    routes_issues,
    routes_pulls,
    routes_reactions,
    routes_repos,
    routes_reviews,
)
from .faults import PRIMARY_MESSAGE, Fault, LoggedRequest, RequestLog
from .handler import FakeHTTPServer, Handler, paginate
from .routing import Paged, Request, Response, match
from .seed import SeedMixin
from .seed_loops import SeedLoopsMixin
from .state import ApiError, State

if TYPE_CHECKING:
    from email.message import Message

Reply = tuple[int, dict[str, str], Any]
# What a request's headers come as: http.server's Message, or a plain mapping in tests.
Headers: TypeAlias = "Mapping[str, str] | Message[str, str]"


class FakeGitHub(SeedMixin, SeedLoopsMixin):
    """Start with :meth:`start` (or use as a context manager); ``url`` is the base URL."""

    def __init__(self) -> None:
        self.state = State()
        self.tokens: dict[str, tuple[str, str]] = {}  # token -> (login, scope)
        self.faults: list[Fault] = []
        self.log = RequestLog()
        self.rate_limit = 5000
        self.rate_remaining = 5000
        self.rate_reset = int(time.time()) + 3600
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._server: FakeHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._clients: list[Any] = []
        self.url = ""
        self.add_token(self.write_token, "write")
        self.add_token(self.read_token, "read")

    # -- lifecycle -------------------------------------------------------------
    def start(self) -> FakeGitHub:
        self._server = FakeHTTPServer(("127.0.0.1", 0), Handler)
        self._server.fake = self
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes delayed answers
        for client in self._clients:
            client.close()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def client(self, token: str | None = None, **kwargs: Any) -> Any:
        """A plain PyGithub client on this fake (no retries, no throttling), closed at stop."""
        from github import Auth, Github

        kwargs.setdefault("retry", None)
        kwargs.setdefault("seconds_between_requests", 0)
        kwargs.setdefault("seconds_between_writes", 0)
        gh = Github(base_url=self.url, auth=Auth.Token(token or self.write_token), **kwargs)
        self._clients.append(gh)
        return gh

    # -- faults, log, rate limit ----------------------------------------------
    def inject(self, fault: Fault | None = None, **kwargs: Any) -> Fault:
        """Add a :class:`Fault` (or build one from keyword arguments); first match wins."""
        rule = fault or Fault(**kwargs)
        with self._lock:
            self.faults.append(rule)
        return rule

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    @property
    def requests(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self.log.entries)

    @property
    def writes(self) -> list[LoggedRequest]:
        return [e for e in self.requests if e.is_write]

    def calls(self, route: str | None = None, method: str | None = None) -> list[LoggedRequest]:
        return [
            e
            for e in self.requests
            if (route is None or e.route == route) and (method is None or e.method == method)
        ]

    def count(self, route: str | None = None, method: str | None = None) -> int:
        return len(self.calls(route, method))

    def counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self.log.counts())

    def reset_log(self) -> None:
        with self._lock:
            self.log = RequestLog()

    def set_rate_limit(
        self,
        remaining: int | None = None,
        *,
        limit: int | None = None,
        reset_in: float | None = None,
    ) -> None:
        with self._lock:
            if limit is not None:
                self.rate_limit = limit
            if remaining is not None:
                self.rate_remaining = remaining
            if reset_in is not None:
                self.rate_reset = int(time.time() + reset_in)

    def rate_limit_snapshot(self) -> dict[str, int]:
        used = self.rate_limit - self.rate_remaining
        return {
            "limit": self.rate_limit,
            "remaining": self.rate_remaining,
            "reset": self.rate_reset,
            "used": used,
        }

    def _rate_headers(self) -> dict[str, str]:
        snap = self.rate_limit_snapshot()
        headers = {f"x-ratelimit-{k}": str(v) for k, v in snap.items()}
        headers["x-ratelimit-resource"] = "core"
        return headers

    # -- dispatch --------------------------------------------------------------
    def dispatch(self, method: str, raw_path: str, headers: Headers, raw_body: bytes) -> Reply:
        parts = urlsplit(raw_path)
        path, query = parts.path, dict(parse_qsl(parts.query))
        found = match(method, path)
        name = found[0].name if found else None
        try:
            body = json.loads(raw_body) if raw_body.strip() else None
        except ValueError:
            body = _BAD_JSON
        with self._lock:
            ident = self._authenticate(headers)
            entry = LoggedRequest(
                method,
                path,
                query,
                name,
                None if body is _BAD_JSON else body,
                time.time(),
                ident[0] if ident else None,
            )
            self.log.add(entry)
            exhausted = False
            if ident and name != "rate-limit/get":
                exhausted = self.rate_remaining <= 0
                self.rate_remaining = max(0, self.rate_remaining - 1)
            fault = None
            if ident and not exhausted:
                fault = next((f for f in self.faults if f.matches(method, name, path)), None)
                if fault:
                    fault.hits += 1
        if fault and fault.delay and not fault.apply:
            self._stopping.wait(fault.delay)
        if fault and not fault.apply and fault.status is not None:
            status, extra, out = fault.status, dict(fault.headers), fault.response_body()
        else:
            with self._lock:
                status, extra, out = self._execute(method, path, query, body, ident, exhausted)
            if fault and fault.apply:
                if fault.delay:
                    self._stopping.wait(fault.delay)
                if fault.status is not None:
                    status, extra, out = fault.status, dict(fault.headers), fault.response_body()
        with self._lock:
            reply_headers = {**self._rate_headers(), **extra}
            entry.status, entry.response, entry.fault = status, out, fault is not None
        return status, reply_headers, out

    def _authenticate(self, headers: Headers) -> tuple[str, str] | None:
        value = headers.get("Authorization") or ""
        scheme, _, token = value.partition(" ")
        if scheme.lower() not in ("token", "bearer"):
            return None
        return self.tokens.get(token.strip())

    def _execute(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        body: Any,
        ident: tuple[str, str] | None,
        exhausted: bool,
    ) -> Reply:
        try:
            found = match(method, path)
            public = found is not None and found[0].public
            if ident is None and not public:
                raise ApiError(401, "Bad credentials")
            if exhausted:
                raise ApiError(403, PRIMARY_MESSAGE)
            if body is _BAD_JSON:
                raise ApiError(400, "Problems parsing JSON")
            if found is None:
                raise ApiError(404, "Not Found")
            route, params = found
            if ident is None:
                ident = ("", "read")
            if route.write and ident[1] != "write":
                raise ApiError(403, "Resource not accessible by integration")
            req = Request(method, path, query, body, ident[0], self.url, self.state, self, params)
            result = route.handler(req)
        except ApiError as exc:
            return exc.status, exc.headers, exc.body()
        if isinstance(result, Paged):
            page, link = paginate(result, self.url, path, query)
            return result.status, ({"Link": link} if link else {}), page
        assert isinstance(result, Response)
        return result.status, result.headers, result.body


_BAD_JSON = object()
