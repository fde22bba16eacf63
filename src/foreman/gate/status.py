"""The one sticky status comment per item: rendered (pure), then found and upserted.

The comment is found by the hidden :data:`STATUS_MARKER` *and* an author in
``triggers.bot_logins`` or the login the gate's token writes as (S17: a person's
token, an app) — a copy of the marker posted by anyone else is ignored (H09) —
across every page of comments (G09). It renders states, not
events, so a re-run with the same inputs produces the same text and writes
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Literal

from foreman.actions import md_escape
from foreman.contracts import STATUS_MARKER, Note, Usage
from foreman.gate.model import ASKS, DECISION_TEXT, GateOutcome, ItemWork
from foreman.gate.texts import untrusted_block, untrusted_line
from foreman.mdtext import code
from foreman.timelimit import Sleep

if TYPE_CHECKING:
    from github.IssueComment import IssueComment
    from github.Repository import Repository

Upsert = Literal["created", "updated", "unchanged"]


def cell(text: str | None, max_chars: int = 300) -> str:
    return md_escape(untrusted_line(text, max_chars=max_chars)) or "-"


def usage_text(usage: Usage | None) -> str:
    if usage is None or not (usage.turns or usage.input_tokens or usage.output_tokens):
        return "-"
    tokens = usage.input_tokens + usage.output_tokens
    shown = f"{tokens / 1000:.1f}k" if tokens >= 1000 else str(tokens)
    return f"{usage.turns} turns · {shown} tokens"


def sandbox_warnings(outcomes: Sequence[GateOutcome]) -> list[str]:
    """A warning line per task whose commands ran unboxed or with the network."""
    lines = [
        f"> [!WARNING]\n> `{md_escape(o.task_id)}`: {md_escape(o.sandbox.warning)}"
        for o in outcomes
        if o.sandbox is not None and o.sandbox.warning
    ]
    return [*lines, ""] if lines else []


def render(
    outcomes: Sequence[GateOutcome],
    notes: Sequence[Note],
    triage: Sequence[tuple[str, str]],
    ask: Sequence[str],
) -> str:
    """The comment body. ``triage``: (worker, comment text) pairs."""
    lines = [STATUS_MARKER, "### agent-foreman", ""]
    if outcomes:
        lines += [
            "| task | worker | decision | PR | reason | usage |",
            "|---|---|---|---|---|---|",
        ]
        for o in outcomes:
            pr = f"#{o.pr_number}" if o.pr_number else "-"
            lines.append(
                f"| {code(o.task_id, cell=True)} | {md_escape(o.worker)} | "
                f"{DECISION_TEXT[o.decision]} | {pr} | {cell(o.reason)} | {usage_text(o.usage)} |"
            )
        lines.append("")
    lines += sandbox_warnings(outcomes)
    if notes:
        lines += ["**Notes**", ""]
        lines += [f"- {n.kind}: {cell(n.text, 500)}" for n in notes]
        lines.append("")
    for worker, text in triage:
        lines += [f"**From {md_escape(worker)}:**", ""]
        lines += [
            "> " + ln if ln else ">" for ln in untrusted_block(text, max_chars=4000).split("\n")
        ]
        lines.append("")
    wants_human = any(o.decision in ASKS for o in outcomes) or any(
        n.kind in ("ask-human", "refused") for n in notes
    )
    if wants_human:
        who = " ".join(a if a.startswith("@") else "@" + a for a in ask)
        ask_line = "a maintainer's decision is needed here."
        lines += [f"{who}: {ask_line}" if who else ask_line.capitalize(), ""]
    return "\n".join(lines).rstrip() + "\n"


def render_item(work: ItemWork, ask: Sequence[str]) -> str:
    """Render ``work``'s status comment and keep it on ``work.comment``."""
    work.comment = render(work.outcomes, work.notes, work.triage_comments, ask)
    return work.comment


def _ours(comment: IssueComment, bots: set[str]) -> bool:
    body = comment.body or ""
    return STATUS_MARKER in body and comment.user is not None and comment.user.login.lower() in bots


def find(repo: Repository, number: int, bot_logins: Iterable[str]) -> IssueComment | None:
    """The oldest status comment written by one of our identities (every page is read)."""
    from foreman.github.client import github_errors

    bots = {b.lower() for b in bot_logins}
    with github_errors():
        for comment in repo.get_issue(number).get_comments():
            if _ours(comment, bots):
                return comment
    return None


def upsert(
    repo: Repository,
    number: int,
    body: str,
    bot_logins: Iterable[str],
    sleep: Sleep,
    *,
    known_absent: bool = False,
) -> tuple[Upsert, IssueComment]:
    """Create or update the status comment; ``known_absent`` skips the look-up (no comments)."""
    from foreman.github.reconcile import write_with_reconcile

    bots = bot_logins  # iterated only when a look-up is needed (it may cost a request)
    existing = None if known_absent else find(repo, number, bots)
    if existing is not None:
        if existing.body == body:
            return "unchanged", existing
        write_with_reconcile(
            lambda: existing.edit(body), lambda: None, sleep=sleep, what="update status comment"
        )
        return "updated", existing
    issue = repo.get_issue(number)  # lazy: no request
    made = write_with_reconcile(
        lambda: issue.create_comment(body),
        lambda: find(repo, number, bots),
        sleep=sleep,
        what="create status comment",
    )
    return "created", made
