"""JSON shapes of pull requests, their files, reviews, checks and statuses."""

from __future__ import annotations

import difflib
from typing import Any

from .serialize import issue_labels, repo_json, user_json
from .state import CheckRun, Issue, PullInfo, Repo, Review, State, Status


def head_repo(state: State, repo: Repo, pull: PullInfo) -> Repo:
    return state.repos.get(pull.head_repo.lower(), repo)


def head_sha(state: State, repo: Repo, pull: PullInfo) -> str:
    """The PR head follows its branch, like on GitHub; a deleted branch keeps the last sha."""
    if not pull.merged:
        sha = head_repo(state, repo, pull).refs.get(f"refs/heads/{pull.head_ref}")
        if sha:
            pull.head_sha = sha
    return pull.head_sha


def base_sha(repo: Repo, pull: PullInfo) -> str:
    if not pull.merged:
        pull.base_sha = repo.refs.get(f"refs/heads/{pull.base_ref}", pull.base_sha)
    return pull.base_sha


def diff_entries(base: str, state: State, repo: Repo, issue: Issue) -> list[dict[str, Any]]:
    pull = issue.pull
    assert pull is not None
    if pull.files is not None:
        raw = pull.files
    else:
        raw = tree_diff(
            head_repo(state, repo, pull), base_sha(repo, pull), head_sha(state, repo, pull), repo
        )
    out = []
    for f in raw:
        sha = f.get("sha") or ""
        url = f"{base}/repos/{repo.full_name}/contents/{f['filename']}?ref={sha}"
        out.append(
            {
                "sha": sha,
                "filename": f["filename"],
                "status": f.get("status", "modified"),
                "additions": f.get("additions", 0),
                "deletions": f.get("deletions", 0),
                "changes": f.get("additions", 0) + f.get("deletions", 0),
                "blob_url": f"{base}/{repo.full_name}/blob/{sha}/{f['filename']}",
                "raw_url": f"{base}/{repo.full_name}/raw/{sha}/{f['filename']}",
                "contents_url": url,
                "patch": f.get("patch", ""),
            }
        )
    return out


def tree_diff(head: Repo, base_commit: str, head_commit: str, base: Repo) -> list[dict[str, Any]]:
    """Files changed between two commits (the head's objects may live in a fork)."""

    def files(repo: Repo, sha: str) -> dict[str, tuple[str, str, str]]:
        commit = repo.git.commits.get(sha)
        return repo.git.flatten(commit.tree) if commit else {}

    def text(repo: Repo, sha: str | None) -> list[str]:
        if sha is None:
            return []
        data = repo.git.blobs.get(sha, b"")
        return data.decode("utf-8", "replace").splitlines()

    old, new = files(base, base_commit), files(head, head_commit)
    out = []
    for path in sorted(set(old) | set(new)):
        a, b = old.get(path), new.get(path)
        if a == b:
            continue
        before = text(base, a[2] if a else None)
        after = text(head, b[2] if b else None)
        patch = list(difflib.unified_diff(before, after, lineterm="", n=3))[2:]
        out.append(
            {
                "filename": path,
                "sha": b[2] if b else (a[2] if a else None),
                "status": "added" if a is None else "removed" if b is None else "modified",
                "additions": sum(1 for ln in patch if ln.startswith("+")),
                "deletions": sum(1 for ln in patch if ln.startswith("-")),
                "patch": "\n".join(patch),
            }
        )
    return out


def _branch(base: str, state: State, repo: Repo, ref: str, sha: str) -> dict[str, Any]:
    return {
        "label": f"{repo.owner}:{ref}",
        "ref": ref,
        "sha": sha,
        "user": user_json(base, state, repo.owner),
        "repo": repo_json(base, state, repo),
    }


def pull_json(
    base: str, state: State, repo: Repo, issue: Issue, full: bool = True
) -> dict[str, Any]:
    """``pull-request`` (``full``) or ``pull-request-simple``."""
    pull = issue.pull
    assert pull is not None
    r = f"{base}/repos/{repo.full_name}"
    u = f"{r}/pulls/{issue.number}"
    html = f"{base}/{repo.full_name}/pull/{issue.number}"
    hsha = head_sha(state, repo, pull)
    links = {
        "self": u,
        "html": html,
        "issue": f"{r}/issues/{issue.number}",
        "comments": f"{r}/issues/{issue.number}/comments",
        "review_comments": f"{u}/comments",
        "review_comment": f"{r}/pulls/comments{{/number}}",
        "commits": f"{u}/commits",
        "statuses": f"{r}/statuses/{hsha}",
    }
    out: dict[str, Any] = {
        "url": u,
        "id": issue.id,
        "node_id": f"PR_{issue.id}",
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": links["issue"],
        "commits_url": links["commits"],
        "review_comments_url": links["review_comments"],
        "review_comment_url": links["review_comment"],
        "comments_url": links["comments"],
        "statuses_url": links["statuses"],
        "number": issue.number,
        "state": issue.state,
        "locked": issue.locked,
        "title": issue.title,
        "body": issue.body,
        "user": user_json(base, state, issue.user),
        "labels": issue_labels(base, repo, issue),
        "milestone": None,
        "active_lock_reason": None,
        "created_at": issue.created_at,
        "updated_at": issue.updated_at,
        "closed_at": issue.closed_at,
        "merged_at": pull.merged_at,
        "merge_commit_sha": pull.merge_commit_sha,
        "assignee": user_json(base, state, issue.assignees[0]) if issue.assignees else None,
        "assignees": [user_json(base, state, a) for a in issue.assignees],
        "requested_reviewers": [user_json(base, state, x) for x in pull.requested_reviewers],
        "requested_teams": [],
        "head": _branch(base, state, head_repo(state, repo, pull), pull.head_ref, hsha),
        "base": _branch(base, state, repo, pull.base_ref, base_sha(repo, pull)),
        "_links": {k: {"href": v} for k, v in links.items()},
        "author_association": issue.author_association,
        "auto_merge": None,
        "draft": pull.draft,
    }
    if full:
        files = diff_entries(base, state, repo, issue)
        head = head_repo(state, repo, pull)
        commits = (
            len(
                [
                    c
                    for c in head.git.ancestors(hsha)
                    if not repo.git.is_ancestor(c, base_sha(repo, pull))
                ]
            )
            or 1
        )
        out.update(
            {
                "merged": pull.merged,
                "mergeable": None if pull.merged else pull.mergeable,
                "rebaseable": pull.mergeable,
                "mergeable_state": _mergeable_state(issue, pull),
                "merged_by": user_json(base, state, pull.merged_by) if pull.merged_by else None,
                "comments": sum(
                    1 for c in repo.comments.values() if c.issue_number == issue.number
                ),
                "review_comments": 0,
                "maintainer_can_modify": pull.maintainer_can_modify,
                "commits": commits,
                "additions": sum(f["additions"] for f in files),
                "deletions": sum(f["deletions"] for f in files),
                "changed_files": len(files),
            }
        )
    return out


def _mergeable_state(issue: Issue, pull: PullInfo) -> str:
    if pull.merged or issue.state == "closed":
        return "unknown"
    if pull.draft:
        return "draft"
    return {True: "clean", False: "dirty", None: "unknown"}[pull.mergeable]


def review_json(base: str, state: State, repo: Repo, number: int, review: Review) -> dict[str, Any]:
    html = f"{base}/{repo.full_name}/pull/{number}#pullrequestreview-{review.id}"
    pr = f"{base}/repos/{repo.full_name}/pulls/{number}"
    out: dict[str, Any] = {
        "id": review.id,
        "node_id": f"PRR_{review.id}",
        "user": user_json(base, state, review.user),
        "body": review.body,
        "state": review.state,
        "html_url": html,
        "pull_request_url": pr,
        "_links": {"html": {"href": html}, "pull_request": {"href": pr}},
        "commit_id": review.commit_id,
        "author_association": "NONE",
    }
    if review.state != "PENDING":
        out["submitted_at"] = review.submitted_at
    return out


def check_run_json(base: str, repo: Repo, run: CheckRun) -> dict[str, Any]:
    u = f"{base}/repos/{repo.full_name}/check-runs/{run.id}"
    done = run.status == "completed"
    return {
        "id": run.id,
        "node_id": f"CR_{run.id}",
        "head_sha": run.head_sha,
        "external_id": "",
        "url": u,
        "html_url": f"{base}/{repo.full_name}/runs/{run.id}",
        "details_url": f"{base}/{repo.full_name}/runs/{run.id}",
        "status": run.status,
        "conclusion": run.conclusion if done else None,
        "started_at": "2024-01-01T00:00:00Z",
        "completed_at": "2024-01-01T00:01:00Z" if done else None,
        "output": {
            "title": run.name,
            "summary": "",
            "text": None,
            "annotations_count": 0,
            "annotations_url": f"{u}/annotations",
        },
        "name": run.name,
        "check_suite": {"id": run.id},
        "app": None,
        "pull_requests": [],
    }


def status_json(base: str, repo: Repo, sha: str, status: Status) -> dict[str, Any]:
    return {
        "id": status.id,
        "node_id": f"SC_{status.id}",
        "url": f"{base}/repos/{repo.full_name}/statuses/{sha}",
        "avatar_url": None,
        "state": status.state,
        "description": status.description,
        "target_url": status.target_url,
        "context": status.context,
        "created_at": status.created_at,
        "updated_at": status.created_at,
    }


def combined_state(statuses: list[Status]) -> str:
    states = {s.state for s in statuses}
    if not states:
        return "pending"
    if states & {"failure", "error"}:
        return "failure"
    return "pending" if "pending" in states else "success"
