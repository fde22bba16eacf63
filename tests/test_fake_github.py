"""FakeGitHub round trips through the real PyGithub."""

from __future__ import annotations

import base64

import pytest
import requests
from github import Github, GithubException, InputGitTreeElement

from tests.fakes.github import FakeGitHub

REPO = "octo/demo"


@pytest.fixture
def gh(fake_github: FakeGitHub) -> Github:
    return fake_github.client()


def test_issue_labels_and_comments_round_trip(fake_github: FakeGitHub, gh: Github) -> None:
    repo = gh.get_repo(REPO)
    issue = repo.create_issue("Crash on start", "Traceback...", labels=["bug"])
    issue.add_to_labels("triage", "p1")
    issue.remove_from_labels("p1")
    assert [lab.name for lab in issue.get_labels()] == ["bug", "triage"]
    issue.set_labels("question")
    assert [lab.name for lab in repo.get_issue(issue.number).labels] == ["question"]
    issue.edit(title="Crash on start (py3.12)", state="closed")
    assert fake_github.issue(REPO, issue.number).state == "closed"

    comment = issue.create_comment("hello")
    comment.edit("hello, edited")
    assert issue.get_comment(comment.id).body == "hello, edited"
    assert comment.user.login == fake_github.bot_login
    other = issue.create_comment("bye")
    other.delete()
    assert [c.body for c in fake_github.comments(REPO, issue.number)] == ["hello, edited"]
    assert "question" in [lab.name for lab in repo.get_labels()]
    assert repo.get_label("question").name == "question"


def test_add_to_labels_posts_a_bare_list(fake_github: FakeGitHub, gh: Github) -> None:
    number = fake_github.add_issue(REPO, "x")
    gh.get_repo(REPO).get_issue(number).add_to_labels("a", "b")
    (call,) = fake_github.calls("issues/add-labels")
    assert call.body == ["a", "b"]


def test_G09_marker_comment_on_page_three_is_found(fake_github: FakeGitHub) -> None:
    number = fake_github.add_issue(REPO, "busy thread")
    for i in range(70):
        mine = i == 65
        fake_github.add_comment(
            REPO,
            number,
            "<!-- foreman:marker -->" if mine else f"c{i}",
            user="github-actions[bot]" if mine else "bob",
        )
    gh = fake_github.client(per_page=30)
    comments = gh.get_repo(REPO).get_issue(number).get_comments()
    found = [c for c in comments if "foreman:marker" in c.body]
    assert [c.user.login for c in found] == ["github-actions[bot]"]
    pages = [c.query.get("page", "1") for c in fake_github.calls("issues/list-comments")]
    assert pages == ["1", "2", "3"]
    first = fake_github.calls("issues/list-comments")[0]
    assert len(first.response) == 30
    assert comments.totalCount == 70


def test_link_header_points_at_the_fake(fake_github: FakeGitHub) -> None:
    number = fake_github.add_issue(REPO, "x")
    for i in range(5):
        fake_github.add_comment(REPO, number, f"c{i}")
    r = requests.get(
        f"{fake_github.url}/repos/{REPO}/issues/{number}/comments?per_page=2&page=2",
        headers={"Authorization": f"token {fake_github.write_token}"},
        timeout=5,
    )
    links = r.headers["Link"]
    assert (
        f"<{fake_github.url}/repos/{REPO}/issues/{number}/comments?per_page=2&page=3>; "
        'rel="next"' in links
    )
    assert 'page=3>; rel="last"' in links and 'page=1>; rel="prev"' in links


def test_issues_and_pull_requests_share_one_number_space(
    fake_github: FakeGitHub, gh: Github
) -> None:
    first = fake_github.add_issue(REPO, "an issue")
    fake_github.seed_files(REPO, {"a.txt": "a\n"}, branch="feature")
    fake_github.create_branch(REPO, "feature-2")
    fake_github.seed_files(REPO, {"b.txt": "b\n"}, branch="feature-2")
    repo = gh.get_repo(REPO)
    pr = repo.create_pull(base="main", head="feature-2", title="PR")
    assert pr.number == first + 1
    as_issue = repo.get_issue(pr.number)
    assert as_issue.pull_request is not None
    assert repo.get_issue(first).pull_request is None
    assert sorted(i.number for i in repo.get_issues()) == [first, pr.number]


def _branch_with(fake: FakeGitHub, branch: str, files: dict[str, str]) -> str:
    fake.create_branch(REPO, branch)
    return fake.seed_files(REPO, files, branch=branch, message=f"change on {branch}")


def test_pull_request_lifecycle(fake_github: FakeGitHub, gh: Github) -> None:
    head = _branch_with(fake_github, "fix-docs", {"docs/a.md": "# A\n", "README.md": "# new\n"})
    fake_github.add_collaborator(REPO, "maintainer", "maintain")
    repo = gh.get_repo(REPO)
    pr = repo.create_pull(base="main", head="fix-docs", title="Docs", body="body", draft=False)
    assert pr.head.sha == head and pr.head.ref == "fix-docs" and pr.base.ref == "main"
    assert sorted(f.filename for f in pr.get_files()) == ["README.md", "docs/a.md"]
    assert pr.changed_files == 2 and pr.mergeable is True
    pr.edit(body="better body")
    assert repo.get_pull(pr.number).body == "better body"

    pr.create_review_request(reviewers=["maintainer"])
    users, teams = pr.get_review_requests()
    assert [u.login for u in users] == ["maintainer"] and list(teams) == []
    pr.create_review(body="looks fine", event="COMMENT")
    assert [r.state for r in pr.get_reviews()] == ["COMMENTED"]

    with pytest.raises(GithubException) as moved:
        pr.merge(sha="0" * 40)
    assert moved.value.status == 409
    assert "Head branch was modified" in moved.value.data["message"]
    assert not pr.is_merged()
    result = pr.merge(sha=head, merge_method="merge")
    assert result.merged and pr.is_merged()
    merged = repo.get_pull(pr.number)
    assert merged.state == "closed" and merged.merged and merged.merge_commit_sha == result.sha
    assert fake_github.tree(REPO)["docs/a.md"] == b"# A\n"
    assert repo.get_git_commit(result.sha).parents[1].sha == head


def test_merge_refused_when_not_mergeable(fake_github: FakeGitHub, gh: Github) -> None:
    number = fake_github.add_pull(REPO, "conflicted", head="x", mergeable=False, files=["a.py"])
    with pytest.raises(GithubException) as refused:
        gh.get_repo(REPO).get_pull(number).merge()
    assert refused.value.status == 405


def test_create_pull_validations(fake_github: FakeGitHub, gh: Github) -> None:
    repo = gh.get_repo(REPO)
    with pytest.raises(GithubException) as missing:
        repo.create_pull(base="main", head="nope", title="t")
    assert missing.value.status == 422
    _branch_with(fake_github, "foo", {"f.txt": "f\n"})
    repo.create_pull(base="main", head="foo", title="t")
    with pytest.raises(GithubException) as dup:
        repo.create_pull(base="main", head="foo", title="t again")
    assert dup.value.status == 422
    assert dup.value.data["errors"][0]["message"] == "A pull request already exists for octo:foo."
    assert len(fake_github.pulls(REPO)) == 1


def test_list_pulls_filters_by_head_base_and_state(fake_github: FakeGitHub, gh: Github) -> None:
    a = fake_github.add_pull(REPO, "a", head="a", files=["x"])
    fake_github.add_pull(REPO, "b", head="b", base="dev", files=["x"])
    fake_github.add_pull(REPO, "c", head="c", files=["x"], state="closed")
    repo = gh.get_repo(REPO)
    assert [p.number for p in repo.get_pulls(head="octo:a")] == [a]
    assert [p.title for p in repo.get_pulls(base="dev")] == ["b"]
    assert sorted(p.title for p in repo.get_pulls(state="all")) == ["a", "b", "c"]
    assert sorted(p.title for p in repo.get_pulls()) == ["a", "b"]


def test_fork_pull_request(fake_github: FakeGitHub, gh: Github) -> None:
    number = fake_github.add_pull(
        REPO, "from a fork", fork=True, user="mallory", files=[".github/workflows/ci.yml"]
    )
    pr = gh.get_repo(REPO).get_pull(number)
    assert pr.head.repo.full_name == "mallory/demo" and pr.head.repo.fork
    assert pr.base.repo.full_name == REPO
    assert [f.filename for f in pr.get_files()] == [".github/workflows/ci.yml"]


def test_git_data_round_trip(fake_github: FakeGitHub, gh: Github) -> None:
    fake_github.seed_files(REPO, {"keep.txt": "keep\n", "old/gone.txt": "bye\n"})
    repo = gh.get_repo(REPO)
    main = repo.get_git_ref("heads/main")
    base_commit = repo.get_git_commit(main.object.sha)
    binary = bytes(range(256))
    text_blob = repo.create_git_blob("héllo\nwörld\n", "utf-8")
    bin_blob = repo.create_git_blob(base64.b64encode(binary).decode(), "base64")
    tree = repo.create_git_tree(
        [
            InputGitTreeElement("src/pkg/mod.py", "100644", "blob", sha=text_blob.sha),
            InputGitTreeElement("assets/data.bin", "100644", "blob", sha=bin_blob.sha),
            InputGitTreeElement("old/gone.txt", "100644", "blob", sha=None),
        ],
        base_tree=base_commit.tree,
    )
    commit = repo.create_git_commit("Add module", tree, [base_commit])
    main.edit(commit.sha)  # a fast-forward

    assert repo.get_branch("main").commit.sha == commit.sha
    paths = {e.path: e.type for e in repo.get_git_tree(commit.sha, recursive=True).tree}
    assert paths == {
        "README.md": "blob",
        "keep.txt": "blob",
        "src": "tree",
        "src/pkg": "tree",
        "src/pkg/mod.py": "blob",
        "assets": "tree",
        "assets/data.bin": "blob",
    }
    assert (
        repo.get_contents("src/pkg/mod.py", ref="main").decoded_content == "héllo\nwörld\n".encode()
    )
    assert repo.get_contents("assets/data.bin", ref=commit.sha).decoded_content == binary
    with pytest.raises(GithubException) as gone:
        repo.get_contents("old/gone.txt")
    assert gone.value.status == 404
    assert fake_github.tree(REPO)["assets/data.bin"] == binary


def test_refs_create_update_force_delete(fake_github: FakeGitHub, gh: Github) -> None:
    repo = gh.get_repo(REPO)
    start = fake_github.refs(REPO)["refs/heads/main"]
    ahead = fake_github.seed_files(REPO, {"x": "1"}, branch="main")
    ref = repo.create_git_ref("refs/heads/topic", ahead)
    with pytest.raises(GithubException) as exists:
        repo.create_git_ref("refs/heads/topic", ahead)
    assert exists.value.status == 422
    with pytest.raises(GithubException) as not_ff:
        ref.edit(start)
    assert not_ff.value.status == 422
    ref.edit(start, force=True)
    assert fake_github.refs(REPO)["refs/heads/topic"] == start
    ref.delete()
    assert "refs/heads/topic" not in fake_github.refs(REPO)


def test_compare_and_commit_status(fake_github: FakeGitHub, gh: Github) -> None:
    head = _branch_with(fake_github, "topic", {"n.txt": "n\n"})
    fake_github.set_check_runs(
        REPO, head, [("tests", "completed", "success"), ("lint", "in_progress", None)]
    )
    fake_github.set_statuses(REPO, head, [("ci/legacy", "pending"), ("ci/legacy", "success")])
    repo = gh.get_repo(REPO)
    cmp = repo.compare("main", "topic")
    assert (cmp.status, cmp.ahead_by, cmp.behind_by) == ("ahead", 1, 0)
    assert [f.filename for f in cmp.files] == ["n.txt"]
    commit = repo.get_commit(head)
    runs = {r.name: (r.status, r.conclusion) for r in commit.get_check_runs()}
    assert runs == {"tests": ("completed", "success"), "lint": ("in_progress", None)}
    combined = commit.get_combined_status()
    assert combined.state == "success" and combined.total_count == 1


def test_collaborator_permission(fake_github: FakeGitHub, gh: Github) -> None:
    for login, level in [
        ("ada", "admin"),
        ("max", "maintain"),
        ("wes", "write"),
        ("tia", "triage"),
        ("rae", "read"),
        ("nan", "none"),
    ]:
        fake_github.add_collaborator(REPO, login, level)
    repo = gh.get_repo(REPO)
    got = {u: repo.get_collaborator_permission(u) for u in ("ada", "max", "wes", "tia", "rae")}
    assert got == {"ada": "admin", "max": "write", "wes": "write", "tia": "read", "rae": "read"}
    assert repo.get_collaborator_role_name("max") == "maintain"
    assert repo.get_collaborator_permission("stranger") == "read"  # public repo
    assert repo.get_collaborator_permission("octo") == "admin"  # the owner


def test_deleted_and_transferred_issues(fake_github: FakeGitHub, gh: Github) -> None:
    deleted = fake_github.add_issue(REPO, "to delete")
    moved = fake_github.add_issue(REPO, "to move")
    fake_github.delete_issue(REPO, deleted)
    fake_github.transfer_issue(REPO, moved)
    repo = gh.get_repo(REPO)
    statuses = []
    for number in (deleted, moved):
        with pytest.raises(GithubException) as exc:
            repo.get_issue(number)
        statuses.append(exc.value.status)
    assert statuses == [410, 404]


def test_an_issue_transferred_to_a_readable_repository_answers_301(
    fake_github: FakeGitHub, gh: Github
) -> None:
    """As GitHub documents for ``issues/get``: 301 with the new location (PyGithub follows)."""
    fake_github.add_repo("octo/elsewhere")
    number = fake_github.add_issue(REPO, "to move", "body")
    new = fake_github.transfer_issue(REPO, number, to="octo/elsewhere")
    auth = {"Authorization": f"token {fake_github.write_token}"}
    url = f"{fake_github.url}/repos/{REPO}/issues/{number}"
    answer = requests.get(url, headers=auth, allow_redirects=False, timeout=5)
    assert answer.status_code == 301 and answer.json()["message"] == "Moved Permanently"
    assert answer.headers["Location"].endswith(f"/issues/{new}")
    followed = gh.get_repo(REPO).get_issue(number)
    assert followed.number == new and followed.raw_data["repository_url"].endswith("/elsewhere")
    comments = requests.get(f"{url}/comments", headers=auth, allow_redirects=False, timeout=5)
    assert comments.status_code == 404


def test_authenticated_user_is_the_bot(fake_github: FakeGitHub, gh: Github) -> None:
    """An installation token (GITHUB_TOKEN, an app's) is no user: /user answers 403, as on
    GitHub; GraphQL's viewer names its bot account. A person's token is a user."""
    with pytest.raises(GithubException) as exc:
        gh.get_user().login  # noqa: B018  (the lazy user is fetched here)
    assert exc.value.status == 403
    assert "Resource not accessible by integration" in str(exc.value.data)
    _, answer = gh.requester.graphql_query("query { viewer { login } }", {})
    assert answer == {"data": {"viewer": {"login": "github-actions[bot]"}}}
    assert gh.get_rate_limit().resources.core.limit == 5000
    person = fake_github.add_token("ghp_personToken", "write", login="maint")
    assert fake_github.client(person).get_user().login == "maint"
    assert fake_github.writes == []  # a GraphQL query is a read


def _urls(node: object, key: str = "") -> list[tuple[str, str]]:
    if isinstance(node, dict):
        return [u for k, v in node.items() for u in _urls(v, k)]
    if isinstance(node, list):
        return [u for v in node for u in _urls(v, key)]
    if isinstance(node, str) and node.startswith(("http://", "https://")):
        return [(key, node)]
    return []


def test_every_url_field_is_on_the_fake(fake_github: FakeGitHub, gh: Github) -> None:
    head = _branch_with(fake_github, "topic", {"docs/x.md": "x\n"})
    fake_github.set_check_runs(REPO, head, [("tests", "completed", "success")])
    repo = gh.get_repo(REPO)
    pr = repo.create_pull(base="main", head="topic", title="t")
    pr.create_issue_comment("hi")
    list(pr.get_files())
    list(repo.get_commit(head).get_check_runs())
    repo.get_contents("docs", ref="topic")
    repo.compare("main", "topic")
    repo.get_branch("topic")
    urls = [u for entry in fake_github.requests for u in _urls(entry.response)]
    assert len(urls) > 100
    assert [u for u in urls if not u[1].startswith(fake_github.url + "/")] == []
