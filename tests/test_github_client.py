"""foreman.github: connect, error translation, rate limits (G01-G03), reconciled writes."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import pytest
import requests
from github import BadCredentialsException, Github, GithubException, RateLimitExceededException
from github.Issue import Issue
from github.IssueComment import IssueComment
from github.PullRequest import PullRequest

from foreman.errors import AuthError, GitHubError, NotFoundError, RateLimitedError
from foreman.github.client import connect, github_errors, translate
from foreman.github.reconcile import write_with_reconcile
from foreman.settings import Settings
from tests.fakes.github import (
    FakeGitHub,
    primary_rate_limit,
    secondary_rate_limit,
    too_many_requests,
)

REPO = "octo/demo"
MARKER = "<!-- foreman:triage -->"


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def make_client(fake_github: FakeGitHub, waits: list[float]) -> Iterator[Callable[..., Github]]:
    clients: list[Github] = []

    def make(**kwargs: object) -> Github:
        options: dict[str, object] = {
            "base_url": fake_github.url,
            "throttle": False,
            "sleep": waits.append,
        }
        options.update(kwargs)
        token = options.pop("token", fake_github.write_token)
        gh = connect(token, **options)
        clients.append(gh)
        return gh

    yield make
    for gh in clients:
        gh.close()


@pytest.fixture
def gh(make_client: Callable[..., Github]) -> Github:
    return make_client()


@pytest.fixture
def issue(fake_github: FakeGitHub, gh: Github) -> Issue:
    return gh.get_repo(REPO).get_issue(fake_github.add_issue(REPO, "Crash on start"))


# -- connect -----------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "", "   "])
def test_connect_without_token_is_a_clear_auth_error(token: str | None) -> None:
    with pytest.raises(AuthError, match="no GitHub token"):
        connect(token)


def test_connect_base_url_from_settings_then_default(monkeypatch: pytest.MonkeyPatch) -> None:
    gh = connect("t0ken")
    assert gh.requester.base_url == "https://api.github.com"
    gh.close()
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9/")
    gh = connect("t0ken", base_url=Settings.from_env().github.api_url)
    assert gh.requester.base_url == "http://127.0.0.1:9"
    gh.close()


def test_connect_keeps_throttling_unless_told() -> None:
    prod, test = connect("t0ken"), connect("t0ken", throttle=False, timeout=0.2)
    assert prod.requester.kwargs["seconds_between_requests"] == 0.25
    assert prod.requester.kwargs["seconds_between_writes"] == 1.0
    assert test.requester.kwargs["seconds_between_requests"] == 0
    assert test.requester.kwargs["timeout"] == 1  # PyGithub wants whole seconds
    retry = prod.requester.kwargs["retry"]
    assert retry.total == 3 and "POST" not in retry.allowed_methods
    assert not {"PATCH", "PUT", "DELETE"} & set(retry.allowed_methods)
    prod.close()
    test.close()


def test_importing_foreman_does_not_import_pygithub() -> None:
    code = "import sys, foreman, foreman.cli; sys.exit('github' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# -- translate ---------------------------------------------------------------------------------


def test_translate_maps_github_exceptions() -> None:
    reset = int(time.time()) + 7200
    primary = RateLimitExceededException(
        403,
        {"message": "API rate limit exceeded for installation ID 1."},
        {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)},
    )
    cases = [
        (BadCredentialsException(401, {"message": "Bad credentials"}, {}), AuthError),
        (GithubException(404, {"message": "Not Found"}, {}), NotFoundError),
        (GithubException(410, {"message": "This issue was deleted"}, {}), NotFoundError),
        (primary, RateLimitedError),
        (GithubException(429, {"message": "slow down"}, {"Retry-After": "30"}), RateLimitedError),
        (
            GithubException(403, {"message": "Resource not accessible by integration"}, {}),
            GitHubError,
        ),
        (
            GithubException(
                422,
                {"message": "Validation Failed", "errors": [{"code": "invalid", "field": "head"}]},
                {},
            ),
            GitHubError,
        ),
        (requests.exceptions.RetryError("too many 502"), GitHubError),
        (requests.exceptions.ConnectionError("refused"), GitHubError),
        (requests.exceptions.ReadTimeout("slow"), GitHubError),
    ]
    for exc, kind in cases:
        assert type(translate(exc)) is kind, exc
    limited = translate(primary)
    assert isinstance(limited, RateLimitedError) and limited.reset_at == reset
    assert time.strftime("%Y-%m-%dT%H:%M", time.gmtime(reset)) in str(limited)
    assert "Resource not accessible by integration" in str(translate(cases[5][0]))
    assert "invalid" in str(translate(cases[6][0]))


def test_G08_bad_token_fails_fast_without_retries(
    fake_github: FakeGitHub, make_client: Callable[..., Github]
) -> None:
    token = "ghs_secretBadToken1234567890"
    gh = make_client(token=token, retries=5)
    with pytest.raises(AuthError) as exc, github_errors():
        gh.get_repo(REPO)
    assert fake_github.count() == 1
    assert "401" in str(exc.value) and token not in str(exc.value)


def test_G07_deleted_or_transferred_issue_is_not_found(fake_github: FakeGitHub, gh: Github) -> None:
    gone, moved = fake_github.add_issue(REPO, "a"), fake_github.add_issue(REPO, "b")
    repo = gh.get_repo(REPO)
    fake_github.delete_issue(REPO, gone)
    fake_github.transfer_issue(REPO, moved)
    for number in (gone, moved):
        with pytest.raises(NotFoundError), github_errors():
            repo.get_issue(number)


# -- rate limits -------------------------------------------------------------------------------


def test_G01_primary_limit_with_far_reset_raises_without_waiting(
    fake_github: FakeGitHub, gh: Github, issue: Issue, waits: list[float]
) -> None:
    fake_github.inject(primary_rate_limit(reset_in=3600, times=None))
    with pytest.raises(RateLimitedError, match="rate-limited until") as read, github_errors():
        issue.get_labels()[0]
    assert read.value.reset_at is not None and read.value.reset_at > time.time() + 3000
    with pytest.raises(RateLimitedError, match="rate-limited until"):
        write_with_reconcile(lambda: issue.create_comment("hi"), lambda: None, sleep=waits.append)
    assert waits == []
    assert fake_github.comments(REPO, issue.number) == []


def test_G01_primary_limit_with_near_reset_waits_then_succeeds(
    fake_github: FakeGitHub, gh: Github, issue: Issue, waits: list[float]
) -> None:
    fake_github.inject(primary_rate_limit(reset_in=20, route="issues/list-labels-on-issue"))
    assert list(issue.get_labels()) == []
    assert len(waits) == 1 and 19 <= waits[0] <= 22


def test_G02_secondary_limit_backs_off_then_gives_a_clear_error(
    fake_github: FakeGitHub, issue: Issue, waits: list[float]
) -> None:
    fake_github.inject(secondary_rate_limit(route="issues/list-labels-on-issue", times=None))
    with pytest.raises(RateLimitedError, match="secondary rate limit"), github_errors():
        list(issue.get_labels())
    assert waits == [15.0, 30.0, 60.0]  # exponential, capped by max_wait
    assert fake_github.count("issues/list-labels-on-issue") == 4


def test_G02_secondary_limit_on_a_write_is_retried_with_backoff(
    fake_github: FakeGitHub, issue: Issue, waits: list[float]
) -> None:
    fake_github.inject(secondary_rate_limit(route="issues/create-comment", times=2))
    comment = write_with_reconcile(
        lambda: issue.create_comment("hi"), lambda: None, sleep=waits.append
    )
    assert comment.body == "hi" and waits == [15.0, 30.0]
    assert len(fake_github.comments(REPO, issue.number)) == 1
    fake_github.inject(secondary_rate_limit(route="issues/create-comment", times=None))
    with pytest.raises(RateLimitedError, match="still rate-limited after 3 attempts"):
        write_with_reconcile(
            lambda: issue.create_comment("again"), lambda: None, sleep=waits.append
        )


def test_G03_429_without_retry_after_is_retried(
    fake_github: FakeGitHub, issue: Issue, waits: list[float]
) -> None:
    fake_github.inject(too_many_requests(route="issues/list-labels-on-issue", times=2))
    assert list(issue.get_labels()) == []
    assert waits == [15.0, 30.0]


def test_G03_retry_after_is_honoured(
    fake_github: FakeGitHub, issue: Issue, waits: list[float]
) -> None:
    fake_github.inject(too_many_requests(route="issues/list-labels-on-issue", retry_after=7))
    assert list(issue.get_labels()) == []
    assert waits == [7.0]


def test_G03_429_retry_after_beyond_budget_raises(
    fake_github: FakeGitHub, issue: Issue, waits: list[float]
) -> None:
    fake_github.inject(too_many_requests(route="issues/list-labels-on-issue", retry_after=900))
    with pytest.raises(RateLimitedError, match="rate-limited until"), github_errors():
        list(issue.get_labels())
    assert waits == []


# -- reconciled writes -------------------------------------------------------------------------


def find_marker(issue: Issue, login: str) -> Callable[[], IssueComment | None]:
    def lookup() -> IssueComment | None:
        return next(
            (c for c in issue.get_comments() if MARKER in c.body and c.user.login == login), None
        )

    return lookup


def test_G04_502_on_create_comment_that_was_created(
    fake_github: FakeGitHub, issue: Issue, waits: list[float]
) -> None:
    fake_github.inject(route="issues/create-comment", status=502, apply=True)
    comment = write_with_reconcile(
        lambda: issue.create_comment(f"{MARKER}\nTriage: bug"),
        find_marker(issue, fake_github.bot_login),
        sleep=waits.append,
    )
    assert MARKER in comment.body
    assert len(fake_github.comments(REPO, issue.number)) == 1
    assert fake_github.count("issues/create-comment") == 1


def test_502_that_did_not_create_is_written_again(
    fake_github: FakeGitHub, issue: Issue, waits: list[float]
) -> None:
    fake_github.inject(route="issues/create-comment", status=502)
    write_with_reconcile(
        lambda: issue.create_comment(MARKER),
        find_marker(issue, fake_github.bot_login),
        sleep=waits.append,
    )
    assert len(fake_github.comments(REPO, issue.number)) == 1
    assert fake_github.count("issues/create-comment") == 2 and waits == [1.0]


def pr_lookup(gh: Github, head: str) -> Callable[[], PullRequest | None]:
    def lookup() -> PullRequest | None:
        return next(iter(gh.get_repo(REPO).get_pulls(state="open", head=f"octo:{head}")), None)

    return lookup


def test_G05_500_on_create_pr_that_succeeded(
    fake_github: FakeGitHub, gh: Github, waits: list[float]
) -> None:
    fake_github.create_branch(REPO, "foreman/docs-1")
    fake_github.seed_files(REPO, {"docs/x.md": "x\n"}, branch="foreman/docs-1")
    repo = gh.get_repo(REPO)
    fake_github.inject(route="pulls/create", status=500, apply=True)
    pr = write_with_reconcile(
        lambda: repo.create_pull(base="main", head="foreman/docs-1", title="Docs", draft=True),
        pr_lookup(gh, "foreman/docs-1"),
        sleep=waits.append,
    )
    assert pr.head.ref == "foreman/docs-1"
    assert len(fake_github.pulls(REPO)) == 1 and fake_github.count("pulls/create") == 1


def test_G06_pull_request_already_exists_is_success(fake_github: FakeGitHub, gh: Github) -> None:
    fake_github.create_branch(REPO, "foreman/fix")
    fake_github.seed_files(REPO, {"a.py": "a = 1\n"}, branch="foreman/fix")
    repo = gh.get_repo(REPO)
    first = repo.create_pull(base="main", head="foreman/fix", title="Fix")
    again = write_with_reconcile(
        lambda: repo.create_pull(base="main", head="foreman/fix", title="Fix v2"),
        pr_lookup(gh, "foreman/fix"),
        sleep=lambda s: None,
    )
    assert again.number == first.number
    again.edit(title="Fix v2")
    assert [p.title for p in fake_github.pulls(REPO)] == ["Fix v2"]


def test_G10_write_that_times_out_is_reconciled(
    fake_github: FakeGitHub, make_client: Callable[..., Github], waits: list[float]
) -> None:
    gh = make_client(timeout=1)
    issue = gh.get_repo(REPO).get_issue(fake_github.add_issue(REPO, "slow"))
    fake_github.inject(route="issues/create-comment", status=None, delay=1.5, apply=True)
    comment = write_with_reconcile(
        lambda: issue.create_comment(MARKER),
        find_marker(issue, fake_github.bot_login),
        sleep=waits.append,
    )
    assert comment.body == MARKER
    assert len(fake_github.comments(REPO, issue.number)) == 1
    assert fake_github.count("issues/create-comment") == 1


def test_non_ambiguous_errors_propagate_without_lookup(
    fake_github: FakeGitHub, make_client: Callable[..., Github], issue: Issue
) -> None:
    ro = make_client(token=fake_github.read_token)
    read_only = ro.get_repo(REPO).get_issue(issue.number)
    looked: list[int] = []

    def lookup() -> None:
        looked.append(1)

    with pytest.raises(GitHubError, match="Resource not accessible by integration"):
        write_with_reconcile(lambda: read_only.create_comment("x"), lookup)
    fake_github.delete_issue(REPO, issue.number)
    with pytest.raises(NotFoundError):
        write_with_reconcile(lambda: issue.create_comment("x"), lookup)
    number = issue.number
    assert looked == [] and fake_github.comments(REPO, number) == []


def test_reconcile_gives_up_after_its_attempts(
    fake_github: FakeGitHub, issue: Issue, waits: list[float]
) -> None:
    fake_github.inject(route="issues/create-comment", status=503, times=None)
    with pytest.raises(GitHubError, match=r"comment failed after 3 attempts: .*503"):
        write_with_reconcile(
            lambda: issue.create_comment(MARKER),
            find_marker(issue, fake_github.bot_login),
            sleep=waits.append,
            what="comment",
        )
    assert fake_github.count("issues/create-comment") == 3
    assert waits == [1.0, 2.0]
