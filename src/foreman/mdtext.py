"""Markdown that renders as written: text, code spans, table cells, fences, HTML.

Every comment, PR body and step summary the foreman writes is read through a
CommonMark/GFM renderer. Text outside code is backslash-escaped; text inside a
code span is never escaped (a renderer shows the backslash), it gets a
backtick fence longer than any run inside it instead. Inside a table row a
newline would end the row and a ``|`` would start a cell, so both are handled
for every kind of text that goes into a cell.
"""

from __future__ import annotations

import html
import re

_PUNCT = "\\`*_[]<>|&~"
_BACKTICKS = re.compile(r"`+")


def text(value: str) -> str:
    """Plain text on one line, every markdown-active character escaped (``|`` too, so it is
    safe in a table cell)."""
    value = value.replace("\r", " ").replace("\n", " ")
    for ch in _PUNCT:
        value = value.replace(ch, "\\" + ch)
    return value


def _longest_run(value: str) -> int:
    return max((len(m.group()) for m in _BACKTICKS.finditer(value)), default=0)


def code(value: str, *, cell: bool = False) -> str:
    """``value`` as one inline code span, shown exactly as written (newlines become spaces).

    The fence is one backtick longer than the longest run inside; a space pads content that
    starts or ends with a backtick or a space (CommonMark strips one from each side). In a
    table cell (``cell=True``) a ``|`` is written ``\\|``, which GFM turns back into ``|``
    before the span is parsed.
    """
    value = value.replace("\r", " ").replace("\n", " ")
    if not value:
        return "-"
    fence = "`" * (_longest_run(value) + 1)
    if value[0] in "` " or value[-1] in "` ":
        value = f" {value} "
    if cell:
        value = value.replace("|", "\\|")
    return f"{fence}{value}{fence}"


def fenced(body: str, info: str = "") -> str:
    """A fenced code block holding ``body`` verbatim: the fence is longer than any backtick
    run in it (at least three)."""
    fence = "`" * max(3, _longest_run(body) + 1)
    return f"{fence}{info}\n{body.rstrip(chr(10))}\n{fence}"


def html_text(value: str) -> str:
    """Text inside raw HTML (``<summary>``), where markdown escapes are not read."""
    return html.escape(value.replace("\r", " ").replace("\n", " "), quote=True)
