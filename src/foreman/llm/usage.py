"""Token usage, summed over the model calls of a run."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class TokenUsage(BaseModel):
    """Tokens billed for successful model answers (failed attempts bill nothing)."""

    model_config = ConfigDict(extra="forbid")

    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_input_tokens: int = 0
    cache_creation_input_tokens: int = 0

    @classmethod
    def of(cls, sdk_usage: Any) -> TokenUsage:
        """One answer's usage from the SDK's ``message.usage`` (absent cache fields count 0)."""

        def count(name: str) -> int:
            return int(getattr(sdk_usage, name, None) or 0)

        return cls(
            requests=1,
            input_tokens=count("input_tokens"),
            output_tokens=count("output_tokens"),
            cache_read_input_tokens=count("cache_read_input_tokens"),
            cache_creation_input_tokens=count("cache_creation_input_tokens"),
        )

    def add(self, other: TokenUsage) -> TokenUsage:
        """Accumulate ``other`` into this one; returns ``self`` for chaining."""
        self.requests += other.requests
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.cache_read_input_tokens += other.cache_read_input_tokens
        self.cache_creation_input_tokens += other.cache_creation_input_tokens
        return self

    @property
    def total_input_tokens(self) -> int:
        """Input tokens of every kind: fresh, read from cache and written to cache."""
        return self.input_tokens + self.cache_read_input_tokens + self.cache_creation_input_tokens
