"""FakeGitHub's reactions (the ack job's) against ``openapi-loops.json`` (../shared, skipped
when absent): each exercised through PyGithub, its answer validated against the response schema
and its request body against the ``requestBody`` schema. The other operations of that file are
in test_conformance_github_loops.py."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.fakes.github import FakeGitHub, LoggedRequest
from tests.support.sharedref import shared_path
from tests.test_conformance_github_rest import operations, resolve, response_schema, validator

pytestmark = pytest.mark.shared
REPO = "octo/demo"
SERVED = {
    "reactions/create-for-issue",
    "reactions/create-for-issue-comment",
    "reactions/list-for-issue",
    "reactions/list-for-issue-comment",
}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    path = shared_path("reference", "github-rest", "openapi-loops.json")
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def log() -> list[LoggedRequest]:
    with FakeGitHub() as fake:
        fake.add_repo(REPO)
        gh = fake.client(per_page=2)
        issue = gh.get_repo(REPO).create_issue("Crash", "trace")
        issue.create_reaction("eyes")
        issue.create_reaction("eyes")  # a repeat: 200 with the first one
        issue.create_reaction("rocket")
        issue.create_reaction("heart")
        list(issue.get_reactions())
        comment = issue.create_comment("/foreman debug")
        comment.create_reaction("eyes")
        list(comment.get_reactions())
        return fake.requests


def test_reaction_operations_are_served_and_exercised(
    spec: dict[str, Any], log: list[LoggedRequest]
) -> None:
    assert set(operations(spec)) >= SERVED
    done = {e.route for e in log if 200 <= e.status < 300}
    assert done >= SERVED
    statuses = [e.status for e in log if e.route == "reactions/create-for-issue"]
    assert statuses == [201, 200, 201, 201]


def test_reaction_answers_and_bodies_match_the_description(
    spec: dict[str, Any], log: list[LoggedRequest]
) -> None:
    ops = operations(spec)
    problems: list[str] = []
    for entry in log:
        if entry.route not in SERVED or not 200 <= entry.status < 300:
            continue
        op = ops[entry.route]
        schema = response_schema(spec, op, entry.status)
        for err in validator(spec, schema).iter_errors(entry.response):
            problems.append(f"{entry.route} {entry.status}: {err.json_path}: {err.message[:200]}")
        if "requestBody" in op and entry.body is not None:
            body = resolve(spec, op["requestBody"])["content"]["application/json"]["schema"]
            for err in validator(spec, body).iter_errors(entry.body):
                problems.append(f"{entry.route} body: {err.json_path}: {err.message[:200]}")
    assert problems == []
