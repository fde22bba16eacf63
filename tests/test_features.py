"""Issue text -> terms: the placeholders, the structure counts and the n-grams, table-tested.

The regular expressions are written for speed (character classes first, line starts as
``\\n``); these cases pin what they match, so a faster rewrite cannot change the features the
shipped model was trained on.
"""

from __future__ import annotations

import re

import pytest

from foreman.classifier.explain import describe
from foreman.classifier.phrases import Phrases, _leading_literal, _literals
from foreman.classifier.scoring import gather
from foreman.classifier.terms import (
    _ASK,
    _BROKEN,
    _WISH,
    FeatureConfig,
    _char_grams,
    extract,
    normalise,
    terms,
)
from foreman.classifier.vocabulary import build_vocabulary


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


def test_char_grams_past_the_cached_slices() -> None:
    assert list(_char_grams("abcdef", 3, 4)) == ["abc", "bcd", "cde", "def", "abcd", "bcde", "cdef"]
    text = "".join(chr(97 + i % 26) for i in range(3000))  # the slice cache grows
    assert list(_char_grams(text, 3, 4)) == [text[i : i + 3] for i in range(2998)] + [
        text[i : i + 4] for i in range(2997)
    ]


@pytest.mark.parametrize(
    ("alternative", "literal"),
    [
        ("how (?:do|can)", "how "),
        ("repro(?:duce)?", "repro"),
        ("doesn'?t work", "doesn"),  # the quote is optional, so not required
        (r"suggest\w*", "suggest"),
        ("crashes", "crashes"),
    ],
)
def test_leading_literal(alternative: str, literal: str) -> None:
    assert _leading_literal(alternative) == literal


@pytest.mark.parametrize(
    ("alternative", "literals"),
    [
        ("how (?:do|can)", ("how do", "how can")),
        ("add (?:support|an? option)", ("add support", "add a")),
        ("is (?:it|there) (?:possible|a way)", ("is it ", "is there ")),  # the first group
        ("crash(?:es|ed)?", ("crash",)),  # an optional group is not required
        ("what is", ("what is",)),
    ],
)
def test_literals(alternative: str, literals: tuple[str, ...]) -> None:
    assert _literals(alternative) == literals


PHRASE_TEXTS = [
    "",
    "how do i? xhow do, show do; how do",  # a boundary before "how" only at the start/after space
    "it would be nice, it would",  # overlapping alternatives are counted once, left to right
    "doesnt work, doesn't work, does not work",
    "_allow allow1 allow. suggestions, proposal propos",
    "i'm trying to; i am trying to; hi want to",
    "nothing here at all",
    "it doesnt work",  # no literal but the optional-free "doesn": the regex must still run
    "x crashed",
    "it crashes; how should we",  # matches found only through a group's branches
    "a crash, not a crasher",  # the optional group's bare prefix
]


@pytest.mark.parametrize("phrases", [_ASK, _WISH, _BROKEN])
@pytest.mark.parametrize("text", PHRASE_TEXTS)
def test_phrase_counts_equal_the_plain_regex(phrases: Phrases, text: str) -> None:
    plain = re.compile(r"\b(?:" + "|".join(phrases.alternatives) + r")\b")
    assert phrases.count(text) == len(plain.findall(text))


@pytest.mark.parametrize("phrases", [_ASK, _WISH, _BROKEN])
def test_phrase_counts_equal_the_plain_regex_on_generated_text(phrases: Phrases) -> None:
    """Texts packed with the literals, run together and overlapping (counting starts only where
    a literal occurs, and takes matches left to right as findall does)."""
    import random

    rng = random.Random(7)
    pieces = [*phrases.literals, "x", " ", "\n", "_", "'", "s", "ing", "ed", "es", "how", "?"]
    plain = re.compile(r"\b(?:" + "|".join(phrases.alternatives) + r")\b")
    for _ in range(2000):
        text = "".join(rng.choice(pieces) + rng.choice(["", " ", "x"]) for _ in range(20))
        assert phrases.count(text) == len(plain.findall(text)), text


def test_phrases_need_a_leading_letter() -> None:
    with pytest.raises(ValueError, match="start with a letter"):
        Phrases("(?:a|b)c")


@pytest.mark.parametrize(
    ("idx", "values"), [([], ()), ([2], (30.0,)), ([2, 0, 2], (30.0, 10.0, 30.0))]
)
def test_gather(idx: list[int], values: tuple[float, ...]) -> None:
    assert tuple(gather(idx)([10.0, 20.0, 30.0])) == values
    assert tuple(gather(idx)({0: 10.0, 2: 30.0})) == values  # a table may be a dict


@pytest.mark.parametrize(
    ("block", "term", "words"),
    [
        ("S", "trace2", "a stack trace"),
        ("S", "trace0", "no stack trace"),
        ("S", "qmark0", "no question mark"),
        ("S", "ask1", "question phrasing"),
        ("S", "title?", "a title ending in ?"),
        ("S", "=bug report", 'template answer "bug report"'),
        ("S", "len3", None),  # body length says nothing a reader can check
        ("T", "crash", 'title "crash"'),
        ("T", "^add", 'title starts "add"'),
        ("T", "[]bug", 'title prefix "[bug]"'),
        ("T", ":docs", 'title prefix "docs:"'),
        ("T", "on _ver_", 'title "on X.Y"'),
        ("W", "_num_", "a number"),
        ("W", "_host_github_com", "a link to github.com"),
        ("W", "#steps to reproduce", 'heading "steps to reproduce"'),
        ("W", "<!--please fill", "an issue-template comment"),
        ("C", " crash ", '"crash"'),
        ("C", "rash ", None),  # not a whole word
        (
            "W",
            "#<img src=x onerror=alert(1)> @admin **now**",
            'heading "img src x onerror alert 1 admin"',
        ),
        ("W", "#`[]`", None),
    ],
)
def test_describe_puts_terms_in_safe_words(block: str, term: str, words: str | None) -> None:
    assert describe(block, term) == words


def test_vocabulary_name_is_the_reverse_of_its_index() -> None:
    docs = [extract(t, "body text here", FeatureConfig()) for t in ("crash now", "crash later")]
    vocab = build_vocabulary(docs)
    rebuilt = type(vocab)(vocab.index, vocab.idf)  # without the ordered lists: built on demand
    for v in (vocab, rebuilt):
        names = [v.name(i) for i in range(len(v))]
        assert all(v.index[block][term] == i for i, (block, term) in enumerate(names))
    with pytest.raises(IndexError):
        vocab.name(len(vocab))
