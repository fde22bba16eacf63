"""The inbox sweep: pull open issues/PRs nobody has handled into the plan.

Runs on ``schedule`` and on ``workflow_dispatch`` with ``mode: inbox``. An item
counts as handled when it carries the handled label (set by the gate) or has
the gate's status comment written by the bot. The foreman's own items are
skipped (S23), as their live events are: those authored by a login in
``triggers.bot_logins``, and PRs from one of the gate's branches in this
repository (whatever token opened them: only the gate and people with write
access push such branches). Listing costs one call per 100 open items; per
candidate the sweep spends at most one call (its comments, only when it has
any) plus one for a PR's refs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from foreman import actions
from foreman.config.models import Config
from foreman.contracts import STATUS_MARKER, Note, Plan
from foreman.events.models import Actor, WorkItem
from foreman.routing.brief import item_ref
from foreman.routing.fetch import Reader, association_of, is_pull_request
from foreman.routing.outsiders import from_the_gate
from foreman.settings import LLMSettings

RESERVE = 50  # never spend the repository's last requests on a sweep


def _is_handled(issue: Any, config: Config, bots: set[str], reader: Reader) -> bool:
    if int(getattr(issue, "comments", 0) or 0) == 0:
        return False
    reader.calls += 1
    for comment in issue.get_comments():
        if STATUS_MARKER in (comment.body or "") and comment.user.login.lower() in bots:
            return True
    return False


def _to_item(issue: Any, sweep: WorkItem, reader: Reader) -> WorkItem:
    is_pr = is_pull_request(issue)
    pull = reader.pull_info(issue.number) if is_pr else None
    return WorkItem(
        event_name="pull_request" if is_pr else "issues",
        action="opened",
        repo=sweep.repo,
        default_branch=sweep.default_branch,
        sender=sweep.sender,
        number=issue.number,
        kind="pull_request" if is_pr else "issue",
        title=issue.title or "",
        body=issue.body or "",
        labels=[label.name for label in issue.labels],
        author=Actor(
            login=issue.user.login,
            type=issue.user.type or "User",
            association=association_of(issue),
        ),
        state=issue.state,
        locked=bool(issue.locked),
        html_url=issue.html_url,
        pull=pull,
    )


def select(config: Config, reader: Reader, sweep: WorkItem) -> tuple[list[WorkItem], list[str]]:
    """The unhandled items to route this run, newest first, and notices."""
    inbox = config.inbox
    handled = config.gate.labels.handled.lower()
    excluded = {x.lower() for x in inbox.exclude_labels} | {handled}
    bots = {b.lower() for b in config.triggers.bot_logins}
    picked: list[WorkItem] = []
    notices: list[str] = []
    listing = reader.repo().get_issues(state="open", sort="created", direction="desc")
    for index, issue in enumerate(listing):
        if index % 100 == 0:
            reader.calls += 1  # one listing page
        if len(picked) >= inbox.max_per_run:
            break
        remaining = reader.rate_remaining()
        if reader.calls >= inbox.request_budget or (remaining is not None and remaining < RESERVE):
            notices.append(
                f"sweep stopped early after {reader.calls} requests "
                f"(budget {inbox.request_budget}, rate limit remaining {remaining})"
            )
            break
        if issue.locked or {label.name.lower() for label in issue.labels} & excluded:
            continue
        if is_pull_request(issue) and (not inbox.include_pull_requests or issue.draft):
            continue
        if issue.user is not None and issue.user.login.lower() in bots:
            continue  # the foreman's own item (S23)
        if _is_handled(issue, config, bots, reader):
            continue
        item = _to_item(issue, sweep, reader)
        if from_the_gate(item, config):
            continue
        picked.append(item)
    return picked, notices


def sweep_plan(
    sweep: WorkItem,
    config: Config,
    *,
    reader: Reader,
    root: Path,
    dry_run: bool,
    learned: Path | None = None,
    llm: LLMSettings | None = None,
) -> Plan:
    from foreman.github.client import github_errors
    from foreman.routing.planner import plan_item

    base = Plan(repo=sweep.repo, event_name=sweep.event_name, action="inbox", dry_run=dry_run)
    if not reader.available:
        base.skipped = "the inbox sweep needs a GitHub token to list issues"
        return base
    with github_errors():
        items, notices = select(config, reader, sweep)
    for item in items:
        sub = plan_item(item, config, reader=reader, root=root, dry_run=dry_run, learned=learned,
                        llm=llm)  # fmt: skip
        base.items.append(item_ref(item))
        base.tasks.extend(sub.tasks)
        base.notes.extend(sub.notes)
        base.llm_calls += sub.llm_calls
        base.llm_tokens += sub.llm_tokens
    for text in notices:
        actions.annotate("notice", text)
        base.notes.append(Note(kind="info", text=text))
    if not items:
        base.skipped = "inbox is empty: every open item is handled, excluded or a draft"
    base.rest_calls = reader.calls
    per_item = reader.calls / len(items) if items else 0.0
    actions.info(
        f"inbox: {len(items)} item(s) routed, {reader.calls} REST calls ({per_item:.1f}/item)"
    )
    return base
