"""The writes, serially, item by item: re-read the item, write each proposal,
upsert the status comment, then label the item as handled.

A rate limit or a rejected token stops the run at once (the rest is reported
as not attempted); any other failed write is reported on its task and the
gate goes on with the others. Imported only when the gate really writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from foreman import actions
from foreman.errors import (
    AuthError,
    ForemanError,
    GitHubError,
    MovedError,
    NotFoundError,
    RateLimitedError,
)
from foreman.gate.base import Checkout
from foreman.gate.model import GateOptions, GateReport, ItemWork
from foreman.gate.status import render_item, upsert
from foreman.gate.writes.pull_request import PRWriter
from foreman.gate.writes.pulls import add_labels
from foreman.gate.writes.session import Session
from foreman.github.client import connect, github_errors
from foreman.github.identity import Identities, cache_key, own_login
from foreman.github.moved import check_same_item

if TYPE_CHECKING:
    from github.Repository import Repository

WRITES = frozenset({"pull-request", "merged", "pushed", "triaged"})


@dataclass
class ItemNow:
    state: str
    title: str
    labels: list[str]
    comments: int = -1  # -1: unknown


def read_item(repo: Repository, number: int, name: str) -> ItemNow:
    with github_errors():
        raw = repo.get_issue(number).raw_data  # the lazy issue is fetched here
    check_same_item(raw, name, number)  # a 301 (transferred) was followed: not ours now
    labels = [str(x["name"]) for x in raw.get("labels") or []]
    count = raw.get("comments")
    return ItemNow(
        str(raw.get("state")),
        str(raw.get("title") or ""),
        labels,
        count if isinstance(count, int) else -1,
    )


def _not_attempted(works: list[ItemWork], err: ForemanError) -> None:
    for work in works:
        for o in work.outcomes:
            if o.decision in WRITES:
                o.set("error", f"not attempted: {err.message}")
        if not work.comment_state:
            work.comment_state = "not posted"


def execute(report: GateReport, opts: GateOptions) -> None:
    try:
        if report.repo.count("/") != 1:
            raise GitHubError("no repository: the plan names none and GITHUB_REPOSITORY is unset")
        gh = connect(
            opts.token, base_url=opts.api_url, throttle=opts.throttle, timeout=opts.timeout,
            sleep=opts.wait,
        )  # fmt: skip
    except ForemanError as err:
        report.error = err
        _not_attempted(report.items, err)
        return
    lazy = gh.withLazy(True)
    try:
        key = cache_key(opts.token, opts.api_url)
        ours = Identities(opts.config.triggers.bot_logins, lambda: own_login(gh, key))
        session = Session(lazy.get_repo(report.repo), report.repo, opts, Checkout(opts.root), ours)
        for n, work in enumerate(report.items):
            try:
                write_item(session, work, report)
            except (RateLimitedError, AuthError) as err:
                report.error = err
                actions.annotate("error", f"gate stopped: {err.message}")
                _not_attempted(report.items[n:], err)
                break
    finally:
        lazy.close()
        gh.close()


def write_item(s: Session, work: ItemWork, report: GateReport) -> None:
    number = work.number
    cfg = s.opts.config
    if number is not None:
        try:
            now = read_item(s.repo, number, s.name)
        except NotFoundError as err:
            moved = isinstance(err, MovedError)
            what = err.message if moved else f"#{number} is gone ({err.message})"
            actions.info(f"{what}; the gate writes nothing for it")
            why = err.message if moved else f"#{number} no longer exists (deleted or transferred)"
            for o in work.outcomes:
                if o.decision not in ("rejected", "missing"):
                    o.set("skipped", why)
            work.comment_state = "skipped: item transferred" if moved else "skipped: item gone"
            return
        if now.state != "open":
            actions.info(f"#{number} is {now.state}; the gate writes nothing for it")
            for o in work.outcomes:
                if o.decision in WRITES:
                    o.set("skipped", f"#{number} was {now.state} when the gate ran")
            work.comment_state = f"skipped: item {now.state}"
            return
        work.current_title = now.title
    writer = PRWriter(s, work)
    for proposal in work.proposals:
        try:
            writer.write(proposal)
        except (RateLimitedError, AuthError) as err:
            writer.failed(proposal, err)  # what was done before is reported, then the run stops
            raise
        except GitHubError as err:
            report.error = report.error or err
            writer.failed(proposal, err)
    if number is None:
        return
    try:
        state, _ = upsert(
            s.repo,
            number,
            render_item(work, list(cfg.gate.ask)),
            s.identities,
            s.opts.wait,
            known_absent=now.comments == 0,  # an item without comments has no status comment
        )
        work.comment_state = state
        failed = any(o.decision == "error" for o in work.outcomes)
        handled = [] if failed else [cfg.gate.labels.handled]
        if any(n.human_label for n in work.notes):  # a foreman PR at its round limit (F07)
            handled.append(cfg.loops.human_label)
        have = {x.lower() for x in now.labels}
        wanted = [
            x for x in dict.fromkeys([*work.triage_labels, *handled]) if x.lower() not in have
        ]
        if wanted:
            add_labels(s.repo, number, wanted, s.opts.wait)
            work.labels_added = wanted
    except (RateLimitedError, AuthError):
        raise
    except GitHubError as err:
        report.error = report.error or err
        work.comment_state = work.comment_state or f"failed: {err.message}"
        if work.comment_state in ("created", "updated", "unchanged"):
            work.comment_state += f"; labels failed: {err.message}"
