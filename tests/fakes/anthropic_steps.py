"""Script steps for :class:`tests.fakes.fake_anthropic.FakeAnthropic`.

One step answers one ``POST /v1/messages``. A step is a model turn
(:class:`Reply`), an HTTP error (:class:`Fault`), an explicit body
(:class:`Raw`), a stream that breaks after some text (:class:`StreamError`),
a :class:`Delay` around another step, or a callable ``(request_json) -> step``
so a test can react to what the SDK sent (tool results, for instance).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias


@dataclass(frozen=True)
class FakeUsage:
    input_tokens: int = 25
    output_tokens: int = 10
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0

    def as_json(self) -> dict[str, int]:
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cache_creation_input_tokens": self.cache_creation_input_tokens,
            "cache_read_input_tokens": self.cache_read_input_tokens,
        }


@dataclass(frozen=True)
class ToolCall:
    name: str
    input: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    """A successful assistant turn: optional text, then optional ``tool_use`` blocks."""

    text: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    stop_reason: str | None = None  # default: "tool_use" with tool calls, else "end_turn"
    usage: FakeUsage | None = None  # default: the fake's usage
    model: str | None = None  # default: echo the request's model

    @property
    def effective_stop_reason(self) -> str:
        if self.stop_reason is not None:
            return self.stop_reason
        return "tool_use" if self.tool_calls else "end_turn"


@dataclass(frozen=True)
class Fault:
    """An HTTP error with Anthropic's error body (``error.details.error_code`` when given)."""

    status: int
    error_type: str
    message: str
    headers: Mapping[str, str] = field(default_factory=dict)
    error_code: str | None = None

    def body(self, request_id: str) -> dict[str, Any]:
        error: dict[str, Any] = {"type": self.error_type, "message": self.message}
        if self.error_code is not None:
            error["details"] = {"error_code": self.error_code}
        return {"type": "error", "error": error, "request_id": request_id}


@dataclass(frozen=True)
class Raw:
    """An HTTP answer sent exactly as given (dicts/lists are JSON-encoded)."""

    body: bytes | str | dict[str, Any] | list[Any]
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str = "application/json"

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


@dataclass(frozen=True)
class StreamError:
    """For ``stream: true``: a 200 stream that sends ``deltas`` as text, then an ``error`` event."""

    deltas: tuple[str, ...] = ("partial ", "answer ")
    error_type: str = "overloaded_error"
    message: str = "Overloaded"


@dataclass(frozen=True)
class Delay:
    """Wait ``seconds`` (cut short when the fake stops), then answer with ``then``."""

    seconds: float
    then: Step


StepFn: TypeAlias = Callable[[dict[str, Any]], "Step"]
Step: TypeAlias = Reply | Fault | Raw | StreamError | Delay | StepFn


# -- constructors -------------------------------------------------------------------------------


def text(value: str, *, stop_reason: str = "end_turn", usage: FakeUsage | None = None) -> Reply:
    return Reply(text=value, stop_reason=stop_reason, usage=usage)


def json_reply(obj: Any, *, usage: FakeUsage | None = None) -> Reply:
    """A structured-output answer: the JSON of ``obj`` as the reply's only text block."""
    return Reply(text=json.dumps(obj), usage=usage)


def tool_use(
    *calls: ToolCall | tuple[str, Mapping[str, Any]],
    text: str | None = None,
    usage: FakeUsage | None = None,
) -> Reply:
    made = tuple(c if isinstance(c, ToolCall) else ToolCall(c[0], c[1]) for c in calls)
    return Reply(text=text, tool_calls=made, usage=usage)


def _fast(retry_after_ms: int | None, retry_after: str | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if retry_after_ms is not None:
        headers["retry-after-ms"] = str(retry_after_ms)
    if retry_after is not None:
        headers["retry-after"] = retry_after
    return headers


def overloaded(*, retry_after_ms: int | None = 1, retry_after: str | None = None) -> Fault:
    return Fault(529, "overloaded_error", "Overloaded", _fast(retry_after_ms, retry_after))


def server_error(*, retry_after_ms: int | None = 1) -> Fault:
    return Fault(500, "api_error", "Internal server error", _fast(retry_after_ms, None))


def rate_limited(*, retry_after_ms: int | None = 1, retry_after: str | None = None) -> Fault:
    return Fault(
        429,
        "rate_limit_error",
        "This request would exceed the rate limit for your organization of 50 requests per minute.",
        _fast(retry_after_ms, retry_after),
    )


def spend_limit(*, retry_after_ms: int | None = 1) -> Fault:
    """429 for a spend limit: the SDK would retry it like any 429 unless the client stops it."""
    return Fault(
        429,
        "rate_limit_error",
        "You have reached your specified API usage limits. You will regain access on the 1st.",
        _fast(retry_after_ms, None),
        error_code="enforced_spend_limit_reached",
    )


def credit_exhausted() -> Fault:
    """What the API has long sent when the prepaid balance is empty: a plain 400."""
    return Fault(
        400,
        "invalid_request_error",
        "Your credit balance is too low to access the Anthropic API. "
        "Please go to Plans & Billing to upgrade or purchase credits.",
    )


def prompt_too_long(tokens: int = 250_000, limit: int = 200_000) -> Fault:
    return Fault(
        400, "invalid_request_error", f"prompt is too long: {tokens} tokens > {limit} maximum"
    )


def request_too_large() -> Fault:
    return Fault(413, "request_too_large", "Request exceeds the maximum allowed number of bytes.")


def unauthorized() -> Fault:
    return Fault(401, "authentication_error", "invalid x-api-key")


def bad_request(message: str) -> Fault:
    return Fault(400, "invalid_request_error", message)


EXHAUSTED = Fault(
    500,
    "api_error",
    "FakeAnthropic script exhausted",
    {"x-should-retry": "false"},  # one loud failure, not max_retries+1 of them
)
