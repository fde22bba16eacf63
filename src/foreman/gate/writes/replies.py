"""After a review round's push: one answer in each review thread the round addressed (F04).

Each answer carries the reply marker, so it is never read as a request (no new round).
A failed answer is reported on the task; the push stands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from foreman.contracts import REPLY_MARKER
from foreman.errors import AuthError, GitHubError, RateLimitedError
from foreman.gate.model import Proposal
from foreman.github.client import github_errors
from foreman.github.reconcile import write_with_reconcile

if TYPE_CHECKING:
    from github.Repository import Repository

MAX_REPLIES = 30


def reply_text(sha: str, task_id: str) -> str:
    return f"{REPLY_MARKER}\nAddressed in {sha[:7]} (foreman task `{task_id}`)."


def answer_threads(
    repo: Repository,
    number: int,
    p: Proposal,
    sha: str,
    step: Callable[[Proposal, str], None],
    sleep: Callable[[float], None],
) -> None:
    wanted = [(cid, m.task_id) for m in p.members for cid in m.bundle.task.reply_to]
    if not wanted:
        return
    base = f"{repo.url}/pulls/{number}/comments"
    done = 0
    try:
        for cid, task_id in wanted[:MAX_REPLIES]:
            body = reply_text(sha, task_id)

            def post(cid: int = cid, body: str = body) -> Any:
                with github_errors():
                    return repo.requester.requestJsonAndCheck(
                        "POST", f"{base}/{cid}/replies", input={"body": body}
                    )

            def posted(cid: int = cid, body: str = body) -> Any:
                with github_errors():
                    _, data = repo.requester.requestJsonAndCheck(
                        "GET", base, parameters={"per_page": 100}
                    )
                return next(
                    (c for c in data or [] if c.get("in_reply_to_id") == cid
                     and c.get("body") == body), None,
                )  # fmt: skip

            write_with_reconcile(post, posted, sleep=sleep, what="answer a review thread")
            done += 1
    except (RateLimitedError, AuthError):
        raise
    except GitHubError as err:
        step(p, f"answered {done} of {len(wanted)} review threads; then: {err.message}")
        return
    step(p, f"answered {done} review thread(s)")
