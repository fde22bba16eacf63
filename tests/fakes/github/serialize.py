"""JSON shapes of users, repositories, labels, issues and comments.

Every URL is built on the fake's own base URL: PyGithub follows ``url`` fields
and refuses foreign hosts.
"""

from __future__ import annotations

from typing import Any

from .state import Comment, Issue, IssueEvent, Label, Repo, State


def user_json(base: str, state: State, login: str) -> dict[str, Any]:
    user = state.user(login)
    u = f"{base}/users/{login}"
    return {
        "login": login,
        "id": user.id,
        "node_id": f"U_{user.id}",
        "avatar_url": f"{base}/avatars/{login}",
        "gravatar_id": "",
        "url": u,
        "html_url": f"{base}/{login}",
        "followers_url": f"{u}/followers",
        "following_url": f"{u}/following{{/other_user}}",
        "gists_url": f"{u}/gists{{/gist_id}}",
        "starred_url": f"{u}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{u}/subscriptions",
        "organizations_url": f"{u}/orgs",
        "repos_url": f"{u}/repos",
        "events_url": f"{u}/events{{/privacy}}",
        "received_events_url": f"{u}/received_events",
        "type": user.type,
        "user_view_type": "public",
        "site_admin": False,
    }


_PLAIN_URLS = (
    "contributors",
    "deployments",
    "downloads",
    "events",
    "forks",
    "hooks",
    "languages",
    "merges",
    "stargazers",
    "subscribers",
    "subscription",
    "tags",
    "teams",
)
_TEMPLATED_URLS = {
    "archive": "{archive_format}{/ref}",
    "assignees": "assignees{/user}",
    "blobs": "git/blobs{/sha}",
    "branches": "branches{/branch}",
    "collaborators": "collaborators{/collaborator}",
    "comments": "comments{/number}",
    "commits": "commits{/sha}",
    "compare": "compare/{base}...{head}",
    "contents": "contents/{+path}",
    "git_commits": "git/commits{/sha}",
    "git_refs": "git/refs{/sha}",
    "git_tags": "git/tags{/sha}",
    "issue_comment": "issues/comments{/number}",
    "issue_events": "issues/events{/number}",
    "issues": "issues{/number}",
    "keys": "keys{/key_id}",
    "labels": "labels{/name}",
    "milestones": "milestones{/number}",
    "notifications": "notifications{?since,all,participating}",
    "pulls": "pulls{/number}",
    "releases": "releases{/id}",
    "statuses": "statuses/{sha}",
    "trees": "git/trees{/sha}",
}


def repo_json(base: str, state: State, repo: Repo) -> dict[str, Any]:
    """A superset of ``full-repository``, ``repository`` and ``minimal-repository``."""
    r = f"{base}/repos/{repo.full_name}"
    open_count = sum(1 for i in repo.issues.values() if i.state == "open")
    out: dict[str, Any] = {f"{key}_url": f"{r}/{key}" for key in _PLAIN_URLS}
    out.update({f"{key}_url": f"{r}/{path}" for key, path in _TEMPLATED_URLS.items()})
    out.update(
        {
            "id": repo.id,
            "node_id": f"R_{repo.id}",
            "name": repo.name,
            "full_name": repo.full_name,
            "owner": user_json(base, state, repo.owner),
            "private": repo.private,
            "visibility": "private" if repo.private else "public",
            "html_url": f"{base}/{repo.full_name}",
            "description": repo.description,
            "fork": repo.fork,
            "url": r,
            "clone_url": f"{base}/{repo.full_name}.git",
            "git_url": f"git://127.0.0.1/{repo.full_name}.git",
            "ssh_url": f"git@127.0.0.1:{repo.full_name}.git",
            "svn_url": f"{base}/{repo.full_name}",
            "mirror_url": None,
            "homepage": None,
            "language": "Python",
            "default_branch": repo.default_branch,
            "forks": 0,
            "forks_count": 0,
            "stargazers_count": 0,
            "watchers": 0,
            "watchers_count": 0,
            "size": 0,
            "network_count": 0,
            "subscribers_count": 0,
            "open_issues": open_count,
            "open_issues_count": open_count,
            "has_issues": True,
            "has_projects": False,
            "has_wiki": False,
            "has_pages": False,
            "has_downloads": True,
            "has_discussions": False,
            "archived": False,
            "disabled": False,
            "is_template": False,
            "license": None,
            "topics": [],
            "allow_forking": True,
            "web_commit_signoff_required": False,
            "permissions": {
                "admin": False,
                "maintain": False,
                "push": True,
                "triage": True,
                "pull": True,
            },
            "pushed_at": repo.created_at,
            "created_at": repo.created_at,
            "updated_at": repo.created_at,
        }
    )
    return out


def label_json(base: str, repo: Repo, label: Label) -> dict[str, Any]:
    from urllib.parse import quote

    return {
        "id": label.id,
        "node_id": f"LA_{label.id}",
        "url": f"{base}/repos/{repo.full_name}/labels/{quote(label.name, safe='')}",
        "name": label.name,
        "color": label.color,
        "default": label.default,
        "description": label.description,
    }


def issue_labels(base: str, repo: Repo, issue: Issue) -> list[dict[str, Any]]:
    return [label_json(base, repo, lab) for name in issue.labels if (lab := repo.label(name))]


def issue_event_json(
    base: str, state: State, repo: Repo, issue: Issue, event: IssueEvent
) -> dict[str, Any]:
    """An issue event as GitHub's ``issue-event`` (the labeled/unlabeled kind)."""
    lab = repo.label(event.label)
    return {
        "id": event.id,
        "node_id": f"LE_{event.id}",
        "url": f"{base}/repos/{repo.full_name}/issues/events/{event.id}",
        "actor": user_json(base, state, event.actor),
        "event": event.event,
        "commit_id": None,
        "commit_url": None,
        "created_at": event.created_at,
        "label": {"name": event.label, "color": lab.color if lab else "ededed"},
        "performed_via_github_app": None,
    }


def issue_json(base: str, state: State, repo: Repo, issue: Issue) -> dict[str, Any]:
    r = f"{base}/repos/{repo.full_name}"
    i = f"{r}/issues/{issue.number}"
    comments = sum(1 for c in repo.comments.values() if c.issue_number == issue.number)
    assignees = [user_json(base, state, a) for a in issue.assignees]
    out: dict[str, Any] = {
        "id": issue.id,
        "node_id": f"I_{issue.id}",
        "url": i,
        "repository_url": r,
        "labels_url": f"{i}/labels{{/name}}",
        "comments_url": f"{i}/comments",
        "events_url": f"{i}/events",
        "timeline_url": f"{i}/timeline",
        "html_url": f"{base}/{repo.full_name}/{'pull' if issue.pull else 'issues'}/{issue.number}",
        "number": issue.number,
        "state": issue.state,
        "state_reason": issue.state_reason,
        "title": issue.title,
        "body": issue.body,
        "user": user_json(base, state, issue.user),
        "labels": issue_labels(base, repo, issue),
        "assignee": assignees[0] if assignees else None,
        "assignees": assignees,
        "milestone": None,
        "locked": issue.locked,
        "active_lock_reason": None,
        "comments": comments,
        "closed_at": issue.closed_at,
        "created_at": issue.created_at,
        "updated_at": issue.updated_at,
        "author_association": issue.author_association,
        "performed_via_github_app": None,
    }
    if issue.pull is not None:
        p = f"{base}/{repo.full_name}/pull/{issue.number}"
        out["draft"] = issue.pull.draft
        out["pull_request"] = {
            "url": f"{r}/pulls/{issue.number}",
            "html_url": p,
            "diff_url": f"{p}.diff",
            "patch_url": f"{p}.patch",
            "merged_at": issue.pull.merged_at,
        }
    return out


def comment_json(base: str, state: State, repo: Repo, comment: Comment) -> dict[str, Any]:
    r = f"{base}/repos/{repo.full_name}"
    issue = repo.issues.get(comment.issue_number)
    kind = "pull" if issue is not None and issue.pull else "issues"
    return {
        "id": comment.id,
        "node_id": f"IC_{comment.id}",
        "url": f"{r}/issues/comments/{comment.id}",
        "html_url": f"{base}/{repo.full_name}/{kind}/{comment.issue_number}"
        f"#issuecomment-{comment.id}",
        "issue_url": f"{r}/issues/{comment.issue_number}",
        "body": comment.body,
        "user": user_json(base, state, comment.user),
        "author_association": comment.author_association,
        "created_at": comment.created_at,
        "updated_at": comment.updated_at,
        "performed_via_github_app": None,
    }
