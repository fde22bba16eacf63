"""The HTTP side of FakeAnthropic: request parsing, auth, routing, responses and SSE."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from . import anthropic_render as render
from .anthropic_steps import Fault, Raw, Reply, StreamError

if TYPE_CHECKING:
    from .fake_anthropic import FakeAnthropic

_HIDDEN_HEADERS = frozenset({"x-api-key", "authorization", "api-key", "x-amz-security-token"})


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names, credentials removed
    body: Any  # parsed JSON, or None
    status: int = 0
    streamed: bool = False
    step: str = ""  # what answered: Reply, Fault, Raw, StreamError, auth, thread, ...
    # The whole conversation: what a server-held thread holds plus this request's messages.
    conversation: list[dict[str, Any]] = field(default_factory=list)
    # A cloud front (FakeBedrock, FakeVertex, FakeFoundry): the path the client used and the
    # credential it showed (checked and then hidden like the others).
    cloud_path: str = ""
    auth: str = ""

    @property
    def betas(self) -> list[str]:
        """Beta features asked for (``anthropic-beta`` header; older SDKs add ``?beta=true``)."""
        names = [b.strip() for b in self.headers.get("anthropic-beta", "").split(",") if b.strip()]
        return names or (["beta"] if self.query.get("beta") == ["true"] else [])


class FakeAnthropicHandler(BaseHTTPRequestHandler):
    server_version = "FakeAnthropic/1.0"

    @property
    def fake(self) -> FakeAnthropic:
        return self.server.fake  # type: ignore[attr-defined,no-any-return]

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        split = urlsplit(self.path)
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        headers = {
            k.lower(): v for k, v in self.headers.items() if k.lower() not in _HIDDEN_HEADERS
        }
        req = RecordedRequest(self.command, split.path, parse_qs(split.query), headers, None)
        self.fake._record(req)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # client gave up
            self._handle(req, raw)

    def _handle(self, req: RecordedRequest, raw: bytes) -> None:
        if not self._authorized():
            req.step = "auth"
            self._fault(req, Fault(401, "authentication_error", "invalid x-api-key"))
            return
        try:
            req.body = json.loads(raw) if raw else None
        except ValueError:
            self._fault(req, Fault(400, "invalid_request_error", "request body is not valid JSON"))
            return
        if not self.headers.get("anthropic-version"):
            self._fault(
                req, Fault(400, "invalid_request_error", "anthropic-version header is required")
            )
            return
        if self.command == "POST" and req.path == "/v1/messages/count_tokens":
            req.step = "count_tokens"
            self._json(req, 200, {"input_tokens": max(1, len(raw) // 4)})
        elif self.command == "POST" and req.path == "/v1/messages" and isinstance(req.body, dict):
            self._messages(req, req.body)
        else:
            self._fault(
                req, Fault(404, "not_found_error", f"no route for {self.command} {req.path}")
            )

    def _authorized(self) -> bool:
        keys = self.fake.api_keys
        bearer = self.headers.get("authorization", "")
        if bearer.startswith("Bearer ") and bearer[len("Bearer ") :] in keys:
            return True
        return self.headers.get("x-api-key", "") in keys

    def _messages(self, req: RecordedRequest, body: dict[str, Any]) -> None:
        fake = self.fake
        req.streamed = bool(body.get("stream"))
        req.conversation, thread_fault = fake._thread_history(body)
        if thread_fault is not None:
            req.step = "thread"
            self._fault(req, thread_fault)
            return
        try:
            step = fake._resolve(fake._next_step(), body)
        except Exception as exc:
            fake.errors.append(f"script step raised: {exc!r}")
            self._fault(
                req,
                Fault(
                    500,
                    "api_error",
                    f"FakeAnthropic step raised {exc!r}",
                    {"x-should-retry": "false"},
                ),
            )
            return
        req.step = type(step).__name__
        if isinstance(step, Fault):
            self._fault(req, step)
        elif isinstance(step, Raw):
            self._send(req, step.status, step.payload(), step.content_type, step.headers)
        elif isinstance(step, StreamError):
            self._stream_error(req, body, step)
        elif isinstance(step, Reply):
            self._reply(req, body, step)
        else:
            fake.errors.append(f"not a script step: {step!r}")
            self._fault(
                req,
                Fault(
                    500, "api_error", "FakeAnthropic got a bad step", {"x-should-retry": "false"}
                ),
            )

    def _reply(self, req: RecordedRequest, body: dict[str, Any], step: Reply) -> None:
        fake = self.fake
        content = render.content_blocks(step, fake.new_id)
        message = render.message_json(
            message_id=fake.new_id("msg"),
            model=step.model or str(body.get("model", "claude-fake")),
            content=content,
            reply=step,
            usage=step.usage or fake.usage,
        )
        fake._keep_thread(body, message["id"], req.conversation, content)
        if req.streamed:
            self._start_stream(req)
            for chunk in render.stream_events(message):
                self.wfile.write(chunk)
        else:
            self._json(req, 200, message)

    def _stream_error(self, req: RecordedRequest, body: dict[str, Any], step: StreamError) -> None:
        if not req.streamed:
            self.fake.errors.append("StreamError step answered a non-streaming request")
            self._fault(
                req,
                Fault(
                    500, "api_error", "StreamError needs stream: true", {"x-should-retry": "false"}
                ),
            )
            return
        message = render.message_json(
            message_id=self.fake.new_id("msg"),
            model=str(body.get("model", "claude-fake")),
            content=[],
            reply=Reply(),
            usage=self.fake.usage,
        )
        self._start_stream(req)
        self.wfile.write(render.message_start(message))
        for chunk in render.text_block_events(0, list(step.deltas)):
            self.wfile.write(chunk)
        error = {"type": "error", "error": {"type": step.error_type, "message": step.message}}
        self.wfile.write(render.sse("error", error))

    # -- low-level writers --------------------------------------------------------------------

    def _fault(self, req: RecordedRequest, fault: Fault) -> None:
        request_id = self.fake.new_id("req")
        payload = json.dumps(fault.body(request_id)).encode()
        self._send(req, fault.status, payload, "application/json", fault.headers, request_id)

    def _json(self, req: RecordedRequest, status: int, data: Any) -> None:
        self._send(req, status, json.dumps(data).encode(), "application/json", {})

    def _send(
        self,
        req: RecordedRequest,
        status: int,
        payload: bytes,
        content_type: str,
        headers: Any,
        request_id: str | None = None,
    ) -> None:
        req.status = status
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(payload)))
        self.send_header("request-id", request_id or self.fake.new_id("req"))
        for name, value in dict(headers).items():
            self.send_header(name, value)
        self.send_header("connection", "close")
        self.end_headers()
        self.wfile.write(payload)
        self.close_connection = True

    def _start_stream(self, req: RecordedRequest) -> None:
        req.status = 200
        self.send_response(200)
        self.send_header("content-type", "text/event-stream; charset=utf-8")
        self.send_header("cache-control", "no-cache")
        self.send_header("request-id", self.fake.new_id("req"))
        self.send_header("connection", "close")
        self.end_headers()
        self.close_connection = True
