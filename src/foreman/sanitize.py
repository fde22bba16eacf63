"""Make untrusted issue/PR text safe to put in a prompt or a brief.

Strips what a human reader does not see but a model would (HTML comments,
zero-width and bidi control characters, image alt text, NULs and other
control characters) and caps the length with a visible notice.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_HTML_COMMENT = re.compile(r"<!--.*?(-->|$)", re.DOTALL)
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]*)[^)]*\)")
_HTML_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_HTML_HIDDEN = re.compile(
    r"<(details|summary|span|div|p)\b[^>]*\b(hidden|display\s*:\s*none)[^>]*>.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)
# Zero-width, bidi embedding/override/isolate, BOM, soft hyphen, tag characters.
_INVISIBLE = re.compile(
    "[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\U000e0000-\U000e007f]"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Line breaks for str.splitlines() and some renderers, but not for markdown: \v, \f, \x1c-\x1e,
# NEL and the other C1 controls, the Unicode line and paragraph separators. Each becomes a
# space, so words stay apart and nothing starts a new line where commands are parsed (S17).
_UNICODE_BREAKS = re.compile("[\x0b\x0c\x1c-\x1e\x80-\x9f\u2028\u2029]")
_BLANK_RUNS = re.compile(r"\n{4,}")
# A link reference definition (``[label]: destination "title"``) is never rendered, so it is
# the markdown way to hide a line: ``[//]: # (…)``, ``[x]: <> (…)``, ``[comment]: # "…"``.
# The title may sit on the next line; a blank line ends it.
_MD_DEFINITION = re.compile(
    r"^[ ]{0,3}\[(?P<label>[^\]\n]{1,999})\]:[ \t]*(?:\n[ \t]*)?(?P<dest><[^<>\n]*>|\S+)"
    r"(?P<title>(?:[ \t]+|[ \t]*\n[ \t]*)(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?[ \t]*$",
    re.MULTILINE,
)
_URL = re.compile(r"<?(?:https?://|mailto:)[^\s<>]+>?", re.IGNORECASE)


@dataclass(frozen=True)
class Clean:
    text: str
    truncated: bool
    original_chars: int
    removed: tuple[str, ...]  # what kinds of hidden content were removed


def sanitize(text: str | None, *, max_chars: int = 8000) -> Clean:
    raw = text or ""
    original = len(raw)
    removed: list[str] = []
    out = raw.replace("\r\n", "\n").replace("\r", "\n")
    out, n = unicode_breaks(out)
    if n:
        removed.append("unicode line breaks")
    out, md_removed = strip_markdown_comments(out)
    removed += md_removed
    for name, pattern, repl in (
        ("html comments", _HTML_COMMENT, ""),
        ("hidden html", _HTML_HIDDEN, ""),
        ("image alt text", _MD_IMAGE, r"[image: \1]"),
        ("html images", _HTML_IMG, "[image]"),
        ("invisible characters", _INVISIBLE, ""),
        ("control characters", _CONTROL, ""),
    ):
        out, n = pattern.subn(repl, out)
        if n:
            removed.append(name)
    out = unicodedata.normalize("NFKC", out)
    out = _BLANK_RUNS.sub("\n\n\n", out).strip()
    truncated = len(out) > max_chars
    if truncated:
        cut = out[:max_chars]
        nl = cut.rfind("\n")
        if nl > max_chars * 0.8:
            cut = cut[:nl]
        out = (
            f"{cut}\n\n[... truncated by foreman: {len(out) - len(cut)} more characters not shown]"
        )
    return Clean(out, truncated, original, tuple(removed))


def unicode_breaks(text: str) -> tuple[str, int]:
    """``text`` with every invisible line break other than ``\\n`` made a space, and how many."""
    return _UNICODE_BREAKS.subn(" ", text)


def strip_markdown_comments(text: str) -> tuple[str, list[str]]:
    """``text`` without markdown's hidden lines: a link reference definition whose destination
    is not a web or mail address (``[//]: # (…)``, ``[x]: <> (…)``) goes whole; one that
    names an address keeps ``[label]: address`` and loses its title. Returns what was removed."""
    counts = {"markdown comments": 0, "link titles": 0}

    def replace(m: re.Match[str]) -> str:
        dest = m.group("dest")
        if _URL.fullmatch(dest):
            if not m.group("title"):
                return m.group(0)
            counts["link titles"] += 1
            return f"[{m.group('label')}]: {dest}"
        counts["markdown comments"] += 1
        return ""

    out = _MD_DEFINITION.sub(replace, text)
    return out, [name for name, n in counts.items() if n]


def one_line(text: str | None, *, max_chars: int = 200) -> str:
    """A sanitised single line (titles, reasons)."""
    clean = sanitize(text, max_chars=max_chars * 2).text
    line = " ".join(clean.split())
    return line if len(line) <= max_chars else line[: max_chars - 1] + "…"
