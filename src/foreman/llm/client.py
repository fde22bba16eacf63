"""The Anthropic client and the calls foreman makes through it.

Retry bound (scenario L07): foreman adds no retry loop of its own. Each SDK
call makes at most ``max_retries + 1`` HTTP attempts; :class:`RetryGuard`
only ever removes attempts (spend limits, waits beyond ``max_retry_wait``).
So one call takes at most ``(max_retries + 1) * timeout + max_retries *
max_retry_wait`` seconds. A tool-runner loop makes one such call per turn,
bounded by its ``max_iterations``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel, ValidationError

from foreman.actions import register_secret
from foreman.errors import ForemanError, LLMError
from foreman.llm.faults import RetryGuard, to_llm_error
from foreman.llm.usage import TokenUsage

if TYPE_CHECKING:
    import anthropic
    from anthropic.types import TextBlockParam

    # What every call helper takes: the first-party client or a cloud provider's (llm.provider).
    Client = (
        anthropic.Anthropic
        | anthropic.AnthropicBedrock
        | anthropic.AnthropicVertex
        | anthropic.AnthropicFoundry
    )

M = TypeVar("M", bound=BaseModel)

DEFAULT_MAX_RETRY_WAIT = 60.0  # seconds one retry may wait when the server asks (L02)


def make_client(
    *,
    api_key: str | None = None,
    base_url: str | None = None,
    max_retries: int = 2,
    timeout: float = 60.0,
    max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
) -> anthropic.Anthropic:
    """An SDK client with foreman's retry guard.

    ``api_key``: the key (the settings' ``ANTHROPIC_API_KEY``); ``base_url``: None for the
    public API.
    """
    key = (api_key or "").strip()
    if not key:
        raise LLMError(
            "no Anthropic API key: pass the `anthropic-api-key` input "
            "(e.g. from secrets.ANTHROPIC_API_KEY) or set ANTHROPIC_API_KEY"
        )
    register_secret(key)
    import anthropic

    return anthropic.Anthropic(
        api_key=key,
        base_url=base_url,
        max_retries=max_retries,
        timeout=timeout,
        middleware=[RetryGuard(max_retry_wait)],
    )


@contextmanager
def llm_errors() -> Iterator[None]:
    """Re-raise SDK exceptions as foreman's (``LLMError`` and subclasses); leave bugs alone."""
    try:
        yield
    except ForemanError:
        raise
    except Exception as exc:
        mapped = to_llm_error(exc)
        if mapped is None:
            raise
        raise mapped from exc


def system_blocks(system: str, *, cache: bool = True) -> list[TextBlockParam]:
    """The system prompt as one text block, marked for prompt caching when ``cache``."""
    block: TextBlockParam = {"type": "text", "text": system}
    if cache:
        block["cache_control"] = {"type": "ephemeral"}
    return [block]


def parse_structured(
    client: Client,
    *,
    model: str,
    system: str,
    user: str,
    output_type: type[M],
    max_tokens: int,
    cache_system: bool = True,
) -> tuple[M, TokenUsage]:
    """One structured-output call (``messages.parse``): the validated answer and its usage.

    Output that is not JSON or does not fit ``output_type`` raises
    ``LLMError("invalid structured output …")``; it is never retried.
    """
    name = output_type.__name__
    try:
        with llm_errors():
            message = client.messages.parse(
                model=model,
                max_tokens=max_tokens,
                system=system_blocks(system, cache=cache_system),
                messages=[{"role": "user", "content": user}],
                output_format=output_type,
            )
    except ValidationError as exc:
        first = exc.errors()[0] if exc.error_count() else {"loc": (), "msg": str(exc)}
        where = ".".join(str(part) for part in first["loc"]) or "(root)"
        raise LLMError(
            f"invalid structured output for {name}: {exc.error_count()} problem(s), "
            f"first at {where}: {first['msg']}"
        ) from None
    if message.stop_reason == "refusal":
        raise LLMError(f"invalid structured output for {name}: the model refused to answer")
    parsed = message.parsed_output
    if parsed is None:
        raise LLMError(f"invalid structured output for {name}: the answer has no JSON text")
    return parsed, TokenUsage.of(message.usage)


def stream_text(
    client: Client,
    *,
    model: str,
    system: str,
    user: str,
    max_tokens: int,
    cache_system: bool = True,
) -> tuple[str, TokenUsage]:
    """A streamed text answer, returned only once the stream completed (L04).

    An ``error`` event mid-stream raises ``LLMError``; the text received
    until then is discarded, never returned.
    """
    with (
        llm_errors(),
        client.messages.stream(
            model=model,
            max_tokens=max_tokens,
            system=system_blocks(system, cache=cache_system),
            messages=[{"role": "user", "content": user}],
        ) as stream,
    ):
        message = stream.get_final_message()
    text = "".join(block.text for block in message.content if block.type == "text")
    return text, TokenUsage.of(message.usage)
