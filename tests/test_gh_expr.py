"""The test-side evaluator of GitHub expressions follows GitHub's documented semantics."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.gh_expr import ExprError, evaluate, render

CTX: dict[str, Any] = {"github": {"event": {"n": 7, "body": "Hello /Foreman", "empty": ""}}}


@pytest.mark.parametrize(
    ("expr", "value"),
    [
        ("github.event.n", 7),
        ("github.event.missing.deeper", None),  # a path through null is null
        ("github.event.missing || 'x'", "x"),  # || gives the first truthy operand
        ("github.event.empty || 0", 0),  # ... or the last one
        ("'a' && 'b'", "b"),  # && gives the last operand when all are truthy
        ("0 && 'b'", 0),  # ... or the first falsy one
        ("!github.event.missing", True),
        ("!'x' || 'y'", "y"),  # ! binds tighter than ||
        ("'ABC' == 'abc'", True),  # string comparison ignores case
        ("'a' != 'b' && 1 == 1", True),  # == binds tighter than &&
        ("contains(github.event.body, '/foreman')", True),  # case-insensitive
        ("startsWith('foreman:docs', 'FOREMAN:')", True),
        ("contains(github.event.missing, 'x')", False),
        ("format('skip-{0}-{1}', 12, 'it''s')", "skip-12-it's"),
        ("(false || 'a') && ('b' || false)", "b"),
    ],
)
def test_expressions(expr: str, value: Any) -> None:
    assert evaluate(expr, CTX) == value


def test_render_and_errors() -> None:
    assert render("n-${{ github.event.n }}-${{ github.event.missing }}", CTX) == "n-7-"
    for bad in ("fromJSON('1')", "github.event.n ==", "(1", "1 1"):
        with pytest.raises(ExprError):
            evaluate(bad, CTX)
