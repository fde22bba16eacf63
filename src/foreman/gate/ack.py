"""The first response (U01): a 👀 reaction and the status comment listing the planned tasks.

Runs in its own job right after the plan, in parallel with the workers, from the plan file
alone: no repository code, no config, no bundles. It writes the same sticky status comment the
gate later updates (same marker, same token, so the gate finds it as its own), and costs three
REST calls: the reaction (whose answer names the token's login, so no identity look-up), one
page of comments, and the create or the update.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from foreman.contracts import STATUS_MARKER, ItemRef, Plan
from foreman.gate.status import Upsert, cell, upsert
from foreman.mdtext import code

if TYPE_CHECKING:
    from github import Github

    from foreman.settings import GitHubSettings

REACTION = "eyes"
_RUN_ID = re.compile(r"^[0-9]{1,20}$")
_SERVER = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~/-]*)?$")


@dataclass
class Acked:
    number: int
    reacted_as: str | None
    comment: Upsert


def skip_reason(plan: Plan, dry_run: bool) -> str | None:
    """Why the ack writes nothing: a dry run, a skipped plan, no tasks, not one item."""
    if dry_run or plan.dry_run:
        return "dry run: nothing is written"
    if plan.skipped is not None:
        return f"the plan skipped the event ({plan.skipped})"
    if not plan.tasks:
        return "no task planned (the gate reports any notes)"
    numbers = {t.item.number for t in plan.tasks}
    if len(numbers) != 1 or None in numbers:
        return "the plan is not about one issue or pull request (the gate reports per item)"
    if plan.repo.count("/") != 1:
        return "the plan names no repository"
    return None


def run_url(github: GitHubSettings) -> str | None:
    """``$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID``, if all look right."""
    server = github.server_url.rstrip("/")
    repo = github.repository
    run_id = github.run_id
    if not (
        _SERVER.match(server) and _RUN_ID.match(run_id) and re.fullmatch(r"[\w.-]+/[\w.-]+", repo)
    ):
        return None
    return f"{server}/{repo}/actions/runs/{run_id}"


def render(plan: Plan, item: ItemRef, url: str | None) -> str:
    tasks = [t for t in plan.tasks if t.item.number == item.number]
    n = len(tasks)
    where = f"[this run]({url})" if url else "this workflow run"
    lines = [
        STATUS_MARKER,
        "### agent-foreman",
        "",
        f"On it: {n} task{'s' if n != 1 else ''} planned; {where} shows the progress. This"
        " comment is updated when the work is done.",
        "",
        "| task | worker | why | decided by |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {code(t.id, cell=True)} | {cell(t.worker)} | {cell(t.reason)} | {t.layer} |"
        for t in tasks
    ]
    notes = [x for x in plan.notes if x.item in (item.number, None)]
    if notes:
        lines += ["", "**Notes**", ""]
        lines += [f"- {x.kind}: {cell(x.text, 500)}" for x in notes]
    return "\n".join(lines) + "\n"


def _react(gh: Github, repo: str, item: ItemRef) -> str | None:
    """Put 👀 on the comment that asked, else on the item; the login the token wrote as."""
    from foreman.github.client import github_errors

    path = (
        f"/repos/{repo}/issues/comments/{item.comment_id}/reactions"
        if item.comment_id
        else f"/repos/{repo}/issues/{item.number}/reactions"
    )
    with github_errors():
        _, data = gh.requester.requestJsonAndCheck("POST", path, input={"content": REACTION})
    user = data.get("user") if isinstance(data, dict) else None
    login = user.get("login") if isinstance(user, dict) else None
    return login if isinstance(login, str) and login else None


def acknowledge(
    plan: Plan,
    github: GitHubSettings,
    *,
    sleep: Callable[[float], None],
) -> Acked:
    """React and write the status comment for the plan's one item (``skip_reason`` is None)."""
    from foreman import actions
    from foreman.errors import GitHubError
    from foreman.github.client import connect
    from foreman.github.identity import cache_key, own_login

    item = plan.tasks[0].item
    assert item.number is not None
    gh = connect(github.token, base_url=github.api_url, throttle=github.throttle, sleep=sleep)
    lazy = gh.withLazy(True)
    try:
        try:
            login = _react(gh, plan.repo, item)
        except GitHubError as err:  # the comment still matters more than the reaction
            actions.annotate("warning", f"no reaction on #{item.number}: {err.message}")
            login = None
        ours = (
            [login]
            if login
            else [x for x in [own_login(gh, cache_key(github.token, github.api_url))] if x]
        )
        body = render(plan, item, run_url(github))
        state, _ = upsert(lazy.get_repo(plan.repo), item.number, body, ours, sleep)
        return Acked(item.number, login, state)
    finally:
        lazy.close()
        gh.close()
