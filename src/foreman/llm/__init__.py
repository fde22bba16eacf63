"""The Anthropic adapter: client construction, structured output, usage, error mapping.

Importing this package does not import ``anthropic`` (~1 s); only calling
:func:`make_client` or the call helpers does.
"""

from __future__ import annotations

from foreman.llm.client import (
    DEFAULT_MAX_RETRY_WAIT,
    llm_errors,
    make_client,
    parse_structured,
    stream_text,
    system_blocks,
)
from foreman.llm.faults import PromptTooLongError, RetryGuard, to_llm_error
from foreman.llm.usage import TokenUsage

__all__ = [
    "DEFAULT_MAX_RETRY_WAIT",
    "PromptTooLongError",
    "RetryGuard",
    "TokenUsage",
    "llm_errors",
    "make_client",
    "parse_structured",
    "stream_text",
    "system_blocks",
    "to_llm_error",
]
