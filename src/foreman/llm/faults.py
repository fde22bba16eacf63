"""Anthropic API failures, classified and mapped into foreman's exception tree.

What the SDK does by itself (anthropic 2.x, ``_base_client.py``): it retries
408, 409, 429 and 5xx (529 "overloaded" included) and connection errors up to
``max_retries`` times, obeys ``x-should-retry: true/false`` from the server,
and waits what ``retry-after-ms`` / ``retry-after`` ask for with no practical
cap (up to ~50 days), else an exponential backoff of at most 8 s.

That leaves two gaps, closed by :class:`RetryGuard`, a client middleware that
sees every attempt inside the SDK's retry loop:

* a spend or credit limit comes back as a 429 (``error.details.error_code``
  ``enforced_spend_limit_reached``/``contract_spend_limit_reached``), a 402
  ``billing_error``, or a plain 400 ("credit balance is too low"); retrying
  cannot help, so the guard raises :class:`~foreman.errors.LLMBudgetError` on
  the first one, before the SDK sleeps;
* a retryable answer whose ``retry-after`` exceeds our wait budget raises
  :class:`~foreman.errors.LLMError` at once instead of sleeping for it.

An exception raised by a middleware is not an ``APIStatusError``, so the SDK
re-raises it without another attempt.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from foreman.actions import redact
from foreman.errors import LLMBudgetError, LLMError

if TYPE_CHECKING:
    import anthropic

BUDGET_ERROR_CODES = frozenset(
    {
        "enforced_spend_limit_reached",
        "contract_spend_limit_reached",
        "linked_organization_spend_limit_reached",
        "linked_organization_billing_unavailable",
    }
)
# Fallback for answers without an error code; the API says its wording may change.
_BUDGET_PHRASES = ("credit balance", "usage limit", "spend limit", "extra usage", "usage credits")
_TOO_LONG_PHRASES = ("prompt is too long", "too many tokens", "context window", "input is too long")
_RETRYABLE_4XX = frozenset({408, 409, 429})


class PromptTooLongError(LLMError):
    """400/413 for an input the model will not take: never retried; callers truncate."""

    title = "prompt too long"


@dataclass(frozen=True)
class ErrorInfo:
    status: int
    type: str | None
    code: str | None
    message: str

    @classmethod
    def of(cls, status: int, body: object) -> ErrorInfo:
        error = body.get("error") if isinstance(body, Mapping) else None
        error = error if isinstance(error, Mapping) else {}
        details = error.get("details")
        code = details.get("error_code") if isinstance(details, Mapping) else None
        kind = error.get("type")
        return cls(
            status=status,
            type=kind if isinstance(kind, str) else None,
            code=code if isinstance(code, str) else None,
            message=str(error.get("message") or ""),
        )

    @property
    def is_budget(self) -> bool:
        if self.status == 402 or self.type == "billing_error" or self.code in BUDGET_ERROR_CODES:
            return True
        lowered = self.message.lower()
        return self.status in (400, 403, 429) and any(p in lowered for p in _BUDGET_PHRASES)

    @property
    def is_prompt_too_long(self) -> bool:
        if self.status == 413 or self.type == "request_too_large":
            return True
        lowered = self.message.lower()
        return self.status == 400 and any(p in lowered for p in _TOO_LONG_PHRASES)

    def describe(self) -> str:
        kind = self.code or self.type or "error"
        return f"{self.status} {kind}: {self.message}" if self.message else f"{self.status} {kind}"


def sdk_would_retry(status: int, headers: Mapping[str, str]) -> bool:
    """The SDK's own retry decision for an error answer (``_should_retry``)."""
    verdict = headers.get("x-should-retry")
    if verdict in ("true", "false"):
        return verdict == "true"
    return status in _RETRYABLE_4XX or status >= 500


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """The wait a server asks for, read the way the SDK reads it."""
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return float(value) / scale
        except ValueError:
            if name == "retry-after":
                parsed = email.utils.parsedate_tz(value)
                if parsed is not None:
                    return float(email.utils.mktime_tz(parsed) - time.time())
    return None


class RetryGuard:
    """Client middleware: stop retries the SDK would make in vain (see module doc)."""

    def __init__(self, max_retry_wait: float) -> None:
        self.max_retry_wait = max_retry_wait

    def __call__(
        self, request: anthropic.APIRequest, call_next: anthropic.CallNext
    ) -> anthropic.APIResponse[Any]:
        response = call_next(request)
        status = response.status_code
        if status < 400:
            return response
        http = response.http_response
        http.read()
        try:
            body: object = json.loads(http.content or b"null")
        except ValueError:
            body = None
        info = ErrorInfo.of(status, body)
        if info.is_budget:
            http.close()
            raise LLMBudgetError(
                _clean(f"Anthropic spend/credit limit reached ({info.describe()})")
            )
        wait = retry_after_seconds(http.headers)
        if (
            sdk_would_retry(status, http.headers)
            and wait is not None
            and wait > self.max_retry_wait
        ):
            http.close()
            raise LLMError(
                _clean(
                    f"Anthropic asked to retry in {wait:.0f}s, more than the"
                    f" {self.max_retry_wait:.0f}s wait budget; giving up ({info.describe()})"
                )
            )
        return response


def _clean(message: str, limit: int = 500) -> str:
    message = redact(" ".join(message.split()))
    return message if len(message) <= limit else message[: limit - 1] + "…"


def _attempts(exc: anthropic.APIStatusError) -> int:
    try:
        return int(exc.response.request.headers.get("x-stainless-retry-count", "0")) + 1
    except (RuntimeError, ValueError):
        return 1


def to_llm_error(exc: BaseException) -> LLMError | None:
    """Our error for an SDK exception, or ``None`` when ``exc`` is not the SDK's (a bug)."""
    import anthropic

    if isinstance(exc, LLMError):
        return exc
    if isinstance(exc, anthropic.APITimeoutError):
        return LLMError("Anthropic API request timed out (after the SDK's retries)")
    if isinstance(exc, anthropic.APIConnectionError):
        return LLMError(_clean(f"could not reach the Anthropic API: {exc}"))
    if isinstance(exc, anthropic.APIStatusError):
        info = ErrorInfo.of(exc.status_code, exc.body)
        if exc.status_code < 400:  # an `error` event inside a 200 stream
            kind = info.type or "error"
            return LLMError(
                _clean(
                    f"Anthropic stream failed mid-answer ({kind}: {info.message}); "
                    "partial output discarded"
                )
            )
        if info.is_budget:
            return LLMBudgetError(
                _clean(f"Anthropic spend/credit limit reached ({info.describe()})")
            )
        if info.is_prompt_too_long:
            return PromptTooLongError(_clean(f"prompt too long for the model ({info.describe()})"))
        if exc.status_code in (401, 403):
            return LLMError(_clean(f"Anthropic rejected the API key ({info.describe()})"))
        attempts = _attempts(exc)
        tail = f" after {attempts} attempts" if attempts > 1 else ""
        return LLMError(_clean(f"Anthropic API error{tail} ({info.describe()})"))
    if isinstance(exc, anthropic.AnthropicError):
        return LLMError(_clean(f"Anthropic SDK error: {exc}"))
    return None
