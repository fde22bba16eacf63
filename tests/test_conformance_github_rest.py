"""FakeGitHub against GitHub's OpenAPI description (../shared, skipped when absent).

Every operation of ``openapi-subset.json`` is exercised through PyGithub (raw
``requests`` only where PyGithub has no call); each answer is validated
against that operation's response schema, and each request body PyGithub sent
against its ``requestBody`` schema.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import requests
from github import Github, InputGitTreeElement
from jsonschema import Draft202012Validator

from tests.fakes.github import FakeGitHub, LoggedRequest
from tests.support.sharedref import shared_path

pytestmark = pytest.mark.shared
REPO = "octo/demo"
METHODS = ("get", "post", "put", "patch", "delete")
# PyGithub's add_to_labels/set_labels POST/PUT a bare JSON list. GitHub accepts it
# (the field's description says so) but the schema only has the object form.
BARE_LIST_OK = {"issues/add-labels", "issues/set-labels"}


def to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 -> JSON Schema: ``nullable: true`` becomes ``anyOf [..., null]``."""
    if isinstance(node, list):
        return [to_json_schema(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: to_json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable") is True:
        return {"anyOf": [out, {"type": "null"}]}
    return out


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    path = shared_path("reference", "github-rest", "openapi-subset.json")
    return json.loads(path.read_text())


def operations(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        op["operationId"]: op
        for ops in spec["paths"].values()
        for method, op in ops.items()
        if method in METHODS
    }


def resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def validator(spec: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    root = to_json_schema({**schema, "components": spec["components"]})
    return Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)


def response_schema(spec: dict[str, Any], op: dict[str, Any], status: int) -> Any:
    response = resolve(spec, op["responses"][str(status)])
    content = response.get("content") or {}
    return (content.get("application/json") or {}).get("schema")


def exercise(fake: FakeGitHub, gh: Github) -> None:
    """Call every operation of the subset at least once, successfully."""
    repo = gh.get_repo(REPO)
    repo.create_label("bug", "d73a4a", "Something is broken")
    repo.get_label("bug")
    list(repo.get_labels())
    issue = repo.create_issue("Crash", "trace", labels=["bug"])
    repo.get_issue(issue.number)
    list(repo.get_issues(state="all"))
    issue.edit(title="Crash on start")
    issue.add_to_labels("triage")
    issue.set_labels("bug", "triage")
    issue.remove_from_labels("triage")
    list(issue.get_labels())
    fake.add_collaborator(REPO, "maint", "write")
    issue.add_to_assignees("maint")
    comment = issue.create_comment("hello")
    comment.edit("hello again")
    issue.get_comment(comment.id)
    list(issue.get_comments())
    comment.delete()

    main = repo.get_git_ref("heads/main")
    parent = repo.get_git_commit(main.object.sha)
    blob = repo.create_git_blob("print('hi')\n", "utf-8")
    binary = repo.create_git_blob(base64.b64encode(b"\x00\x01").decode(), "base64")
    tree = repo.create_git_tree(
        [
            InputGitTreeElement("src/app.py", "100644", "blob", sha=blob.sha),
            InputGitTreeElement("data.bin", "100644", "blob", sha=binary.sha),
        ],
        base_tree=parent.tree,
    )
    repo.get_git_tree(tree.sha, recursive=True)
    commit = repo.create_git_commit("Add app", tree, [parent])
    ref = repo.create_git_ref("refs/heads/feature", commit.sha)
    ref.edit(commit.sha, force=True)
    repo.get_contents("src/app.py", ref="feature")
    repo.get_contents("src", ref="feature")
    repo.compare("main", "feature")
    repo.get_branch("feature")
    fake.set_check_runs(REPO, commit.sha, [("tests", "completed", "success")])
    fake.set_statuses(REPO, commit.sha, [("ci", "success")])
    head = repo.get_commit(commit.sha)
    list(head.get_check_runs())
    head.get_combined_status()
    repo.get_collaborator_permission("maint")

    pr = repo.create_pull(base="main", head="feature", title="App", body="adds app")
    list(repo.get_pulls(state="open", head="octo:feature", base="main"))
    repo.get_pull(pr.number)
    pr.edit(body="adds the app")
    list(pr.get_files())
    pr.create_review_request(reviewers=["maint"])
    list(pr.get_review_requests()[0])
    pr.create_review(body="Looks good to me", event="COMMENT")
    list(pr.get_reviews())
    pr.merge(sha=commit.sha, merge_method="merge", commit_title="Merge app")
    pr.is_merged()

    throwaway = repo.create_git_ref("refs/heads/throwaway", commit.sha)
    throwaway.delete()
    gh.get_rate_limit()
    # The documented (object) forms of the label calls; PyGithub sends bare lists.
    auth = {"Authorization": f"token {fake.write_token}"}
    labels_url = f"{fake.url}/repos/{REPO}/issues/{issue.number}/labels"
    for method in ("POST", "PUT"):
        r = requests.request(
            method, labels_url, json={"labels": ["bug", "triage"]}, headers=auth, timeout=5
        )
        r.raise_for_status()


@pytest.fixture(scope="module")
def log(spec: dict[str, Any]) -> list[LoggedRequest]:
    with FakeGitHub() as fake:
        fake.add_repo(REPO)
        gh = fake.client(per_page=2)  # small pages: list answers are paginated too
        exercise(fake, gh)
        return fake.requests


def test_every_operation_is_exercised(spec: dict[str, Any], log: list[LoggedRequest]) -> None:
    done = {e.route for e in log if 200 <= e.status < 300}
    missing = sorted(set(operations(spec)) - done)
    assert missing == []


def test_responses_match_their_schemas(spec: dict[str, Any], log: list[LoggedRequest]) -> None:
    ops = operations(spec)
    problems: list[str] = []
    checked: set[str] = set()
    for entry in log:
        op = ops.get(entry.route or "")
        if op is None or not 200 <= entry.status < 300:
            continue
        schema = response_schema(spec, op, entry.status)
        if schema is None:  # 204 and friends: no body
            assert entry.response is None, entry.route
            checked.add(op["operationId"])
            continue
        for err in validator(spec, schema).iter_errors(entry.response):
            problems.append(f"{entry.route} {entry.status}: {err.json_path}: {err.message[:200]}")
        checked.add(op["operationId"])
    assert problems == []
    assert checked == set(ops)


def test_request_bodies_match_their_schemas(spec: dict[str, Any], log: list[LoggedRequest]) -> None:
    ops = operations(spec)
    with_body = {name for name, op in ops.items() if "requestBody" in op}
    problems: list[str] = []
    seen: set[str] = set()
    for entry in log:
        op = ops.get(entry.route or "")
        if op is None or "requestBody" not in op or entry.body is None:
            continue
        if entry.route in BARE_LIST_OK and isinstance(entry.body, list):
            assert all(isinstance(x, str) for x in entry.body), entry.body
            continue
        body = resolve(spec, op["requestBody"])
        schema = body["content"]["application/json"]["schema"]
        for err in validator(spec, schema).iter_errors(entry.body):
            problems.append(f"{entry.route}: {err.json_path}: {err.message[:200]}")
        seen.add(op["operationId"])
    assert problems == []
    assert seen == with_body
