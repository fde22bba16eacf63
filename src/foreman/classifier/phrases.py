"""Counting phrase matches fast: the ask / wish / broken signals of :mod:`.terms`."""

from __future__ import annotations

import re


class Phrases:
    r"""Counts matches of ``\b(?:alternative|...)\b``, for alternatives that start with a letter.

    Written for speed, with the same matches: the regex starts with each alternative's first
    letter and tests the word boundary after it (``(?<!\w.)``), so that the engine skips ahead
    to those letters instead of trying a leading ``\b`` at every position; and it is tried
    only where one of the alternatives' leading literals occurs (``what is`` -> ``what is``,
    ``can (?:i|we)`` -> ``can i``, ``can we``, ``repro(?:duce)?`` -> ``repro``, ``doesn'?t``
    -> ``doesn``): a match starts nowhere else."""

    def __init__(self, *alternatives: str) -> None:
        if not all(a[:1].isalpha() for a in alternatives):
            raise ValueError("every alternative must start with a letter")
        self.alternatives = alternatives
        self.regex = re.compile(
            "(?:" + "|".join(a[0] + r"(?<!\w.)" + a[1:] for a in alternatives) + r")\b"
        )
        self.literals = tuple(lit for a in alternatives for lit in _literals(a))

    def count(self, text: str) -> int:
        """``len(self.regex.findall(text))``, with the regex tried only where one of the
        literals occurs: every match starts with one, so ``str.find`` (C, no per-character
        branch) finds all the places a match can start, and the matches are taken from left
        to right as ``findall`` takes them, none overlapping."""
        starts: set[int] = set()
        find = text.find
        for literal in self.literals:
            i = find(literal)
            while i >= 0:
                starts.add(i)
                i = find(literal, i + 1)
        found, end = 0, 0
        match = self.regex.match  # at a position, with the text before it in view (\b)
        for i in sorted(starts):
            if i >= end and (m := match(text, i)) is not None:
                found, end = found + 1, m.end()
        return found


_GROUP = re.compile(r"([^()\[\]{}?*+|\\.^$]*)\(\?:([^()]*)\)(?![?*{])(.*)", re.S)


def _literals(alternative: str) -> tuple[str, ...]:
    """Strings of which a match of ``alternative`` contains one: its leading literal, and when
    a group follows it (not an optional one), one per branch (``how (?:do|can)`` -> ``how do``,
    ``how can``: far rarer in text than ``how ``)."""
    if m := _GROUP.fullmatch(alternative):
        head, branches, rest = m.groups()
        return tuple(_leading_literal(head + b + rest) for b in branches.split("|"))
    return (_leading_literal(alternative),)


def _leading_literal(alternative: str) -> str:
    """The plain characters an alternative starts with, without one a quantifier follows."""
    end = 0
    while end < len(alternative) and alternative[end] not in "()[]{}?*+|\\.^$":
        end += 1
    if end < len(alternative) and alternative[end] in "?*{":
        end -= 1
    return alternative[:end]
