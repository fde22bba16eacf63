"""Patterns from the config that could stall the plan: nested repetition.

A rule's ``title``/``body`` pattern is searched in text the issue author wrote. A repeated
group holding another variable-width repeat, as in ``(a+)+``, can split a text into rounds in
exponentially many ways, all of which the regex engine tries when the match fails. The check
reads Python's own parse of the pattern (``re._parser``); the plan also bounds each search in
time (``routing.rules``), which covers the polynomial cases this leaves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from re import _parser as sre  # type: ignore[attr-defined]  # no stub; `re` has imported it
from typing import Any


def nests_repeats(pattern: str) -> bool:
    """Whether a valid ``pattern`` nests repetition (matched ignoring case)."""
    return _slow(sre.parse(pattern, re.IGNORECASE))


# A repeat that can run more than once
# (``+``, ``*``, ``{2,}``, even ``{2}``: k rounds cost about n**k) must not contain a repeat of
# variable width, unless every round starts or ends with a separator character that nothing
# else in the round can match (``(\.\d+)+``): then the rounds split the text in one way only.
# Inside an atomic group or a possessive repeat (``(?>a+)+``, ``(a++)+``) nothing backtracks.
# Alternatives that overlap (``(a|a)+``) are not detected.
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT}
_CATEGORIES = {
    sre.CATEGORY_DIGIT: r"\d",
    sre.CATEGORY_NOT_DIGIT: r"\D",
    sre.CATEGORY_SPACE: r"\s",
    sre.CATEGORY_NOT_SPACE: r"\S",
    sre.CATEGORY_WORD: r"\w",
    sre.CATEGORY_NOT_WORD: r"\W",
}


def _children(op: Any, av: Any) -> list[Any]:
    if op in _REPEATS:
        return [av[2]]
    if op is sre.SUBPATTERN:
        return [av[3]]
    if op is sre.ATOMIC_GROUP:
        return [av]
    if op is sre.BRANCH:
        return list(av[1])
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return [av[1]]
    if op is sre.GROUPREF_EXISTS:
        return [p for p in av[1:] if p is not None]
    return []


def _nodes(seq: Any, *, atomic: bool = True) -> Iterator[Any]:
    """Every (op, av) node of a parsed pattern, depth first; with ``atomic=False`` not the
    inside of atomic groups and possessive repeats."""
    for node in seq:
        yield node
        if atomic or node[0] not in (sre.ATOMIC_GROUP, sre.POSSESSIVE_REPEAT):
            for child in _children(*node):
                yield from _nodes(child, atomic=atomic)


def _slow(seq: Any) -> bool:
    return any(op in _REPEATS and av[1] > 1 and not _one_split(av[2]) for op, av in _nodes(seq))


def _one_split(body: Any) -> bool:
    """Whether text splits into rounds of this repeated body in one way only (approximately)."""
    backtracks = (sre.MAX_REPEAT, sre.MIN_REPEAT)
    inner = [av for op, av in _nodes(body, atomic=False) if op in backtracks and av[0] != av[1]]
    if not inner:
        return True
    items = list(body)
    while len(items) == 1 and items[0][0] is sre.SUBPATTERN:
        items = list(items[0][1][3])
    if len(inner) > 1 or not items:
        return False
    return any(_separates(sep, body) for sep in (items[0], items[-1]))


def _separates(sep: Any, body: Any) -> bool:
    op, av = sep
    if op is sre.LITERAL:
        chars = [chr(av)]
    elif op is sre.IN and all(o is sre.LITERAL for o, _ in av):
        chars = [chr(v) for _, v in av]
    else:
        return False
    others = [node for node in _nodes(body) if node is not sep]
    return not any(_can_match(o, a, c) for o, a in others for c in chars)


def _can_match(op: Any, av: Any, char: str) -> bool:
    """Whether this node can consume ``char``, ignoring case; group nodes answer no (their
    children are asked)."""
    if op is sre.LITERAL:
        return _same(chr(av), char)
    if op is sre.NOT_LITERAL:
        return not _same(chr(av), char)
    if op is sre.IN:
        return _in_class(av, char)
    return op in (sre.ANY, sre.GROUPREF)


def _same(a: str, b: str) -> bool:
    return a.lower() == b.lower() or a.upper() == b.upper()


def _in_class(items: Any, char: str) -> bool:
    negate = bool(items) and items[0][0] is sre.NEGATE
    cases = {char, char.lower(), char.upper()}
    hits = [any(_class_item(op, av, c) for op, av in items if op is not sre.NEGATE) for c in cases]
    return not all(hits) if negate else any(hits)


def _class_item(op: Any, av: Any, char: str) -> bool:
    if op is sre.LITERAL:
        return chr(av) == char
    if op is sre.RANGE:
        return bool(av[0] <= ord(char) <= av[1])
    if op is sre.CATEGORY and av in _CATEGORIES:
        return re.match(_CATEGORIES[av], char) is not None
    return True  # not reached: the parser puts nothing else in a class
