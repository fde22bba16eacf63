"""A worker's three budgets (turns, tokens and wall time, each with its named exception) and
the meter they are checked against."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from foreman.errors import MaxTurnsExceeded, TokenBudgetExceeded, WallTimeExceeded
from foreman.llm.usage import TokenUsage

if TYPE_CHECKING:
    import anthropic


@dataclass
class Meter:
    """Usage of one run, updated as it happens so a limit error still reports it."""

    turns: int = 0
    llm: TokenUsage = field(default_factory=TokenUsage)

    @property
    def tokens(self) -> int:
        return self.llm.total_input_tokens + self.llm.output_tokens


class DeadlineGuard:
    """Client middleware: every HTTP attempt gets the time left as its timeout; none starts late.

    It runs inside the SDK's retry loop, so a retry after a timeout (or a
    backoff sleep) that would cross the deadline ends the run instead. An
    exception raised here is not retried by the SDK.
    """

    def __init__(self, deadline: float, cap: float = 600.0) -> None:
        self.deadline = deadline
        self.cap = cap
        self.attempts = 0

    def __call__(
        self, request: anthropic.APIRequest, call_next: anthropic.CallNext
    ) -> anthropic.APIResponse[Any]:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0.05:
            raise WallTimeExceeded("the wall-clock budget ran out before the next model request")
        self.attempts += 1
        return call_next(request.copy(timeout=min(self.cap, remaining)))


def check_time(deadline: float, what: str = "the model") -> None:
    if time.monotonic() >= deadline:
        raise WallTimeExceeded(f"the wall-clock budget ran out while waiting for {what}")


def check_tokens(meter: Meter, budget: int) -> None:
    if meter.tokens > budget:
        raise TokenBudgetExceeded(f"used {meter.tokens} tokens; this worker's budget is {budget}")


def check_turns(meter: Meter, max_turns: int, wants_more: bool) -> None:
    if wants_more and meter.turns >= max_turns:
        raise MaxTurnsExceeded(
            f"the model still wanted to continue after {meter.turns} turns (limit {max_turns})"
        )
