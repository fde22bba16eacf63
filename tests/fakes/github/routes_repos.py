"""Repository-level reads: repo, contents, commits, compare, checks, statuses,
collaborator permission, branches; plus /user and /rate_limit."""

from __future__ import annotations

import re

from .routing import Paged, Request, Response, ok, route
from .serialize import repo_json, user_json
from .serialize_git import commit_json, content_json, file_json, resolve_ref
from .serialize_pulls import check_run_json, combined_state, status_json, tree_diff
from .state import ApiError, Status

R = "/repos/{owner}/{repo}"


@route("GET", "/user", "users/get-authenticated")
def get_user(req: Request) -> Response:
    if req.login.endswith("[bot]"):  # an installation token (an app's, GITHUB_TOKEN) is no user
        raise ApiError(403, "Resource not accessible by integration")
    return ok(user_json(req.base, req.state, req.login))


@route("POST", "/graphql", "graphql", write=False)
def graphql(req: Request) -> Response:
    """GraphQL, as far as the foreman asks it: ``viewer { login }`` (works for any token)."""
    query = str(req.json_object().get("query") or "")
    if re.fullmatch(r"\s*(query\s*)?\{\s*viewer\s*\{\s*login\s*\}\s*\}\s*", query):
        return ok({"data": {"viewer": {"login": req.login}}})
    return ok({"errors": [{"message": "the fake answers only `query { viewer { login } }`"}]})


@route("GET", "/rate_limit", "rate-limit/get")
def rate_limit(req: Request) -> Response:
    core = req.fake.rate_limit_snapshot()
    search = {"limit": 30, "remaining": 30, "reset": core["reset"], "used": 0}
    return ok({"rate": core, "resources": {"core": core, "search": search}})


@route("GET", R, "repos/get")
def get_repo(req: Request) -> Response:
    return ok(repo_json(req.base, req.state, req.repo()))


@route("GET", R + "/contents/{path+}", "repos/get-content")
def get_content(req: Request) -> Response:
    repo = req.repo()
    ref = req.query.get("ref") or repo.default_branch
    sha = resolve_ref(repo, ref, strict=False)
    commit = repo.git.commits.get(sha)
    path = req.params["path"].strip("/")
    entry = repo.git.lookup(commit.tree, path) if commit else None
    if entry is None:
        raise ApiError(404, "Not Found")
    if entry.type == "blob":
        return ok(file_json(req.base, repo, path, ref, entry.sha))
    listing = [
        content_json(
            req.base,
            repo,
            f"{path}/{e.name}".strip("/"),
            ref,
            "dir" if e.type == "tree" else "file",
            e.sha,
        )
        for e in repo.git.trees[entry.sha]
    ]
    return ok(listing)


@route("GET", R + "/commits/{ref+}/check-runs", "checks/list-for-ref")
def list_check_runs(req: Request) -> Paged:
    repo = req.repo()
    sha = resolve_ref(repo, req.params["ref"], strict=False)
    runs = repo.check_runs.get(sha, [])
    if "check_name" in req.query:
        runs = [r for r in runs if r.name == req.query["check_name"]]
    if "status" in req.query:
        runs = [r for r in runs if r.status == req.query["status"]]
    return Paged([check_run_json(req.base, repo, r) for r in runs], key="check_runs")


@route("GET", R + "/commits/{ref+}/status", "repos/get-combined-status-for-ref")
def combined_status(req: Request) -> Response:
    repo = req.repo()
    sha = resolve_ref(repo, req.params["ref"], strict=False)
    latest: dict[str, Status] = {}
    for status in repo.statuses.get(sha, []):
        latest[status.context] = status
    statuses = list(latest.values())
    r = f"{req.base}/repos/{repo.full_name}"
    return ok(
        {
            "state": combined_state(statuses),
            "sha": sha,
            "total_count": len(statuses),
            "statuses": [status_json(req.base, repo, sha, s) for s in statuses],
            "repository": repo_json(req.base, req.state, repo),
            "commit_url": f"{r}/commits/{sha}",
            "url": f"{r}/commits/{sha}/status",
        }
    )


@route("GET", R + "/commits/{ref+}", "repos/get-commit")
def get_commit(req: Request) -> Response:
    repo = req.repo()
    sha = resolve_ref(repo, req.params["ref"])
    commit = repo.git.commits.get(sha)
    if commit is None:
        raise ApiError(422, f"No commit found for SHA: {req.params['ref']}")
    out = commit_json(req.base, repo, commit)
    parent = commit.parents[0] if commit.parents else None
    files = tree_diff(repo, parent, sha, repo) if parent else []
    out["files"] = files
    out["stats"] = {
        "additions": sum(f["additions"] for f in files),
        "deletions": sum(f["deletions"] for f in files),
        "total": sum(f["additions"] + f["deletions"] for f in files),
    }
    return ok(out)


@route("GET", R + "/compare/{basehead+}", "repos/compare-commits-with-basehead")
def compare(req: Request) -> Response:
    repo = req.repo()
    basehead = req.params["basehead"]
    if "..." not in basehead:
        raise ApiError(404, "Not Found")
    base_ref, head_ref = basehead.split("...", 1)
    base_sha = resolve_ref(repo, base_ref.split(":")[-1])
    head_sha = resolve_ref(repo, head_ref.split(":")[-1])
    git = repo.git
    merge_base = git.merge_base(base_sha, head_sha) or base_sha
    ahead = [c for c in git.ancestors(head_sha) if c not in set(git.ancestors(base_sha))]
    behind = [c for c in git.ancestors(base_sha) if c not in set(git.ancestors(head_sha))]
    status = (
        "identical"
        if not ahead and not behind
        else "ahead"
        if not behind
        else "behind"
        if not ahead
        else "diverged"
    )
    r = f"{req.base}/repos/{repo.full_name}"
    html = f"{req.base}/{repo.full_name}/compare/{basehead}"
    files = tree_diff(repo, merge_base, head_sha, repo)
    for f in files:
        f["changes"] = f["additions"] + f["deletions"]
        f.update(
            {
                k: f"{req.base}/{repo.full_name}/{k[:-4]}/{head_sha}/{f['filename']}"
                for k in ("blob_url", "raw_url")
            }
        )
        f["contents_url"] = f"{r}/contents/{f['filename']}?ref={head_sha}"
    return ok(
        {
            "url": f"{r}/compare/{basehead}",
            "html_url": html,
            "permalink_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "base_commit": commit_json(req.base, repo, git.commits[base_sha]),
            "merge_base_commit": commit_json(req.base, repo, git.commits[merge_base]),
            "status": status,
            "ahead_by": len(ahead),
            "behind_by": len(behind),
            "total_commits": len(ahead),
            "commits": [commit_json(req.base, repo, git.commits[c]) for c in reversed(ahead)],
            "files": files,
        }
    )


@route("GET", R + "/collaborators/{username}/permission", "repos/get-collaborator-permission-level")
def collaborator_permission(req: Request) -> Response:
    repo = req.repo()
    login = req.params["username"]
    role = req.fake.permission(repo, login)
    # The legacy ``permission`` field folds maintain into write and triage into read.
    legacy = {"maintain": "write", "triage": "read"}.get(role, role)
    user = user_json(req.base, req.state, login)
    user["role_name"] = role
    user["permissions"] = {
        "pull": role != "none",
        "triage": role in ("triage", "write", "maintain", "admin"),
        "push": role in ("write", "maintain", "admin"),
        "maintain": role in ("maintain", "admin"),
        "admin": role == "admin",
    }
    return ok({"permission": legacy, "role_name": role, "user": user})


@route("GET", R + "/branches/{branch+}", "repos/get-branch")
def get_branch(req: Request) -> Response:
    repo = req.repo()
    name = req.params["branch"]
    sha = repo.refs.get(f"refs/heads/{name}")
    if sha is None or sha not in repo.git.commits:
        raise ApiError(404, "Branch not found")
    r = f"{req.base}/repos/{repo.full_name}"
    return ok(
        {
            "name": name,
            "commit": commit_json(req.base, repo, repo.git.commits[sha]),
            "_links": {
                "self": f"{r}/branches/{name}",
                "html": f"{req.base}/{repo.full_name}/tree/{name}",
            },
            "protected": False,
            "protection": {
                "enabled": False,
                "required_status_checks": {
                    "enforcement_level": "off",
                    "contexts": [],
                    "checks": [],
                },
            },
            "protection_url": f"{r}/branches/{name}/protection",
        }
    )
