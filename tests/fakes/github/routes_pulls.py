"""Pull requests: list/create/get/update, files, reviewers, merge, reviews."""

from __future__ import annotations

from .gitstore import GitStore, Signature, fake_sha
from .routes_issues import find_issue
from .routing import Paged, Request, Response, ok, route
from .serialize import user_json
from .serialize_pulls import base_sha, diff_entries, head_repo, head_sha, pull_json, review_json
from .state import ApiError, Issue, PullInfo, Repo, Review, now_iso, validation_failed

R = "/repos/{owner}/{repo}"


def find_pull(req: Request, repo: Repo) -> Issue:
    issue = find_issue(req, repo, req.int_param("pull_number"))
    if issue.pull is None:
        raise ApiError(404, "Not Found")
    return issue


def _split_head(repo: Repo, head: str) -> tuple[str, str]:
    """``"owner:branch"`` or ``"branch"`` -> (owner, branch)."""
    owner, _, branch = head.rpartition(":")
    return (owner or repo.owner), branch


@route("GET", R + "/pulls", "pulls/list")
def list_pulls(req: Request) -> Paged:
    repo = req.repo()
    state = req.query.get("state", "open")
    head = _split_head(repo, req.query["head"]) if "head" in req.query else None
    pulls = sorted(
        (i for i in repo.issues.values() if i.pull is not None),
        key=lambda i: i.number,
        reverse=req.query.get("direction", "desc") == "desc",
    )
    out = []
    for issue in pulls:
        pull = issue.pull
        assert pull is not None
        if state != "all" and issue.state != state:
            continue
        if head and (pull.head_repo.split("/")[0].lower(), pull.head_ref) != (
            head[0].lower(),
            head[1],
        ):
            continue
        if "base" in req.query and pull.base_ref != req.query["base"]:
            continue
        out.append(pull_json(req.base, req.state, repo, issue, full=False))
    return Paged(out)


@route("POST", R + "/pulls", "pulls/create")
def create_pull(req: Request) -> Response:
    repo = req.repo()
    body = req.json_object()
    for key in ("head", "base"):
        if not isinstance(body.get(key), str):
            raise validation_failed("PullRequest", "missing_field", key)
    if not body.get("title") and "issue" not in body:
        raise validation_failed("PullRequest", "missing_field", "title")
    owner, branch = _split_head(repo, body["head"])
    source = (
        req.state.repos.get(f"{owner}/{repo.name}".lower(), repo) if owner != repo.owner else repo
    )
    hsha = source.refs.get(f"refs/heads/{branch}")
    if hsha is None or (owner != repo.owner and source is repo):
        raise validation_failed("PullRequest", "invalid", "head")
    bsha = repo.refs.get(f"refs/heads/{body['base']}")
    if bsha is None:
        raise validation_failed("PullRequest", "invalid", "base")
    for other in repo.issues.values():
        p = other.pull
        if (
            p
            and other.state == "open"
            and p.head_repo.lower() == source.full_name.lower()
            and p.head_ref == branch
            and p.base_ref == body["base"]
        ):
            raise validation_failed(
                "PullRequest",
                "custom",
                message=f"A pull request already exists for {source.owner}:{branch}.",
            )
    if hsha == bsha or source.git.is_ancestor(hsha, bsha):
        raise validation_failed(
            "PullRequest", "custom", message=f"No commits between {body['base']} and {branch}"
        )
    issue = Issue(
        req.state.new_id(),
        repo.next_number,
        str(body.get("title") or ""),
        body.get("body"),
        req.login,
        author_association=req.fake.association(repo, req.login),
    )
    issue.pull = PullInfo(
        branch,
        body["base"],
        source.full_name,
        hsha,
        bsha,
        draft=bool(body.get("draft", False)),
        maintainer_can_modify=bool(body.get("maintainer_can_modify", False)),
    )
    repo.next_number += 1
    repo.issues[issue.number] = issue
    return ok(pull_json(req.base, req.state, repo, issue), 201)


@route("GET", R + "/pulls/{pull_number}", "pulls/get")
def get_pull(req: Request) -> Response:
    repo = req.repo()
    return ok(pull_json(req.base, req.state, repo, find_pull(req, repo)))


@route("PATCH", R + "/pulls/{pull_number}", "pulls/update")
def update_pull(req: Request) -> Response:
    repo = req.repo()
    issue = find_pull(req, repo)
    pull = issue.pull
    assert pull is not None
    body = req.json_object()
    if isinstance(body.get("title"), str):
        issue.title = body["title"]
    if "body" in body:
        issue.body = body["body"]
    if body.get("state") in ("open", "closed") and not pull.merged:
        issue.state = body["state"]
        issue.closed_at = now_iso() if issue.state == "closed" else None
    if isinstance(body.get("base"), str):
        if f"refs/heads/{body['base']}" not in repo.refs:
            raise validation_failed("PullRequest", "invalid", "base")
        pull.base_ref = body["base"]
    if "maintainer_can_modify" in body:
        pull.maintainer_can_modify = bool(body["maintainer_can_modify"])
    issue.touch()
    return ok(pull_json(req.base, req.state, repo, issue))


@route("GET", R + "/pulls/{pull_number}/files", "pulls/list-files")
def list_files(req: Request) -> Paged:
    repo = req.repo()
    return Paged(diff_entries(req.base, req.state, repo, find_pull(req, repo)))


@route("GET", R + "/pulls/{pull_number}/requested_reviewers", "pulls/list-requested-reviewers")
def list_reviewers(req: Request) -> Response:
    repo = req.repo()
    pull = find_pull(req, repo).pull
    assert pull is not None
    return ok(
        {
            "users": [user_json(req.base, req.state, u) for u in pull.requested_reviewers],
            "teams": [],
        }
    )


@route("POST", R + "/pulls/{pull_number}/requested_reviewers", "pulls/request-reviewers")
def request_reviewers(req: Request) -> Response:
    repo = req.repo()
    issue = find_pull(req, repo)
    pull = issue.pull
    assert pull is not None
    body = req.json_object()
    for login in body.get("reviewers") or []:
        if login == issue.user:
            raise ApiError(422, "Review cannot be requested from pull request author.")
        if req.fake.permission(repo, login) == "none" or login not in repo.collaborators:
            raise ApiError(
                422,
                "Reviews may only be requested from collaborators. One or more "
                "of the users or teams you specified is not a collaborator of "
                f"the {repo.full_name} repository.",
            )
        if login not in pull.requested_reviewers:
            pull.requested_reviewers.append(login)
    issue.touch()
    return ok(pull_json(req.base, req.state, repo, issue, full=False), 201)


@route("GET", R + "/pulls/{pull_number}/merge", "pulls/check-if-merged")
def check_merged(req: Request) -> Response:
    repo = req.repo()
    pull = find_pull(req, repo).pull
    assert pull is not None
    if not pull.merged:
        raise ApiError(404, "Not Found")
    return Response(204, None)


@route("PUT", R + "/pulls/{pull_number}/merge", "pulls/merge")
def merge(req: Request) -> Response:
    repo = req.repo()
    issue = find_pull(req, repo)
    pull = issue.pull
    assert pull is not None
    body = req.json_object()
    current = head_sha(req.state, repo, pull)
    if pull.merged or issue.state != "open" or pull.draft or pull.mergeable is False:
        raise ApiError(405, "Pull Request is not mergeable")
    if body.get("sha") and body["sha"] != current:
        raise ApiError(409, "Head branch was modified. Review and try the merge again.")
    bsha = base_sha(repo, pull)
    head_git = head_repo(req.state, repo, pull).git
    title = body.get("commit_title") or f"Merge pull request #{issue.number}"
    message = title + ("\n\n" + body["commit_message"] if body.get("commit_message") else "")
    if current in head_git.commits and bsha in repo.git.commits:
        _copy_objects(head_git, repo)
        who = Signature(req.login, f"{req.login}@users.noreply.127.0.0.1", now_iso())
        tree = head_git.commits[current].tree
        method = body.get("merge_method", "merge")
        parents = [bsha, current] if method == "merge" else [bsha]
        sha = repo.git.write_commit(tree, parents, message, who)
        repo.refs[f"refs/heads/{pull.base_ref}"] = sha
    else:
        sha = fake_sha("merge", repo.full_name, issue.number, current)
    pull.merged, pull.merged_at, pull.merged_by = True, now_iso(), req.login
    pull.merge_commit_sha = sha
    issue.state, issue.closed_at = "closed", pull.merged_at
    issue.touch()
    return ok({"sha": sha, "merged": True, "message": "Pull Request successfully merged"})


def _copy_objects(src: GitStore, repo: Repo) -> None:
    """Bring a fork's objects into the base repo's store (GitHub shares them)."""
    if src is repo.git:
        return
    repo.git.blobs.update(src.blobs)
    repo.git.trees.update(src.trees)
    repo.git.commits.update(src.commits)


@route("GET", R + "/pulls/{pull_number}/reviews", "pulls/list-reviews")
def list_reviews(req: Request) -> Paged:
    repo = req.repo()
    issue = find_pull(req, repo)
    assert issue.pull is not None
    return Paged(
        [review_json(req.base, req.state, repo, issue.number, r) for r in issue.pull.reviews]
    )


@route("POST", R + "/pulls/{pull_number}/reviews", "pulls/create-review")
def create_review(req: Request) -> Response:
    repo = req.repo()
    issue = find_pull(req, repo)
    pull = issue.pull
    assert pull is not None
    body = req.json_object()
    event = body.get("event")
    states = {
        "APPROVE": "APPROVED",
        "REQUEST_CHANGES": "CHANGES_REQUESTED",
        "COMMENT": "COMMENTED",
        None: "PENDING",
    }
    if event not in states:
        raise validation_failed("PullRequestReview", "invalid", "event")
    if event in ("APPROVE", "REQUEST_CHANGES") and req.login == issue.user:
        verb = "approve" if event == "APPROVE" else "request changes on"
        raise ApiError(
            422, "Unprocessable Entity", errors=[f"Can not {verb} your own pull request"]
        )
    if event in ("REQUEST_CHANGES", "COMMENT") and not body.get("body"):
        raise ApiError(422, "Unprocessable Entity", errors=["Review body is required"])
    review = Review(
        req.state.new_id(),
        req.login,
        str(body.get("body") or ""),
        states[event],
        body.get("commit_id") or head_sha(req.state, repo, pull),
    )
    pull.reviews.append(review)
    pull.requested_reviewers = [u for u in pull.requested_reviewers if u != req.login]
    return ok(review_json(req.base, req.state, repo, issue.number, review))
