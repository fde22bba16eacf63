"""Issue text -> terms: the placeholders, the structure counts and the n-grams, table-tested.

The regular expressions are written for speed (character classes first, line starts as
``\\n``); these cases pin what they match, so a faster rewrite cannot change the features the
shipped model was trained on.
"""

from __future__ import annotations

import pytest

from foreman.routing.features import FeatureConfig, _char_grams, normalise, terms


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Fails on v1.2.3-beta", ["fails", "on", "_ver_", "-beta"]),
        ("since 2.0rc1, not 2", ["since", "_ver_", ",", "not", "_num_"]),
        ("x1.2 and a12", ["x1.", "_num_", "and", "a12"]),  # no word boundary before 1 or 12
        ("v12 and 12", ["v12", "and", "_num_"]),  # a version needs a dot
        # hex first: 1.0x5 is a number and a hex number, not a version
        ("at 0xFF, 0x1g and 1.0x5", ["at", "_hex_", ",", "0x1g", "and", "_num_", ".", "_hex_"]),
        ("see https://docs.python.org/3/x.html", ["see", "_url_", "_host_docs_python_org"]),
        ("١٢ apples", ["_num_", "apples"]),  # \d is any Unicode digit, as before
    ],
)
def test_normalise_placeholders(text: str, tokens: list[str]) -> None:
    assert normalise(text).split() == tokens


def structure(body: str, title: str = "t") -> set[str]:
    return set(terms(title, body, FeatureConfig())["S"])


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # two frames (the first on line 1) and two file:line references: 4 -> bucket 3
        ("at com.x.Main.run(Main.java:12)\n  at com.x.Main(Main.java:3)", {"trace3"}),
        ("look at this (please)", {"trace0"}),  # "at" not at a line start
        ('Traceback (most recent call last):\n  File "a.py", line 3', {"trace2"}),
        ("TypeError: boom; exception; assertion; errors", {"error3"}),
        ("```\ncode\n```\n```\nmore\n```", {"code2"}),
        ("How do I? Is there a way? Can someone help me?", {"ask3", "qmark2"}),
        ("It would be nice to allow that; support for x", {"wish2"}),  # 3 (no overlaps)
        ("Steps to reproduce\nIt crashed, regression", {"broken2", "error1"}),
    ],
)
def test_structure_counts(body: str, expected: set[str]) -> None:
    assert expected <= structure(body)


@pytest.mark.parametrize(
    ("body", "answers", "headings"),
    [
        ("### Issue type\n\nBug report\n", {"=bug report"}, {"#issue type"}),  # first line
        ("intro\n\n  ## Version\n2.0\n", {"=_ver_"}, {"#version"}),
        ("**Platform**:\n\n  linux x86\n", {"=linux x86"}, set()),
        ("# Title\n# Second\n<!-- x -->", set(), {"#title", "#second"}),  # heading after heading
    ],
)
def test_template_headings_and_answers(body: str, answers: set[str], headings: set[str]) -> None:
    got = terms("t", body, FeatureConfig())
    assert {s for s in got["S"] if s.startswith("=")} == answers
    assert {w for w in got["W"] if w.startswith("#")} == headings


def test_char_grams() -> None:
    assert list(_char_grams("abcd", 2, 3)) == ["ab", "bc", "cd", "abc", "bcd"]
    assert list(_char_grams("abc", 5, 5)) == []
    assert list(_char_grams(" bug ", 5, 5)) == [" bug "]
