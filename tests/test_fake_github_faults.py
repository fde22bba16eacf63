"""FakeGitHub: authentication, fault injection, rate-limit headers, request log, threads."""

from __future__ import annotations

import threading

import pytest
import requests
from github import Auth, Github, GithubException

from foreman.github.client import connect
from tests.fakes.github import FakeGitHub, Fault

REPO = "octo/demo"


@pytest.fixture
def gh(fake_github: FakeGitHub) -> Github:
    return fake_github.client()


def test_bad_or_missing_token_is_401(fake_github: FakeGitHub) -> None:
    bad = fake_github.client(token="ghs_not_a_real_token")
    with pytest.raises(GithubException) as exc:
        bad.get_repo(REPO)
    assert exc.value.status == 401 and exc.value.data["message"] == "Bad credentials"
    r = requests.get(f"{fake_github.url}/repos/{REPO}", timeout=5)
    assert r.status_code == 401


def test_P03_read_token_cannot_write(fake_github: FakeGitHub) -> None:
    number = fake_github.add_issue(REPO, "x")
    ro = fake_github.client(token=fake_github.read_token)
    issue = ro.get_repo(REPO).get_issue(number)  # reads are fine
    with pytest.raises(GithubException) as exc:
        issue.create_comment("sneaky")
    assert exc.value.status == 403
    assert exc.value.data["message"] == "Resource not accessible by integration"
    assert fake_github.comments(REPO, number) == []


@pytest.mark.parametrize("retries", [0, 1, 3])
def test_502_on_a_read_is_retried_exactly_as_configured(
    fake_github: FakeGitHub, retries: int
) -> None:
    waits: list[float] = []
    gh = connect(
        fake_github.write_token,
        base_url=fake_github.url,
        retries=retries,
        throttle=False,
        sleep=waits.append,
    )
    try:
        fake_github.inject(route="repos/get", status=502, times=None)
        with pytest.raises(GithubException) as exc:
            gh.get_repo(REPO)
        assert exc.value.status == 502
        assert fake_github.count("repos/get") == retries + 1
        assert waits == [1.0, 2.0, 4.0][:retries]
    finally:
        gh.close()


def test_502_on_a_write_is_not_retried_by_the_transport(fake_github: FakeGitHub) -> None:
    number = fake_github.add_issue(REPO, "x")
    gh = connect(
        fake_github.write_token,
        base_url=fake_github.url,
        retries=5,
        throttle=False,
        sleep=lambda s: None,
    )
    try:
        issue = gh.get_repo(REPO).get_issue(number)
        fake_github.inject(route="issues/create-comment", status=502, times=None)
        with pytest.raises(GithubException):
            issue.create_comment("once")
        assert fake_github.count("issues/create-comment") == 1
    finally:
        gh.close()


def test_apply_then_fail_really_applies(fake_github: FakeGitHub, gh: Github) -> None:
    number = fake_github.add_issue(REPO, "x")
    rule = fake_github.inject(Fault(route="issues/create-comment", status=502, apply=True))
    issue = gh.get_repo(REPO).get_issue(number)
    with pytest.raises(GithubException) as exc:
        issue.create_comment("did it land?")
    assert exc.value.status == 502 and rule.hits == 1
    assert [c.body for c in fake_github.comments(REPO, number)] == ["did it land?"]
    issue.create_comment("second")  # the rule is used up
    assert len(fake_github.comments(REPO, number)) == 2


def test_fault_matching_by_path_and_method(fake_github: FakeGitHub, gh: Github) -> None:
    fake_github.inject(method="GET", path=r"/labels$", status=503, times=2)
    repo = gh.get_repo(REPO)
    for _ in range(2):
        with pytest.raises(GithubException) as exc:
            list(repo.get_labels())
        assert exc.value.status == 503
    assert list(repo.get_labels()) == []


def test_rate_limit_headers_and_exhaustion(fake_github: FakeGitHub) -> None:
    fake_github.set_rate_limit(remaining=2, reset_in=600)
    headers = {"Authorization": f"Bearer {fake_github.write_token}"}
    url = f"{fake_github.url}/repos/{REPO}"
    first = requests.get(url, headers=headers, timeout=5)
    assert first.headers["x-ratelimit-remaining"] == "1"
    assert first.headers["x-ratelimit-limit"] == "5000"
    assert first.headers["x-ratelimit-resource"] == "core"
    assert first.headers["x-ratelimit-used"] == "4999"
    assert requests.get(url, headers=headers, timeout=5).status_code == 200
    limited = requests.get(url, headers=headers, timeout=5)
    assert limited.status_code == 403
    assert limited.json()["message"].startswith("API rate limit exceeded")
    assert limited.headers["x-ratelimit-remaining"] == "0"


def test_request_log(fake_github: FakeGitHub, gh: Github) -> None:
    number = fake_github.add_issue(REPO, "x")
    issue = gh.get_repo(REPO).get_issue(number)
    issue.create_comment("a")
    assert [(w.method, w.route, w.status) for w in fake_github.writes] == [
        ("POST", "issues/create-comment", 201)
    ]
    assert fake_github.writes[0].body == {"body": "a"}
    assert fake_github.counts() == {"repos/get": 1, "issues/get": 1, "issues/create-comment": 1}
    fake_github.reset_log()
    assert fake_github.requests == []


def test_parallel_clients(fake_github: FakeGitHub) -> None:
    number = fake_github.add_issue(REPO, "busy")
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            client = Github(
                base_url=fake_github.url,
                auth=Auth.Token(fake_github.write_token),
                retry=None,
                seconds_between_requests=0,
                seconds_between_writes=0,
            )
            issue = client.get_repo(REPO).get_issue(number)
            for i in range(5):
                issue.create_comment(f"{n}-{i}")
            client.close()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    comments = fake_github.comments(REPO, number)
    assert len(comments) == 40 and len({c.id for c in comments}) == 40
