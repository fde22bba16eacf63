"""One exception tree for the whole Action.

Every error a user can cause or meet is a :class:`ForemanError`.  The single
top-level handler in :mod:`foreman.cli` maps them to exit codes, prints an
``::error::`` annotation (with file/line when known) and redacts secrets.
Anything that is not a ``ForemanError`` is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class ExitCode:
    OK = 0
    FAILURE = 1  # internal error (a bug): traceback shown
    USAGE = 2  # bad command line
    CONFIG = 3  # invalid .github/foreman.yml
    EVENT = 4  # event payload missing/malformed
    GITHUB = 5  # GitHub API error we could not recover from
    LLM = 6  # Anthropic API error we could not recover from
    LIMIT = 8  # a budget (turns, tokens, time, spend) was exhausted


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file and (1-based) line, and/or a key path."""

    file: str | None = None
    line: int | None = None
    key: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file if self.line is None else f"{self.file}:{self.line}")
        if self.key:
            parts.append(f"key '{self.key}'")
        return ", ".join(parts)


class ForemanError(Exception):
    """Base of every expected error. ``exit_code`` says how the process ends."""

    exit_code: int = ExitCode.FAILURE
    title: str = "foreman error"

    def __init__(self, message: str, *, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location or Location()

    def __str__(self) -> str:
        where = str(self.location)
        return f"{where}: {self.message}" if where else self.message


class UsageError(ForemanError):
    exit_code = ExitCode.USAGE
    title = "usage error"


class ConfigError(ForemanError):
    """Invalid configuration; carries every problem found, not only the first."""

    exit_code = ExitCode.CONFIG
    title = "invalid configuration"

    def __init__(
        self,
        message: str,
        *,
        location: Location | None = None,
        problems: list[tuple[Location, str]] | None = None,
    ) -> None:
        super().__init__(message, location=location)
        self.problems = problems or [(self.location, message)]


class EventError(ForemanError):
    exit_code = ExitCode.EVENT
    title = "bad event payload"


class GitHubError(ForemanError):
    exit_code = ExitCode.GITHUB
    title = "GitHub API error"


class AuthError(GitHubError):
    """401 / missing or bad token: fail fast, never retried."""

    title = "GitHub authentication failed"


class RateLimitedError(GitHubError):
    """Rate limited beyond the wait budget; ``reset_at`` is the epoch second it lifts."""

    title = "GitHub rate limit"

    def __init__(self, message: str, *, reset_at: float | None = None) -> None:
        super().__init__(message)
        self.reset_at = reset_at


class NotFoundError(GitHubError):
    """404/410: the issue or PR is gone (deleted/transferred)."""

    title = "not found"


class MovedError(NotFoundError):
    """301: the issue was transferred to another repository (GitHub redirects a read of it)."""

    title = "transferred"


class LLMError(ForemanError):
    exit_code = ExitCode.LLM
    title = "Anthropic API error"


class LLMBudgetError(LLMError):
    """Spend limit / credit exhausted: not transient, never retried."""

    exit_code = ExitCode.LIMIT
    title = "LLM budget exhausted"


class LimitExceeded(ForemanError):
    """A bounded loop hit one of its limits."""

    exit_code = ExitCode.LIMIT
    title = "limit exceeded"


class MaxTurnsExceeded(LimitExceeded):
    title = "max turns exceeded"


class TokenBudgetExceeded(LimitExceeded):
    title = "token budget exceeded"


class WallTimeExceeded(LimitExceeded):
    title = "wall time exceeded"
