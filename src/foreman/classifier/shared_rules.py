"""Rules every tracker shares: a few high-precision patterns that decide before the shipped
model (issue #23, item 4: better out of the box).

The shipped model meets projects it was never trained on; these patterns held >= 90 %
precision on each of the five projects of the training CSV where they fired (the numbers,
and the candidates that did not, are in docs/classifier.md). They are tried in order; the
first that matches decides. Feature phrasing comes first, so a stack trace quoted in a
feature request stays a feature.

Input is bounded (``TITLE_CHARS``, ``BODY_CHARS``) and every pattern is anchored or
literal-led with no nested repetition, so a search is linear in that bounded text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TITLE_CHARS = 300
BODY_CHARS = 8_000


@dataclass(frozen=True)
class SharedRule:
    name: str  # what was seen, in words: the task's reason names it
    label: str
    pattern: re.Pattern[str]
    in_title: bool  # False: the body

    def matches(self, title: str, body: str) -> bool:
        text = title[:TITLE_CHARS] if self.in_title else body[:BODY_CHARS]
        return self.pattern.search(text) is not None


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.MULTILINE)


RULES: tuple[SharedRule, ...] = (
    SharedRule(
        "a feature-request title",
        "feature",
        _rx(r"\bfeature request|\bproposal|\bfeature:|\brfc:"),
        in_title=True,
    ),
    SharedRule(
        "the feature-request template",
        "feature",
        _rx(r"is your feature request related to a problem|describe the solution you'?d like"),
        in_title=False,
    ),
    SharedRule(
        "a title marked as a question",
        "question",
        _rx(r"^\s*\[?question\b|^\s*q:"),
        in_title=True,
    ),
    SharedRule(
        "a JavaScript stack trace",
        "bug",
        # "    at fn (file.js:12:5)" / "    at file.js:12:5": one frame on a line of its own
        _rx(
            r"^[ \t]*at (?:(?:[\w$.<>\[\]]+ ){1,3}\()?[\w.:/\\@-]+\.(?:js|jsx|ts|tsx|mjs|cjs)"
            r":\d+:\d+\)?[ \t]*$"
        ),
        in_title=False,
    ),
)


def decide(title: str, body: str) -> SharedRule | None:
    """The first shared rule that matches the issue, or ``None``."""
    for rule in RULES:
        if rule.matches(title or "", body or ""):
            return rule
    return None
