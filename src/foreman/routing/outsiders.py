"""Who an event's LLM routing call would be spent for, and whether they may spend it (S16).

Anyone can comment ``/foreman`` or edit an issue as often as they like; an LLM routing
call for each would let anyone spend the repository's budget. So the LLM router is asked
only on behalf of people with write access (checked through the API, as for code-writing
workers), unless ``routing.llm.outsiders: opened`` allows the one event that opens an
outsider's issue or PR. The refusal is a note with the same text every time, so the
item's one status comment shows it once however often it is repeated.

Also here: whether an item is the foreman's own pull request, which no login can tell
when the gate writes with a person's token (S17, S23).
"""

from __future__ import annotations

from collections.abc import Callable

from foreman.config.models import Config
from foreman.events.models import Actor, WorkItem

IsTrusted = Callable[[str], bool]
NOTE = (
    "Routed without the LLM: the request came from someone without write access"
    " (routing.llm.outsiders)."
)
_MEMBERS = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})


def requester(item: WorkItem) -> Actor:
    """The person the event acts for: a comment's author, an opened item's author (also in
    an inbox sweep), else the event's sender."""
    if item.comment is not None:
        return item.comment.author
    if item.action == "opened" and item.author is not None:
        return item.author
    return item.sender


def from_the_gate(item: WorkItem, config: Config) -> bool:
    """A PR from one of the gate's branches in this repository: the foreman's own, whoever's
    token opened it (only the gate and people with write access push such branches)."""
    pull = item.pull
    return (
        item.event_name != "issue_comment"
        and pull is not None
        and not pull.is_fork
        and pull.head_ref.startswith(config.gate.branch_prefix)
    )


def llm_refusal(item: WorkItem, config: Config, is_trusted: IsTrusted | None) -> str | None:
    """Why the LLM must not route ``item`` (a few words), or None when it may."""
    if item.dispatch is not None:
        return None  # running workflow_dispatch already requires write access
    opened = item.comment is None and item.action == "opened"
    if opened and config.routing.llm.outsiders == "opened":
        return None
    actor = requester(item)
    if actor.login.lower() == item.repo.split("/")[0].lower() or actor.association == "OWNER":
        return None  # the repository's owner: admin rights, no API call needed
    if is_trusted is None:  # no token: the payload's association is all there is
        return None if actor.association in _MEMBERS else f"@{actor.login} is not a member"
    return None if is_trusted(actor.login) else f"@{actor.login} does not have write access"
