"""The GitHub adapter: a configured PyGithub client, error mapping, reconciled writes.

Importing this package imports PyGithub (about a second): the plan and gate
import it lazily, inside the functions that talk to GitHub.
"""

from __future__ import annotations

from .client import (
    DEFAULT_API_URL,
    ForemanRetry,
    build_retry,
    connect,
    github_errors,
    is_ambiguous,
    rate_limit_wait,
    translate,
)
from .reconcile import write_with_reconcile

__all__ = [
    "DEFAULT_API_URL",
    "ForemanRetry",
    "build_retry",
    "connect",
    "github_errors",
    "is_ambiguous",
    "rate_limit_wait",
    "translate",
    "write_with_reconcile",
]
