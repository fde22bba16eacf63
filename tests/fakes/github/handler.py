"""The HTTP layer: request parsing, pagination with ``Link`` headers, responses."""

from __future__ import annotations

import json
import math
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from .routing import Paged

if TYPE_CHECKING:
    from .server import FakeGitHub


class FakeHTTPServer(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins handler threads: no leaks between tests
    block_on_close = True
    request_queue_size = 128  # parallel matrix jobs: no SYN drops (1 s stalls)
    fake: FakeGitHub


class Handler(BaseHTTPRequestHandler):
    server: FakeHTTPServer
    protocol_version = "HTTP/1.0"  # one request per connection: nothing lingers at shutdown

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        status, headers, body = self.server.fake.dispatch(method, self.path, self.headers, raw)
        raw_bytes = isinstance(body, bytes)  # a download (job logs): sent as is
        data = (
            b""
            if body is None or status == 204
            else body
            if raw_bytes
            else json.dumps(body).encode()
        )
        kind = "text/plain" if raw_bytes else "application/json; charset=utf-8"
        try:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            if status != 204:
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if data:
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test); nothing to answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


def paginate(page: Paged, base: str, path: str, query: dict[str, str]) -> tuple[Any, str | None]:
    """Slice a list like GitHub: ``per_page`` (default 30, max 100) and ``page``."""
    try:
        per_page = min(max(int(query.get("per_page", 30)), 1), 100)
        number = max(int(query.get("page", 1)), 1)
    except ValueError:
        per_page, number = 30, 1
    last = max(1, math.ceil(len(page.items) / per_page))
    items = page.items[(number - 1) * per_page : number * per_page]

    def link(n: int, rel: str) -> str:
        return f'<{base}{path}?{urlencode({**query, "page": str(n)})}>; rel="{rel}"'

    links = []
    if number > 1:
        links += [link(number - 1, "prev"), link(1, "first")]
    if number < last:
        links += [link(number + 1, "next"), link(last, "last")]
    body: Any = {"total_count": len(page.items), page.key: items} if page.key else items
    return body, (", ".join(links) or None)
