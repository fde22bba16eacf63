"""The plan's few GitHub reads (never writes). Imported only when a read is needed.

* ``workflow_dispatch`` naming a number: the issue (1 call; +1 for a PR's refs);
* a PR whose rules look at changed paths: the file list (1 call per 100 files);
* a code-writing worker for someone who is not the repo owner: their permission (1 call).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from foreman.errors import NotFoundError
from foreman.events.models import Actor, PullInfo, WorkItem

if TYPE_CHECKING:
    from github import Github
    from github.Repository import Repository

    from foreman.settings import GitHubSettings


@dataclass
class Reader:
    token: str | None
    repo_name: str
    base_url: str | None = None
    throttle: bool = True
    own_workflow: str | None = None  # the workflow running the foreman (a loop skips its runs)
    calls: int = 0
    _gh: Any = field(default=None, repr=False)
    _repo: Any = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, github: GitHubSettings, repo_name: str) -> Reader:
        return cls(
            token=github.token,
            repo_name=repo_name,
            base_url=github.api_url,
            throttle=github.throttle,
            own_workflow=github.own_workflow,
        )

    @property
    def available(self) -> bool:
        return bool(self.token)

    def repo(self) -> Repository:
        if self._repo is None:
            from foreman.github.client import connect

            gh: Github = connect(self.token, base_url=self.base_url, throttle=self.throttle)
            self._gh = gh.withLazy(True)  # no request until an attribute is needed
            self._repo = self._gh.get_repo(self.repo_name)
        repo: Repository = self._repo
        return repo

    def rate_remaining(self) -> int | None:
        """Requests left, from the last response's headers (no request of its own)."""
        if self._gh is None:
            return None
        try:
            remaining, _limit = self._gh.rate_limiting
        except Exception:  # pragma: no cover - PyGithub internals
            return None
        return int(remaining) if remaining is not None and remaining >= 0 else None

    def pull_info(self, number: int) -> PullInfo:
        """A PR's head and base (one request)."""
        pr = self.repo().get_pull(number)
        self.calls += 1
        head_repo = pr.head.repo.full_name if pr.head.repo is not None else None
        return PullInfo(
            head_ref=pr.head.ref,
            head_sha=pr.head.sha,
            head_repo=head_repo,
            base_ref=pr.base.ref,
            base_sha=pr.base.sha,
            draft=bool(pr.draft),
            is_fork=head_repo != self.repo_name,
        )

    def fetch_item(self, item: WorkItem, number: int) -> WorkItem:
        """Fill a dispatch item with the current state of issue/PR ``number``."""
        from foreman.github.client import github_errors
        from foreman.github.moved import check_same_item

        with github_errors():
            issue = self.repo().get_issue(number)
            self.calls += 1
            check_same_item(issue.raw_data, self.repo_name, number)  # 301: transferred
            pull = self.pull_info(number) if issue.pull_request is not None else None
        user = issue.user
        return item.model_copy(
            update={
                "number": number,
                "kind": "pull_request" if pull is not None else "issue",
                "title": issue.title or "",
                "body": issue.body or "",
                "labels": [label.name for label in issue.labels],
                "author": Actor(
                    login=user.login, type=user.type or "User", association=association_of(issue)
                ),
                "state": issue.state,
                "locked": bool(issue.locked),
                "html_url": issue.html_url,
                "pull": pull,
                "needs_fetch": False,
            }
        )

    def changed_files(self, number: int) -> list[str]:
        from foreman.github.client import github_errors

        with github_errors():
            files = self.repo().get_pull(number).get_files()
            out = [f.filename for f in files]
        self.calls += 1 + len(out) // 100  # the lazy PR object costs no request
        return out

    def has_permission(self, login: str, allowed: Iterable[str]) -> bool:
        from foreman.github.client import github_errors

        repo = self.repo()
        url = f"{repo.url}/collaborators/{quote(login, safe='')}/permission"
        try:
            with github_errors():
                _, data = repo.requester.requestJsonAndCheck("GET", url)
        except NotFoundError:
            return False
        finally:
            self.calls += 1
        # ``role_name`` is the role (admin, maintain, write, triage, read or a custom role's
        # name); ``permission`` the legacy level, which folds maintain into write and triage
        # into read (PyGithub's get_collaborator_permission returns only that one, so
        # ``code_permission: [maintain]`` could never match it). Either may satisfy the list.
        levels = set(allowed)
        return data.get("role_name") in levels or data.get("permission") in levels


def association_of(issue: Any) -> str:
    value = getattr(issue, "author_association", None)
    return value if isinstance(value, str) and value else "NONE"


def is_pull_request(issue: Any) -> bool:
    """Whether a listed issue is a PR, without a request.

    PyGithub re-fetches an issue to read the absent ``pull_request`` key of a
    plain issue; a PR's ``html_url`` always ends in ``/pull/<number>``.
    """
    return f"/pull/{issue.number}" in (issue.html_url or "")
