"""Labelled issues from a CSV file (title, body, label and an optional repo column)."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Collection
from pathlib import Path

from foreman.classifier.train import Row
from foreman.errors import Location, UsageError
from foreman.jsontext import NotUTF8, decode

NEEDED = ("title", "body", "label")


def read_rows(path: Path, labels: Collection[str] | None = None) -> tuple[list[Row], list[str]]:
    """(title, body, label) rows and each row's repo ('' when there is no repo column).

    The file must be UTF-8 (a leading byte-order mark is dropped); a byte that is not is an
    error naming the line it is on. With ``labels``, a row whose label is not one of them is
    an error (file and line)."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise UsageError(f"cannot read CSV: {err.strerror}", location=Location(str(path))) from None
    try:
        text = decode(raw)
    except NotUTF8 as err:
        offset = err.offset
        raise UsageError(
            f"CSV is not UTF-8 text: byte {offset} (0x{raw[offset]:02x}) is not valid UTF-8;"
            " save the file as UTF-8",
            location=Location(str(path), raw.count(b"\n", 0, offset) + 1),
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        missing = [c for c in NEEDED if c not in (reader.fieldnames or [])]
        if missing:
            raise UsageError(
                f"CSV lacks column(s) {', '.join(missing)}", location=Location(str(path), 1)
            )
        rows: list[Row] = []
        repos: list[str] = []
        end = reader.line_num  # a record may span lines: report the one it starts on
        for rec in reader:
            line, end = end + 1, reader.line_num
            label = (rec.get("label") or "").strip()
            if not label:
                raise UsageError("empty label", location=Location(str(path), line))
            if labels is not None and label not in labels:
                raise UsageError(
                    f"unknown label {label!r} (the model knows {', '.join(labels)})",
                    location=Location(str(path), line),
                )
            rows.append((rec.get("title") or "", rec.get("body") or "", label))
            repos.append(rec.get("repo") or "")
    except csv.Error as err:
        where = Location(str(path), reader.line_num or None)
        raise UsageError(f"malformed CSV: {err}", location=where) from None
    if not rows:
        raise UsageError("CSV has no rows", location=Location(str(path)))
    return rows, repos
