"""FakeAnthropic: a scripted Anthropic Messages API over HTTP on 127.0.0.1.

The real ``anthropic`` SDK talks to it through ``base_url`` (or
``ANTHROPIC_BASE_URL``), so its retries, streaming, structured output and tool
runner are exercised for real. Each ``POST /v1/messages`` consumes one step of
the script (see :mod:`tests.fakes.anthropic_steps`); when the script is empty the
``on_empty`` step answers (by default a loud, non-retried 500).

Server-held message threads (the SDK's tool runner uses them by default) are
emulated: ``thread: {"type": "create"}`` stores the conversation under the
reply's id and ``{"type": "continue", ...}`` resumes it; every recorded request
carries the full ``conversation`` either way.
"""

from __future__ import annotations

import itertools
import secrets
import threading
from collections import deque
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from typing import Any

from . import anthropic_render as render
from .anthropic_server import FakeAnthropicHandler, RecordedRequest
from .anthropic_steps import EXHAUSTED, Delay, FakeUsage, Fault, Raw, Reply, Step, StreamError

_MAX_CALLABLE_DEPTH = 10


@dataclass
class _Thread:
    messages: list[dict[str, Any]]
    system: Any
    tools: Any


class FakeAnthropic:
    handler_class: type[FakeAnthropicHandler] = FakeAnthropicHandler  # a cloud front's: its own

    def __init__(
        self,
        *,
        api_keys: tuple[str, ...] | None = None,
        usage: FakeUsage | None = None,
        on_empty: Step = EXHAUSTED,
        threads: bool = True,
    ) -> None:
        self.api_keys = api_keys or (f"sk-ant-fake-{secrets.token_hex(12)}",)
        self.usage = usage or FakeUsage()
        self.on_empty = on_empty
        self.threads_supported = threads
        self.errors: list[str] = []  # bugs in the script itself (bad step, callable raised)
        self.exhausted_hits = 0
        self._steps: deque[Step] = deque()
        self._log: list[RecordedRequest] = []
        self._threads: dict[str, _Thread] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> FakeAnthropic:
        server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler_class)
        server.daemon_threads = True
        server.fake = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.02},  # shutdown() waits up to one poll
            name="fake-anthropic",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeAnthropic:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "FakeAnthropic is not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_key(self) -> str:
        return self.api_keys[0]

    # -- script and log -----------------------------------------------------------------------

    def script(self, *steps: Step) -> FakeAnthropic:
        """Append steps; each answers one ``POST /v1/messages`` in order."""
        with self._lock:
            self._steps.extend(steps)
        return self

    @property
    def remaining(self) -> int:
        with self._lock:
            return len(self._steps)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._log)

    @property
    def message_requests(self) -> list[RecordedRequest]:
        """Messages requests (a cloud front's are recorded under this path, see ``cloud_path``)."""
        return [r for r in self.requests if r.path == "/v1/messages"]

    @property
    def count(self) -> int:
        """How many ``POST /v1/messages`` arrived (any outcome, retries included)."""
        return len(self.message_requests)

    def statuses(self) -> list[int]:
        return [r.status for r in self.message_requests]

    def forget_threads(self) -> None:
        """Lose every server-held thread (a later ``continue`` gets 404 ``thread_not_found``)."""
        with self._lock:
            self._threads.clear()

    # -- used by the handler ------------------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_fake_{next(self._ids):04d}"

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._log.append(request)

    def _next_step(self) -> Step:
        with self._lock:
            if self._steps:
                return self._steps.popleft()
            self.exhausted_hits += 1
            return self.on_empty

    def _resolve(self, step: Step, body: dict[str, Any]) -> Step:
        for _ in range(_MAX_CALLABLE_DEPTH):
            if isinstance(step, Delay):
                self._stopping.wait(step.seconds)
                step = step.then
            elif callable(step) and not isinstance(step, (Reply, Fault, Raw, StreamError)):
                step = step(body)
            else:
                return step
        raise RuntimeError("script step nests too deep (callable/Delay returning more of the same)")

    def _thread_history(self, body: dict[str, Any]) -> tuple[list[dict[str, Any]], Fault | None]:
        """The full conversation of this request, or the error the API would send."""
        messages = list(body.get("messages") or [])
        thread = body.get("thread")
        if not thread:
            return messages, None
        if not self.threads_supported:
            fault = Fault(
                400,
                "invalid_request_error",
                "thread is not supported for this request",
                error_code="thread_unsupported_request",
            )
            return messages, fault
        if thread.get("type") == "continue":
            with self._lock:
                held = self._threads.get(str(thread.get("previous_message_id")))
            if held is None:
                fault = Fault(
                    404,
                    "not_found_error",
                    "no thread for previous_message_id",
                    error_code="thread_not_found",
                )
                return messages, fault
            return held.messages + messages, None
        return messages, None

    def _keep_thread(
        self,
        body: dict[str, Any],
        reply_id: str,
        conversation: list[Any],
        content: list[dict[str, Any]],
    ) -> None:
        thread = body.get("thread")
        if not thread:
            return
        with self._lock:
            system, tools = body.get("system"), body.get("tools")
            if thread.get("type") == "continue":
                held = self._threads[str(thread.get("previous_message_id"))]
                system, tools = held.system, held.tools
            history = [*conversation, render.assistant_param(content)]
            self._threads[reply_id] = _Thread(history, system, tools)


__all__ = ["FakeAnthropic", "RecordedRequest"]
