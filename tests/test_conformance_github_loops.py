"""FakeGitHub's loops routes against ``openapi-loops.json`` (../shared, skipped when absent).

Workflow runs, their jobs and job logs (a 302 whose target the fake serves too), review
comments and replies, single reviews and a PR's commits, called through PyGithub as the
foreman calls them; each answer is validated against its operation's response schema and
each request body against its ``requestBody`` schema.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from github import Github

from tests.fakes.github import FakeGitHub, JobSeed, LoggedRequest
from tests.support.sharedref import shared_path
from tests.test_conformance_github_rest import operations, resolve, response_schema, validator

pytestmark = pytest.mark.shared
REPO = "octo/demo"
# Exercised in test_conformance_github_reactions.py (the ack job's reactions), or in the file
# but not used by the foreman, so not in the fake (caches).
NOT_SERVED = {
    "reactions/list-for-issue",
    "reactions/create-for-issue",
    "reactions/list-for-issue-comment",
    "reactions/create-for-issue-comment",
    "actions/get-actions-cache-list",
}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    path = shared_path("reference", "github-rest", "openapi-loops.json")
    return json.loads(path.read_text())


def exercise(fake: FakeGitHub, gh: Github) -> dict[str, Any]:
    repo = gh.get_repo(REPO)
    main = repo.get_branch("main").commit.sha
    run_id = fake.add_workflow_run(
        REPO,
        head_sha=main,
        jobs=[
            JobSeed("lint", "success", [("ruff", "success")], "ok\n"),
            JobSeed("tests", "failure", [("Set up", "success"), ("pytest", "failure")], "E boom\n"),
        ],
    )
    list(repo.get_workflow_runs())
    run = repo.get_workflow_run(run_id)
    jobs = list(run.jobs())
    failed = next(j for j in jobs if j.conclusion == "failure")
    repo.get_workflow_job(failed.id)
    location = failed.logs_url()
    log = requests.get(location, timeout=5)  # no token: the URL is the credential
    again = requests.get(location, timeout=5)  # and it works once
    auth = {"Authorization": f"token {fake.write_token}"}
    attempt = f"{fake.url}/repos/{REPO}/actions/runs/{run_id}/attempts/1/jobs"
    requests.get(attempt, headers=auth, timeout=5).raise_for_status()

    fake.create_branch(REPO, "feature")
    fake.seed_files(REPO, {"src/app.py": "x = 1\n"}, branch="feature", message="app")
    pr = repo.create_pull(base="main", head="feature", title="App", body="adds app")
    head = repo.get_branch("feature").commit
    list(pr.get_commits())
    review_id, (cid,) = fake.add_review(
        REPO, pr.number, body="please", comments=[("src/app.py", 1, "use y")]
    )
    pr.get_review(review_id)
    list(pr.get_single_review_comments(review_id))
    list(pr.get_review_comments())
    pr.get_review_comment(cid)
    pr.create_review_comment_reply(cid, "done")
    pr.create_review_comment("and here", head, "src/app.py", line=1)
    return {"log": log, "again": again}


@pytest.fixture(scope="module")
def seen(spec: dict[str, Any]) -> tuple[list[LoggedRequest], dict[str, Any]]:
    with FakeGitHub() as fake:
        fake.add_repo(REPO)
        fake.add_collaborator(REPO, "maint", "write")
        gh = fake.client(per_page=1)  # one per page: list answers are paginated too
        extra = exercise(fake, gh)
        return fake.requests, extra


def test_every_served_operation_is_exercised(
    spec: dict[str, Any], seen: tuple[list[LoggedRequest], dict[str, Any]]
) -> None:
    done = {e.route for e in seen[0] if 200 <= e.status < 400}
    assert sorted(set(operations(spec)) - NOT_SERVED - done) == []


def test_job_logs_redirect_to_a_plain_text_download(
    seen: tuple[list[LoggedRequest], dict[str, Any]],
) -> None:
    log, extra = seen
    answer = next(e for e in log if e.route == "actions/download-job-logs-for-workflow-run")
    assert answer.status == 302
    assert extra["log"].status_code == 200
    assert extra["log"].text == "E boom\n"
    assert extra["log"].headers["Content-Type"] == "text/plain"
    assert extra["again"].status_code == 404


def test_responses_match_their_schemas(
    spec: dict[str, Any], seen: tuple[list[LoggedRequest], dict[str, Any]]
) -> None:
    ops = operations(spec)
    problems: list[str] = []
    checked: set[str] = set()
    for entry in seen[0]:
        op = ops.get(entry.route or "")
        if op is None or not 200 <= entry.status < 400:
            continue
        schema = response_schema(spec, op, entry.status)
        if schema is None:
            assert entry.response is None, entry.route
        else:
            for err in validator(spec, schema).iter_errors(entry.response):
                problems.append(f"{entry.route}: {err.json_path}: {err.message[:200]}")
        checked.add(op["operationId"])
    assert problems == []
    assert checked == set(ops) - NOT_SERVED


def test_request_bodies_match_their_schemas(
    spec: dict[str, Any], seen: tuple[list[LoggedRequest], dict[str, Any]]
) -> None:
    ops = operations(spec)
    problems: list[str] = []
    seen_ops: set[str] = set()
    for entry in seen[0]:
        op = ops.get(entry.route or "")
        if op is None or "requestBody" not in op or entry.body is None:
            continue
        schema = resolve(spec, op["requestBody"])["content"]["application/json"]["schema"]
        for err in validator(spec, schema).iter_errors(entry.body):
            problems.append(f"{entry.route}: {err.json_path}: {err.message[:200]}")
        seen_ops.add(op["operationId"])
    assert problems == []
    want = {n for n, op in ops.items() if "requestBody" in op} - NOT_SERVED
    assert seen_ops == want
