"""Unified diffs (``git diff`` output): parse, inspect, apply exactly.

The gate never trusts a bundle's own list of files: it reads them from the
patch. Text is handled as ``str`` decoded with ``surrogateescape`` so any byte
survives a round trip. Hunks must match their context exactly (an offset is
allowed, fuzz is not), like ``git apply``. Binary patches, symlinks and
submodules are reported as unsupported rather than guessed at.

Placing hunks is bounded (S18, :mod:`.patch_limits`): a hunk is looked for at
most ``MAX_OFFSET`` lines from where its header (and the hunks before it) put
it, and one file's hunks compare at most ``MAX_SEARCH`` lines in all; past
either, the patch is refused with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from foreman.gate.patch_limits import MAX_OFFSET, Work
from foreman.gate.patch_limits import PatchError as PatchError  # where callers import it

Status = Literal["added", "deleted", "modified", "renamed"]
ENCODING = "utf-8"
ERRORS = "surrogateescape"
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_ESCAPES = {"a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
            '"': '"', "\\": "\\"}  # fmt: skip


@dataclass
class Hunk:
    old_start: int
    new_start: int
    lines: list[str] = field(default_factory=list)  # each: one of ' ', '-', '+' then the text

    def image(self, *, new: bool) -> list[str]:
        keep = "+" if new else "-"
        return [ln[1:] for ln in self.lines if ln[0] in (" ", keep)]


@dataclass
class FilePatch:
    old_path: str | None  # None: /dev/null (an added file)
    new_path: str | None  # None: /dev/null (a deleted file)
    old_mode: str | None = None
    new_mode: str | None = None
    hunks: list[Hunk] = field(default_factory=list)
    binary: bool = False

    @property
    def path(self) -> str:
        path = self.new_path or self.old_path
        assert path is not None
        return path

    @property
    def paths(self) -> list[str]:
        return sorted({p for p in (self.old_path, self.new_path) if p})

    @property
    def status(self) -> Status:
        if self.old_path is None:
            return "added"
        if self.new_path is None:
            return "deleted"
        return "renamed" if self.old_path != self.new_path else "modified"

    @property
    def additions(self) -> int:
        return sum(1 for h in self.hunks for ln in h.lines if ln[0] == "+")

    @property
    def deletions(self) -> int:
        return sum(1 for h in self.hunks for ln in h.lines if ln[0] == "-")

    def added_lines(self) -> list[tuple[int, str]]:
        """``(line number in the new file, text)`` of every added line."""
        out: list[tuple[int, str]] = []
        for h in self.hunks:
            number = h.new_start
            for ln in h.lines:
                if ln[0] == "+":
                    out.append((number, ln[1:].rstrip("\r\n")))
                if ln[0] in (" ", "+"):
                    number += 1
        return out


def decode(data: bytes) -> str:
    return data.decode(ENCODING, ERRORS)


def encode(text: str) -> bytes:
    return text.encode(ENCODING, ERRORS)


def split_lines(text: str) -> list[str]:
    """Lines with their ``\\n`` kept; only ``\\n`` ends a line (not ``\\r``, ``\\f``...)."""
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def parse(text: str) -> list[FilePatch]:
    """Every file of a ``git diff`` (or plain unified diff); raises :class:`PatchError`."""
    lines = split_lines(text)
    files: list[FilePatch] = []
    current: FilePatch | None = None
    i = 0
    while i < len(lines):
        line = lines[i].rstrip("\n")
        if line.startswith("diff --git "):
            current = FilePatch(*_git_header_paths(line[len("diff --git ") :]))
            files.append(current)
        elif line.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ "):
            old, new = _side(line[4:], "a/"), _side(lines[i + 1].rstrip("\n")[4:], "b/")
            if current is None or current.hunks:
                current = FilePatch(old, new)
                files.append(current)
            else:
                current.old_path, current.new_path = old, new
            i += 1
        elif line.startswith("@@"):
            if current is None:
                raise PatchError(f"line {i + 1}: hunk before any file header")
            i = _read_hunk(lines, i, current)
            continue
        elif current is not None:
            _extended_header(line, current)
        elif line.strip():
            raise PatchError(f"line {i + 1}: not a unified diff")
        i += 1
    for fp in files:
        if fp.old_path is None and fp.new_path is None:
            raise PatchError("a file header names no path")
    return files


def _extended_header(line: str, fp: FilePatch) -> None:
    if line.startswith("new file mode "):
        fp.old_path, fp.new_mode = None, line.split()[-1]
    elif line.startswith("deleted file mode "):
        fp.new_path, fp.old_mode = None, line.split()[-1]
    elif line.startswith("old mode "):
        fp.old_mode = line.split()[-1]
    elif line.startswith("new mode "):
        fp.new_mode = line.split()[-1]
    elif line.startswith(("rename from ", "copy from ")):
        fp.old_path = _unquote(line.split(" from ", 1)[1])
    elif line.startswith(("rename to ", "copy to ")):
        fp.new_path = _unquote(line.split(" to ", 1)[1])
    elif line.startswith(("GIT binary patch", "Binary files ")):
        fp.binary = True


def _read_hunk(lines: list[str], i: int, fp: FilePatch) -> int:
    m = _HUNK.match(lines[i])
    if m is None:
        raise PatchError(f"line {i + 1}: malformed hunk header")
    old_left = int(m.group(2)) if m.group(2) is not None else 1
    new_left = int(m.group(4)) if m.group(4) is not None else 1
    hunk = Hunk(int(m.group(1)), int(m.group(3)))
    header = i + 1
    i += 1
    while old_left > 0 or new_left > 0:
        if i >= len(lines):
            raise PatchError(f"hunk at line {header} is truncated")
        raw = lines[i]
        tag = raw[:1] if raw != "\n" else " "  # some tools drop the space of empty context
        body = raw[1:] if raw != "\n" else "\n"
        if tag == "\\":
            _no_newline(hunk)
        elif tag in (" ", "-", "+"):
            hunk.lines.append(tag + body)
            old_left -= tag in (" ", "-")
            new_left -= tag in (" ", "+")
        else:
            raise PatchError(f"line {i + 1}: unexpected line inside a hunk")
        i += 1
    if old_left < 0 or new_left < 0:
        raise PatchError(f"line {i}: hunk longer than its header says")
    while i < len(lines) and lines[i].startswith("\\"):
        _no_newline(hunk)
        i += 1
    fp.hunks.append(hunk)
    return i


def _no_newline(hunk: Hunk) -> None:
    if hunk.lines and hunk.lines[-1].endswith("\n"):
        hunk.lines[-1] = hunk.lines[-1][:-1]


def _git_header_paths(rest: str) -> tuple[str | None, str | None]:
    if rest.startswith('"'):
        first, _, tail = _split_quoted(rest)
        return _side(first, "a/"), _side(tail.strip(), "b/")
    # "a/x b/x": the two halves are the same path for anything but renames.
    half = (len(rest) - 1) // 2
    if rest[half] == " " and rest[:half][2:] == rest[half + 1 :][2:]:
        return _side(rest[:half], "a/"), _side(rest[half + 1 :], "b/")
    old, _, new = rest.partition(" b/")
    return _side(old, "a/"), _side("b/" + new, "b/")


def _split_quoted(text: str) -> tuple[str, str, str]:
    end = 1
    while end < len(text) and not (text[end] == '"' and text[end - 1] != "\\"):
        end += 1
    return text[: end + 1], " ", text[end + 1 :]


def _side(raw: str, prefix: str) -> str | None:
    raw = raw.split("\t", 1)[0] if not raw.startswith('"') else raw
    path = _unquote(raw.strip("\n"))
    if path == "/dev/null":
        return None
    return path[len(prefix) :] if path.startswith(prefix) else path


def _unquote(raw: str) -> str:
    """git's C-style quoting of unusual paths (``"a/tab\\tname"``, octal bytes)."""
    if not (raw.startswith('"') and raw.endswith('"') and len(raw) >= 2):
        return raw
    body, out, i = raw[1:-1], bytearray(), 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt in "01234567" and i + 3 < len(body) + 1:
                out.append(int(body[i + 1 : i + 4], 8) & 0xFF)
                i += 4
                continue
            out += _ESCAPES.get(nxt, nxt).encode()
            i += 2
            continue
        out += ch.encode(ENCODING, ERRORS)
        i += 1
    return decode(bytes(out))


def apply(
    original: str | None, fp: FilePatch, *, reverse: bool = False, work: Work | None = None
) -> str | None:
    """The file after ``fp`` (``None``: deleted); ``reverse`` undoes the patch instead.

    ``work`` counts the lines compared (a fresh budget if None)."""
    if fp.binary:
        raise PatchError(f"{fp.path}: binary patches are not supported")
    creates = fp.status == ("deleted" if reverse else "added")
    removes = fp.status == ("added" if reverse else "deleted")
    if creates and original is not None:
        raise PatchError(f"{fp.path}: already exists")
    if not creates and original is None:
        raise PatchError(f"{fp.path}: does not exist")
    work = work if work is not None else Work()
    lines = split_lines(original or "")
    floor = 0
    delta = 0
    for n, hunk in enumerate(fp.hunks, 1):
        before, after = hunk.image(new=reverse), hunk.image(new=not reverse)
        start = (hunk.new_start if reverse else hunk.old_start) - (1 if before else 0)
        at = _find(lines, before, start + delta, floor, work, fp.path)
        if at is None:
            raise PatchError(
                f"{fp.path}: hunk {n} does not apply (looked within {MAX_OFFSET} lines of "
                f"line {start + delta + 1}, where its header puts it)"
            )
        lines[at : at + len(before)] = after
        floor = at + len(after)
        delta = at - start + len(after) - len(before)
    result = "".join(lines)
    if removes:
        if result:
            raise PatchError(f"{fp.path}: file is not empty after its deletion")
        return None
    return result


def _find(
    lines: list[str], block: list[str], expected: int, floor: int, work: Work, path: str
) -> int | None:
    """Exact match of ``block`` nearest to ``expected``, at most ``MAX_OFFSET`` lines away
    and never before ``floor``. Each position tried costs ``work`` one compared line (its
    first), a position whose first line matches the block's length."""
    size = len(block)
    low = max(floor, expected - MAX_OFFSET)
    high = min(len(lines) - size, expected + MAX_OFFSET)
    if high < low:
        return None  # e.g. a header far past the end of the file: nothing to walk
    if not block:
        return min(max(expected, low), high)
    guess = min(max(expected, low), high)
    first = block[0]
    left = work.budget - work.compared
    tried = 0
    for distance in range(0, max(guess - low, high - guess) + 1):
        for at in (guess - distance, guess + distance) if distance else (guess,):
            if low <= at <= high:
                tried += 1
                if lines[at] == first:
                    tried += size - 1
                    if lines[at : at + size] == block:
                        work.spend(tried, path)
                        return at
        if tried > left:
            break
    work.spend(tried, path)  # raises when the budget is spent
    return None
