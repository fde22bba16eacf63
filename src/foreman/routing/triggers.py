"""Explicit triggers: slash commands in comments and ``foreman:<worker>`` labels.

Pure functions: text in, a parsed request out. Whether the person asking may
start the worker is decided elsewhere (``routing.trust``), through the API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from foreman.events.models import WorkItem

_FENCE = re.compile(r"^\s*(```|~~~)")
# Where a line ends for a reader of the rendered comment (CommonMark: LF, CRLF or a lone CR).
# Not str.splitlines(): it also breaks on U+2028, U+2029, U+0085, \v, \f and \x1c-\x1e, which
# render inside a line, so a command could hide mid-line in text the gate quotes (S17).
_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Request:
    worker: str | None  # None: the command named no worker (route normally)
    text: str  # extra instructions after the worker name (untrusted)
    source: str  # "command" | "label" | "dispatch"
    requester: str  # login of who asked


def parse_command(body: str, prefix: str) -> tuple[str | None, str] | None:
    """Find ``/foreman [worker] [text]`` at the start of a line outside code fences."""
    in_fence = False
    for line in _LINE_END.split(body):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        stripped = line.strip()
        if in_fence or not stripped.startswith(prefix):
            continue
        rest = stripped[len(prefix) :]
        if rest and not rest[0].isspace():
            continue  # "/foremanx" is not our command
        words = rest.split(maxsplit=1)
        if not words:
            return None, ""
        first = words[0].lower()
        extra = words[1] if len(words) > 1 else ""
        if re.fullmatch(r"[a-z][a-z0-9-]{0,39}", first):
            return first, extra
        return None, rest.strip()
    return None


def request_from(item: WorkItem, prefix: str, label_prefix: str) -> Request | None:
    """The explicit request this event carries, if any."""
    if item.dispatch is not None and item.dispatch.worker:
        return Request(item.dispatch.worker, "", "dispatch", item.sender.login)
    if item.event_name == "issue_comment" and item.comment is not None:
        parsed = parse_command(item.comment.body, prefix)
        if parsed is not None:
            worker, text = parsed
            return Request(worker, text, "command", item.comment.author.login)
        return None
    if item.action == "labeled" and item.added_label and item.added_label.startswith(label_prefix):
        name = item.added_label[len(label_prefix) :].strip().lower()
        if name:
            return Request(name, "", "label", item.sender.login)
    return None
