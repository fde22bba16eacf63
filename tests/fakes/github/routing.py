"""Route table: method + path pattern -> handler, named by GitHub's operationId."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from .state import ApiError, Repo, State

if TYPE_CHECKING:
    from .server import FakeGitHub


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    login: str  # the authenticated identity
    base: str  # the fake's base URL
    state: State
    fake: FakeGitHub
    params: dict[str, str] = field(default_factory=dict)

    def repo(self) -> Repo:
        return self.state.repo(self.params["owner"], self.params["repo"])

    def json_object(self) -> dict[str, Any]:
        if self.body is None:
            return {}
        if not isinstance(self.body, dict):
            raise ApiError(422, "Invalid request.\n\nThe request body must be a JSON object.")
        return self.body

    def int_param(self, name: str) -> int:
        try:
            return int(self.params[name])
        except ValueError:
            raise ApiError(404, "Not Found") from None


@dataclass
class Response:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Paged:
    """A list the server slices by ``per_page``/``page`` and links with ``Link``.

    With ``key`` set, the page is wrapped: ``{"total_count": n, key: [...]}``.
    """

    items: list[Any]
    key: str | None = None
    status: int = 200


Handler = Callable[[Request], "Response | Paged"]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    name: str
    handler: Handler
    write: bool
    public: bool = False  # no token needed (a signed download URL, like GitHub's log storage)


ROUTES: list[Route] = []


def route(
    method: str, template: str, name: str, *, write: bool | None = None, public: bool = False
) -> Callable[[Handler], Handler]:
    """Register a handler; ``{x}`` matches one segment, ``{x+}`` the rest of the path.

    ``write``: whether a read-only token is refused (default: any method but GET)."""
    regex = re.sub(r"\{(\w+)\+\}", r"(?P<\1>.+)", template)
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", regex)
    pattern = re.compile(f"^{regex}$")

    def register(handler: Handler) -> Handler:
        writes = method != "GET" if write is None else write
        ROUTES.append(Route(method, pattern, name, handler, write=writes, public=public))
        return handler

    return register


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for candidate in ROUTES:
        if candidate.method != method:
            continue
        m = candidate.pattern.match(path)
        if m:
            return candidate, {k: unquote(v) for k, v in m.groupdict().items()}
    return None


def path_exists(path: str) -> bool:
    return any(r.pattern.match(path) for r in ROUTES)


def ok(body: Any, status: int = 200) -> Response:
    return Response(status, body)


def no_content() -> Response:
    return Response(204, None)
