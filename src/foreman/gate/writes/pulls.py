"""Pull requests: find by head (closed ones too), open or update, label, review, merge.

Every create is looked up first and reconciled after an ambiguous failure.
A merge names the head SHA the gate checked: if the branch moved since,
GitHub answers 409 and nothing is merged (C06).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from github import GithubException

from foreman.errors import GitHubError
from foreman.gate.codeowners import Owners
from foreman.github.client import github_errors
from foreman.github.reconcile import write_with_reconcile
from foreman.timelimit import Sleep

if TYPE_CHECKING:
    from github.PullRequest import PullRequest
    from github.Repository import Repository

ChecksState = Literal["green", "pending", "failing", "none"]
_BAD = {"failure", "cancelled", "timed_out", "action_required", "startup_failure", "stale"}


@dataclass
class Pull:
    number: int
    url: str
    state: str
    merged: bool
    draft: bool
    head_sha: str
    title: str
    body: str
    labels: list[str] = field(default_factory=list)
    obj: PullRequest | None = None


def _pull(pr: PullRequest) -> Pull:
    # Attributes only: a listed PR is not complete, and raw_data would fetch it again.
    return Pull(
        number=pr.number,
        url=pr.html_url or "",
        state=pr.state,
        merged=pr.merged_at is not None,
        draft=bool(pr.draft),
        head_sha=pr.head.sha,
        title=pr.title or "",
        body=pr.body or "",
        labels=[label.name for label in pr.labels],
        obj=pr,
    )


def find_pull(repo: Repository, owner: str, branch: str, *, open_only: bool = False) -> Pull | None:
    """The PR whose head is ``owner:branch``: an open one first, else the newest."""
    with github_errors():
        found = [_pull(p) for p in repo.get_pulls(state="all", head=f"{owner}:{branch}")]
    live = [p for p in found if p.state == "open"]
    if live or open_only:
        return live[0] if live else None
    return max(found, key=lambda p: p.number) if found else None


def open_pull(
    repo: Repository,
    owner: str,
    branch: str,
    base: str,
    title: str,
    body: str,
    *,
    draft: bool,
    sleep: Sleep,
) -> tuple[Pull, bool]:
    """Create the PR; an existing open one (G05 / G06) is returned instead. ``(pull, created)``."""
    made: list[bool] = []

    def write() -> Pull:
        pr = repo.create_pull(base=base, head=branch, title=title, body=body, draft=draft)
        made.append(True)
        return _pull(pr)

    pull = write_with_reconcile(
        write,
        lambda: find_pull(repo, owner, branch, open_only=True),
        sleep=sleep,
        what="open pull request",
    )
    return pull, bool(made)


def update_pull(pull: Pull, title: str, body: str, sleep: Sleep) -> bool:
    if pull.title == title and pull.body == body:
        return False
    pr = pull.obj
    assert pr is not None
    write_with_reconcile(
        lambda: pr.edit(title=title, body=body), lambda: None, sleep=sleep, what="update PR"
    )
    pull.title, pull.body = title, body
    return True


def add_labels(repo: Repository, number: int, names: list[str], sleep: Sleep) -> None:
    issue = repo.get_issue(number)  # lazy: no request
    write_with_reconcile(
        lambda: issue.add_to_labels(*names), lambda: None, sleep=sleep, what="add labels"
    )


def request_reviewers(pull: Pull, who: Owners, sleep: Sleep) -> str | None:
    """Ask for reviews; a refusal (e.g. not a collaborator) is a note, not a failure."""
    if not who.users and not who.teams:
        return None
    pr = pull.obj
    assert pr is not None
    try:
        write_with_reconcile(
            lambda: pr.create_review_request(reviewers=who.users, team_reviewers=who.teams),
            lambda: None,
            sleep=sleep,
            what="request reviewers",
        )
    except GitHubError as err:
        if _status(err) != 422:
            raise
        return f"reviewers could not be requested: {err.message}"
    return None


def checks(repo: Repository, sha: str) -> tuple[ChecksState, str]:
    """Check runs and commit statuses of ``sha``, folded into one state."""
    with github_errors():
        commit = repo.get_commit(sha)  # lazy
        runs = list(commit.get_check_runs())
        combined = commit.get_combined_status()
        statuses = combined.total_count
        overall = combined.state
    bad = [r.name for r in runs if r.status == "completed" and (r.conclusion or "") in _BAD]
    waiting = [r.name for r in runs if r.status != "completed"]
    if bad or (statuses and overall in ("failure", "error")):
        return "failing", f"failing: {', '.join(bad) or 'commit status ' + overall}"
    if waiting or (statuses and overall == "pending"):
        return "pending", f"still running: {', '.join(waiting) or 'commit statuses'}"
    if not runs and not statuses:
        return "none", "no check ran on this commit (PRs opened with GITHUB_TOKEN start no CI)"
    return "green", f"{len(runs)} check run(s), {statuses} status(es) passed"


def merge(pull: Pull, sha: str, method: str, sleep: Sleep) -> str | None:
    """Merge at exactly ``sha``. Returns ``None`` when merged, else why not (nothing merged)."""
    pr = pull.obj
    assert pr is not None

    def merged() -> bool | None:
        return True if pr.is_merged() else None

    try:
        write_with_reconcile(
            lambda: bool(
                pr.merge(
                    merge_method=method, sha=sha, commit_title=f"{pull.title} (#{pull.number})"
                ).merged
            ),
            merged,
            sleep=sleep,
            what="merge",
        )
    except GitHubError as err:
        status = _status(err)
        if status == 409:
            return "the PR head moved after the gate checked it (409); nothing was merged"
        if status in (405, 422):
            return f"GitHub refused the merge ({status}: {err.message}); nothing was merged"
        raise
    return None


def _status(err: GitHubError) -> int | None:
    cause = err.__cause__
    return cause.status if isinstance(cause, GithubException) else None
