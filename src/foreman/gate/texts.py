"""Every text the gate publishes: PR titles and bodies, commit messages.

Worker text is untrusted: it is sanitised (hidden content removed), defused
(no @-mentions, no closing keywords, no markers) and redacted before it is
written anywhere. Only the gate itself writes "Fixes #N".
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from foreman.actions import md_escape, redact
from foreman.contracts import TASK_TRAILER, TRAILER, ItemRef, Result
from foreman.gate.model import Assessment
from foreman.mdtext import code
from foreman.sanitize import one_line, sanitize

_MENTION = re.compile(r"(?<![\w`])@(?=[A-Za-z0-9])")
_CLOSING = re.compile(
    r"\b(close[sd]?|fix(?:e[sd])?|resolve[sd]?)(\s*:?\s+)((?:[\w.-]+/[\w.-]+)?#\d+)",
    re.IGNORECASE,
)
_ZWSP = "\u200b"
MAX_BODY = 6000


def defuse(text: str) -> str:
    """Untrusted markdown that pings nobody and closes nothing."""
    text = _MENTION.sub("@" + _ZWSP, text)
    return _CLOSING.sub(
        lambda m: f"{m.group(1)}{m.group(2)}{m.group(3).replace('#', '#' + _ZWSP)}", text
    )


def untrusted_block(text: str | None, *, max_chars: int = MAX_BODY) -> str:
    clean = sanitize(text, max_chars=max_chars)
    out = defuse(redact(clean.text))
    if clean.truncated:
        out += f"\n\n_(truncated from {clean.original_chars} characters)_"
    return out


def untrusted_line(text: str | None, *, max_chars: int = 120) -> str:
    return defuse(redact(one_line(text, max_chars=max_chars)))


def digest(patches: Sequence[str], branch: str) -> str:
    h = hashlib.sha256(branch.encode())
    for patch in patches:
        h.update(b"\0" + patch.encode("utf-8", "surrogateescape"))
    return h.hexdigest()[:20]


def pr_title(members: Sequence[Assessment], item: ItemRef | None) -> str:
    first = members[0]
    title = untrusted_line(first.bundle.result.title, max_chars=100)
    if not title:
        about = untrusted_line(item.title, max_chars=80) if item and item.title else ""
        title = f"{first.worker}: {about}" if about else f"{first.worker} change"
    if len(members) > 1:
        title += f" (with {', '.join(m.worker for m in members[1:])})"
    return title


def commit_message(title: str, members: Sequence[Assessment], patch_digest: str) -> str:
    tasks = ", ".join(m.task_id for m in members)
    return f"{title}\n\n{TASK_TRAILER}: {tasks}\n{TRAILER}: {patch_digest}\n"


def trailer(message: str) -> str | None:
    """The ``Foreman-Patch`` digest of a commit message, if it is one of ours."""
    for line in reversed(message.splitlines()):
        if line.startswith(f"{TRAILER}: "):
            return line.split(": ", 1)[1].strip()
    return None


def _tests(r: Result) -> list[str]:
    rows = []
    for t in r.tests[:10]:
        rows.append(
            f"| {code(one_line(t.command, max_chars=80), cell=True)} | {t.before} | {t.after} |"
        )
    if not rows:
        return ["No test ran in the worker."]
    return ["| command | before | after |", "|---|---|---|", *rows]


def pr_body(
    members: Sequence[Assessment],
    item: ItemRef | None,
    *,
    current_title: str | None = None,
    draft_reasons: Sequence[str] = (),
) -> str:
    lines: list[str] = []
    if item is not None and item.number is not None:
        about = md_escape(
            untrusted_line(current_title if current_title is not None else item.title)
        )
        fixes = item.kind == "issue" and all(m.bundle.result.fixes_issue for m in members)
        lines += [
            f"{'Fixes' if fixes else 'Refs'} #{item.number}" + (f" — {about}" if about else ""),
            "",
        ]
    for m in members:
        r = m.bundle.result
        lines += [f"### {md_escape(m.worker)} (task {code(m.task_id)})", ""]
        body = untrusted_block(r.body)
        if body:
            lines += [body, ""]
        lines += _tests(r)
        if r.review is not None:
            lines += ["", f"Reviewer verdict: **{r.review.verdict.replace('_', ' ')}**"]
        lines.append("")
    if draft_reasons:
        lines += [f"This PR is a draft: {'; '.join(dict.fromkeys(draft_reasons))}.", ""]
    lines.append(
        "_Proposed by agent-foreman. The patch was checked against the repository's policy "
        "(allowed paths, protected paths, size, secrets, tests) before it was written._"
    )
    return "\n".join(lines)
