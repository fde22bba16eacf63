"""Test-facing seed and inspect API of :class:`FakeGitHub` (plain Python calls)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any

from .gitstore import FILE_MODE, Signature, fake_sha
from .serialize_git import resolve_ref
from .serialize_pulls import head_sha
from .state import (
    PERMISSIONS,
    CheckRun,
    Comment,
    Issue,
    IssueEvent,
    Label,
    PullInfo,
    Repo,
    State,
    Status,
    now_iso,
)

BOT = "github-actions[bot]"


class SeedMixin:
    state: State
    tokens: dict[str, tuple[str, str]]
    _lock: threading.RLock

    bot_login = BOT
    write_token = "ghs_fakeWriteToken0000000000000000000000"
    read_token = "ghs_fakeReadToken00000000000000000000000"

    # -- identities ------------------------------------------------------------
    def add_token(self, token: str, scope: str = "write", login: str = BOT) -> str:
        assert scope in ("write", "read"), scope
        with self._lock:
            self.tokens[token] = (login, scope)
        return token

    def add_collaborator(self, repo: str, login: str, permission: str = "write") -> None:
        assert permission in PERMISSIONS, permission
        with self._lock:
            self._repo(repo).collaborators[login] = permission

    def permission(self, repo: Repo, login: str) -> str:
        if login == repo.owner:
            return "admin"
        if login in repo.collaborators:
            return repo.collaborators[login]
        return "none" if repo.private else "read"

    def association(self, repo: Repo, login: str) -> str:
        if login == repo.owner:
            return "OWNER"
        if self.permission(repo, login) in ("write", "maintain", "admin"):
            return "COLLABORATOR"
        return "NONE"

    # -- repositories and git ---------------------------------------------------
    def add_repo(
        self,
        full_name: str,
        *,
        private: bool = False,
        default_branch: str = "main",
        fork: bool = False,
        files: Mapping[str, str | bytes] | None = None,
    ) -> Repo:
        """A repository whose default branch has one commit (``README.md`` unless ``files``)."""
        owner, name = full_name.split("/")
        with self._lock:
            repo = Repo(
                self.state.new_id(),
                owner,
                name,
                private=private,
                default_branch=default_branch,
                fork=fork,
            )
            self.state.repos[full_name.lower()] = repo
            self.seed_files(
                full_name, files or {"README.md": f"# {name}\n"}, message="Initial commit"
            )
        return repo

    def seed_files(
        self,
        repo: str,
        files: Mapping[str, str | bytes | None],
        *,
        branch: str | None = None,
        message: str = "seed",
        author: str = "octocat",
    ) -> str:
        """Commit ``files`` on top of ``branch`` (default branch): blobs, tree, commit, ref.

        A ``None`` content deletes the path. Returns the new commit sha.
        """
        with self._lock:
            r = self._repo(repo)
            ref = f"refs/heads/{branch or r.default_branch}"
            parent = r.refs.get(ref)
            current = r.git.flatten(r.git.commits[parent].tree) if parent else {}
            for path, content in files.items():
                if content is None:
                    current.pop(path, None)
                    continue
                data = content.encode() if isinstance(content, str) else content
                current[path] = (FILE_MODE, "blob", r.git.write_blob(data))
            tree = r.git.write_flat_tree(current)
            who = Signature(author, f"{author}@users.noreply.127.0.0.1", now_iso())
            sha = r.git.write_commit(tree, [parent] if parent else [], message, who)
            r.refs[ref] = sha
            return sha

    def create_branch(self, repo: str, name: str, from_ref: str | None = None) -> str:
        with self._lock:
            r = self._repo(repo)
            sha = resolve_ref(r, from_ref or r.default_branch)
            r.refs[f"refs/heads/{name}"] = sha
            return sha

    def refs(self, repo: str) -> dict[str, str]:
        with self._lock:
            return dict(self._repo(repo).refs)

    def tree(self, repo: str, ref: str | None = None) -> dict[str, bytes]:
        """Every file at ``ref`` (default branch): ``{path: bytes}``."""
        with self._lock:
            r = self._repo(repo)
            commit = r.git.commits[resolve_ref(r, ref or r.default_branch)]
            return {
                p: r.git.blobs[v[2]]
                for p, v in r.git.flatten(commit.tree).items()
                if v[1] == "blob"
            }

    # -- issues, pull requests, comments, labels ----------------------------------
    def add_label(self, repo: str, name: str, color: str = "ededed", description: str = "") -> None:
        with self._lock:
            self._repo(repo).labels[name.lower()] = Label(
                self.state.new_id(), name, color, description
            )

    def add_issue(
        self,
        repo: str,
        title: str,
        body: str | None = "",
        *,
        user: str = "alice",
        labels: Iterable[str] = (),
        author_association: str = "NONE",
        state: str = "open",
        locked: bool = False,
        assignees: Iterable[str] = (),
        created_at: str | None = None,
    ) -> int:
        with self._lock:
            r = self._repo(repo)
            for name in labels:
                if r.label(name) is None:
                    self.add_label(repo, name)
            issue = Issue(
                self.state.new_id(),
                r.next_number,
                title,
                body,
                user,
                author_association=author_association,
                state=state,
                locked=locked,
                labels=list(labels),
                assignees=list(assignees),
            )
            if created_at is not None:
                issue.created_at = issue.updated_at = created_at
            if state == "closed":
                issue.closed_at = now_iso()
            r.issues[issue.number] = issue
            r.next_number += 1
            return issue.number

    def add_label_event(
        self, repo: str, number: int, event: str, label: str, actor: str, created_at: str
    ) -> None:
        """A labeled/unlabeled entry of an issue's events (the labels themselves unchanged)."""
        with self._lock:
            issue = self._repo(repo).issues[number]
            issue.events.append(IssueEvent(self.state.new_id(), event, actor, label, created_at))

    def add_pull(
        self,
        repo: str,
        title: str,
        body: str | None = "",
        *,
        head: str = "feature",
        base: str = "main",
        user: str = "alice",
        author_association: str = "NONE",
        labels: Iterable[str] = (),
        draft: bool = False,
        locked: bool = False,
        fork: bool = False,
        fork_owner: str = "mallory",
        files: Iterable[str | dict[str, Any]] | None = None,
        mergeable: bool | None = True,
        state: str = "open",
    ) -> int:
        """A PR. ``files`` seeds its changed files; without it they come from the branches."""
        with self._lock:
            r = self._repo(repo)
            source = r
            if fork:
                key = f"{fork_owner}/{r.name}"
                source = self.state.repos.get(key.lower()) or self.add_repo(key, fork=True)
            number = self.add_issue(
                repo,
                title,
                body,
                user=user,
                labels=labels,
                locked=locked,
                author_association=author_association,
                state=state,
            )
            entries = (
                None
                if files is None
                else [
                    f
                    if isinstance(f, dict)
                    else {"filename": f, "status": "modified", "additions": 1, "deletions": 1}
                    for f in files
                ]
            )
            bsha = r.refs.get(f"refs/heads/{base}", fake_sha("base", repo, number))
            hsha = source.refs.get(f"refs/heads/{head}", fake_sha("head", repo, number))
            r.issues[number].pull = PullInfo(
                head,
                base,
                source.full_name,
                hsha,
                bsha,
                draft=draft,
                files=entries,
                mergeable=mergeable,
            )
            return number

    def add_comment(
        self,
        repo: str,
        number: int,
        body: str,
        *,
        user: str = "alice",
        author_association: str | None = None,
    ) -> int:
        with self._lock:
            r = self._repo(repo)
            association = author_association or self.association(r, user)
            comment = Comment(self.state.new_id(), number, body, user, association)
            r.comments[comment.id] = comment
            return comment.id

    def delete_issue(self, repo: str, number: int) -> None:
        """Later reads of the issue (and its comments/labels) answer 410 Gone."""
        with self._lock:
            self._repo(repo).gone[number] = (410, "This issue was deleted")

    def transfer_issue(self, repo: str, number: int, to: str | None = None) -> int | None:
        """Move the issue. Without ``to`` (a repository we cannot see) reads answer 404; with
        it, the issue is re-created there and ``GET`` of the old one answers 301 Moved
        Permanently, as GitHub documents, pointing to the new one (whose number it returns).
        The old issue's comments and labels answer 404 either way."""
        with self._lock:
            old = self._repo(repo)
            target = None
            if to is not None:
                moved = old.issues[number]
                target = self.add_issue(to, moved.title, moved.body, user=moved.user)
                old.moved[number] = (self._repo(to).id, target)
            old.gone[number] = (404, "Not Found")
            return target

    def set_check_runs(
        self, repo: str, ref: str, runs: Iterable[tuple[str, str, str | None] | dict[str, Any]]
    ) -> None:
        """``runs``: ``(name, status, conclusion)`` tuples or dicts with those keys."""
        with self._lock:
            r = self._repo(repo)
            sha = resolve_ref(r, ref, strict=False)
            items = [
                run
                if isinstance(run, dict)
                else dict(zip(("name", "status", "conclusion"), run, strict=True))
                for run in runs
            ]
            r.check_runs[sha] = [
                CheckRun(
                    self.state.new_id(),
                    str(i["name"]),
                    sha,
                    str(i.get("status") or "completed"),
                    i.get("conclusion"),
                )
                for i in items
            ]

    def set_statuses(
        self, repo: str, ref: str, statuses: Iterable[tuple[str, str] | dict[str, Any]]
    ) -> None:
        """``statuses``: ``(context, state)`` tuples or dicts (``context``, ``state``, ...)."""
        with self._lock:
            r = self._repo(repo)
            sha = resolve_ref(r, ref, strict=False)
            items = [
                s if isinstance(s, dict) else {"context": s[0], "state": s[1]} for s in statuses
            ]
            r.statuses[sha] = [
                Status(
                    self.state.new_id(),
                    i["context"],
                    i["state"],
                    i.get("description"),
                    i.get("target_url"),
                )
                for i in items
            ]

    # -- inspectors ----------------------------------------------------------------
    def repo(self, repo: str) -> Repo:
        return self._repo(repo)

    def issue(self, repo: str, number: int) -> Issue:
        with self._lock:
            return self._repo(repo).issues[number]

    def comments(self, repo: str, number: int) -> list[Comment]:
        with self._lock:
            return sorted(
                (c for c in self._repo(repo).comments.values() if c.issue_number == number),
                key=lambda c: c.id,
            )

    def reactions(self, repo: str, kind: str, number: int) -> list[tuple[str, str]]:
        """``(content, login)`` of the reactions on an issue (``kind="issue"``) or a comment."""
        with self._lock:
            return [(r.content, r.user) for r in self._repo(repo).reactions
                    if r.subject == (kind, number)]  # fmt: skip

    def pulls(self, repo: str, state: str = "all") -> list[Issue]:
        with self._lock:
            return [
                i
                for i in self._repo(repo).issues.values()
                if i.pull is not None and state in ("all", i.state)
            ]

    def labels(self, repo: str) -> list[str]:
        with self._lock:
            return [lab.name for lab in self._repo(repo).labels.values()]

    def pull_head_sha(self, repo: str, number: int) -> str:
        with self._lock:
            r = self._repo(repo)
            pull = r.issues[number].pull
            assert pull is not None
            return head_sha(self.state, r, pull)

    def _repo(self, full_name: str) -> Repo:
        return self.state.repo(*full_name.split("/"))
