"""JSON from files foreman did not write (event payloads, tasks, plans, bundles).

:func:`parse` is ``json.loads`` with two failures a hostile or broken file can cause turned
into a ``ValueError`` with a plain message, like a syntax error: nesting deeper than the
interpreter's recursion limit (``RecursionError``), and text that is not UTF-8. A ``\\ud800``
escape is valid JSON but decodes to a lone surrogate, which no UTF-8 output (a step summary,
an API request, a plan file) can hold: such characters become U+FFFD.
"""

from __future__ import annotations

import json
import re
from typing import Any

_LONE_SURROGATE = "[\ud800-\udfff]"  # compiled on first use (re's cache): rarely needed


class NotUTF8(ValueError):
    """The bytes are not UTF-8; ``offset`` is where the first bad byte is."""

    def __init__(self, offset: int) -> None:
        super().__init__(f"not UTF-8 text (byte {offset})")
        self.offset = offset


def decode(raw: bytes) -> str:
    """UTF-8 text (a leading byte-order mark dropped), or :class:`NotUTF8` with the offset of
    the first bad byte in ``raw``."""
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        raise NotUTF8(err.start) from None


def parse(text: str | bytes) -> Any:
    """``json.loads`` whose every failure is a ``ValueError`` (``json.JSONDecodeError`` for
    syntax, with its line), with lone surrogates replaced (see the module docstring)."""
    if isinstance(text, bytes):
        text = decode(text)
    try:
        data = json.loads(text)
        # Only a text with a \uDxxx escape can hold a surrogate (json.loads joins pairs; a
        # lone one is left); \ud000-\ud7ff pass this test too, and _scrub leaves them be.
        return _scrub(data) if "\\ud" in text or "\\uD" in text else data
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return re.sub(_LONE_SURROGATE, "\ufffd", value)
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    return value
