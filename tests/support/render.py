"""Render markdown the way a reader sees it: CommonMark + GFM tables (markdown-it-py), then
read the HTML back into what a person sees: code spans, table rows, plain text, mentions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from markdown_it import MarkdownIt

_MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
# GitHub pings @name where it stands in text (not in code): a letter or digit right after @.
PING = re.compile(r"(?<![\w`])@[A-Za-z0-9][\w-]*")


@dataclass
class Rendered:
    html: str
    codes: list[str] = field(default_factory=list)  # text of every <code>
    rows: list[list[str]] = field(default_factory=list)  # table rows, cell texts
    text: str = ""  # every text outside <code>, as shown
    tags: set[str] = field(default_factory=set)

    def pings(self) -> list[str]:
        return PING.findall(self.text)


class _Reader(HTMLParser):
    def __init__(self, out: Rendered) -> None:
        super().__init__(convert_charrefs=True)
        self.out = out
        self.in_code = 0
        self.code = ""
        self.cell: str | None = None
        self.row: list[str] | None = None
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.tags.add(tag)
        if tag == "code":
            self.in_code += 1
            self.code = ""
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "code":
            self.in_code -= 1
            self.out.codes.append(self.code)
        elif tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.out.rows.append(self.row)
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.in_code:
            self.code += data
        else:
            self.parts.append(data)
        if self.cell is not None:
            self.cell += data


def render(markdown: str) -> Rendered:
    out = Rendered(html=_MD.render(markdown))
    reader = _Reader(out)
    reader.feed(out.html)
    reader.close()
    out.text = "".join(reader.parts)
    return out


def tables_are_rectangular(r: Rendered) -> bool:
    """Every row of every table has as many cells as its header (a stray ``|`` or newline in a
    cell breaks this)."""
    return all(len(row) == len(r.rows[0]) for row in r.rows) if r.rows else True
