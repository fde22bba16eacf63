"""Branches and commits through the Git Data API: tree (``base_tree``) -> commit -> ref.

File contents go inline in the tree entries (one call for the whole tree);
only content that is not valid UTF-8 needs a blob of its own. Deletions are
entries with ``sha: null``. A branch that already holds this patch (same
``Foreman-Patch`` trailer, or the same tree) gets no new commit; a branch
whose head is not one of ours is never overwritten.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from foreman.errors import GitHubError, NotFoundError
from foreman.gate.base import BaseFiles, Checkout
from foreman.gate.model import FileChange
from foreman.gate.patch import PatchError, decode, encode
from foreman.gate.texts import trailer
from foreman.github.client import github_errors
from foreman.github.reconcile import write_with_reconcile
from foreman.timelimit import Sleep

if TYPE_CHECKING:
    from github.Repository import Repository

BranchState = Literal["created", "updated", "unchanged", "foreign"]


@dataclass(frozen=True)
class Base:
    sha: str  # the parent commit
    tree: str  # its tree
    reader: BaseFiles  # its files
    local: bool  # the reader is the checkout: files computed by policy are valid as they are


@dataclass(frozen=True)
class Head:
    sha: str
    tree: str
    message: str


@dataclass(frozen=True)
class BranchResult:
    state: BranchState
    sha: str


def _api(repo: Repository, verb: str, path: str, body: Any = None) -> Any:
    _, data = repo.requester.requestJsonAndCheck(verb, f"{repo.url}{path}", input=body)
    return data


class RemoteTree:
    """The files of a tree on GitHub: one recursive listing, then one blob per file read."""

    def __init__(self, repo: Repository, tree: str) -> None:
        self.repo, self.tree = repo, tree
        self._entries: dict[str, tuple[str, str, str]] | None = None

    def read(self, path: str) -> tuple[str, str] | None:
        if self._entries is None:
            with github_errors():
                data = _api(self.repo, "GET", f"/git/trees/{self.tree}?recursive=1")
            if data.get("truncated"):
                raise GitHubError("the repository tree is too large to read through the API")
            self._entries = {e["path"]: (e["mode"], e["type"], e["sha"]) for e in data["tree"]}
        entry = self._entries.get(path)
        if entry is None:
            return None
        mode, kind, sha = entry
        if kind != "blob":
            return (mode, "")
        with github_errors():
            blob = _api(self.repo, "GET", f"/git/blobs/{sha}")
        return mode, decode(base64.b64decode(blob["content"]))


def resolve_base(repo: Repository, branch: str, checkout: Checkout) -> Base:
    """The default branch on GitHub; its files come from the checkout when the trees agree."""
    with github_errors():
        data = _api(repo, "GET", f"/branches/{quote(branch)}")
    sha, tree = data["commit"]["sha"], data["commit"]["commit"]["tree"]["sha"]
    if checkout.tree_sha() == tree:
        return Base(sha, tree, checkout, local=True)
    return Base(sha, tree, RemoteTree(repo, tree), local=False)


def read_head(repo: Repository, sha: str) -> Head:
    with github_errors():
        data = _api(repo, "GET", f"/git/commits/{sha}")
    return Head(sha, data["tree"]["sha"], data.get("message") or "")


def get_ref(repo: Repository, branch: str) -> str | None:
    try:
        with github_errors():
            data = _api(repo, "GET", f"/git/ref/heads/{quote(branch)}")
    except NotFoundError:
        return None
    sha: str = data["object"]["sha"]
    return sha


def _entries(repo: Repository, files: dict[str, FileChange], sleep: Sleep) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for change in files.values():
        entry: dict[str, Any] = {"path": change.path, "mode": change.mode, "type": "blob"}
        if change.content is None:
            entry["sha"] = None
        else:
            try:
                entry["content"] = encode(change.content).decode("utf-8")
            except UnicodeDecodeError:
                entry["sha"] = _blob(repo, encode(change.content), sleep)
        out.append(entry)
    return out


def _create_object(
    repo: Repository, path: str, body: dict[str, Any], sleep: Sleep, what: str
) -> str:
    """POST a git object. Objects are content-addressed: re-creating one after an
    ambiguous failure is harmless, so there is nothing to look up first."""
    made = write_with_reconcile(
        lambda: _api(repo, "POST", path, body), lambda: None, sleep=sleep, what=what
    )
    sha: str = made["sha"]
    return sha


def _blob(repo: Repository, data: bytes, sleep: Sleep) -> str:
    """A blob for content that is not UTF-8 (tree entries carry only UTF-8 text)."""
    body = {"content": base64.b64encode(data).decode(), "encoding": "base64"}
    return _create_object(repo, "/git/blobs", body, sleep, "create blob")


def write_tree(repo: Repository, base_tree: str, files: dict[str, FileChange], sleep: Sleep) -> str:
    body = {"base_tree": base_tree, "tree": _entries(repo, files, sleep)}
    try:
        return _create_object(repo, "/git/trees", body, sleep, "create tree")
    except GitHubError as err:
        if getattr(err.__cause__, "status", None) != 422:
            raise
        raise GitHubError(
            f"GitHub refused the new tree ({err.message}): a path of the patch conflicts "
            "with the base branch (e.g. a file where a folder is); nothing was written"
        ) from err


def write_commit(repo: Repository, message: str, tree: str, parent: str, sleep: Sleep) -> str:
    body = {"message": message, "tree": tree, "parents": [parent]}
    return _create_object(repo, "/git/commits", body, sleep, "create commit")


def move_ref(repo: Repository, branch: str, sha: str, *, force: bool, sleep: Sleep) -> None:
    def lookup() -> str | None:
        return sha if get_ref(repo, branch) == sha else None

    write_with_reconcile(
        lambda: _api(
            repo, "PATCH", f"/git/refs/heads/{quote(branch)}", {"sha": sha, "force": force}
        ),
        lookup,
        sleep=sleep,
        what=f"update branch {branch}",
    )


def create_ref(repo: Repository, branch: str, sha: str, sleep: Sleep) -> str:
    """Create the branch at ``sha``; if it exists already, return its current head."""

    def lookup() -> str | None:
        return get_ref(repo, branch)

    def write() -> str:
        _api(repo, "POST", "/git/refs", {"ref": f"refs/heads/{branch}", "sha": sha})
        return sha

    return write_with_reconcile(write, lookup, sleep=sleep, what=f"create branch {branch}")


def sync_branch(
    repo: Repository,
    branch: str,
    content: Callable[[], tuple[Base, dict[str, FileChange]]],
    message: str,
    patch_digest: str,
    *,
    head: str | None,
    sleep: Sleep,
) -> BranchResult:
    """Make ``branch`` hold the files ``content()`` gives on top of its base.

    ``head`` is the branch's sha when known (from its PR); ``content`` is only
    called when something has to be written.
    """
    current = read_head(repo, head) if head else None
    if current is not None:
        mark = trailer(current.message)
        if mark == patch_digest:
            return BranchResult("unchanged", current.sha)
        if mark is None:
            return BranchResult("foreign", current.sha)
    base, files = content()
    tree = write_tree(repo, base.tree, files, sleep)
    if current is not None and current.tree == tree:
        return BranchResult("unchanged", current.sha)
    commit = write_commit(repo, message, tree, base.sha, sleep)
    if current is not None:
        move_ref(repo, branch, commit, force=True, sleep=sleep)
        return BranchResult("updated", commit)
    existing = create_ref(repo, branch, commit, sleep)
    if existing == commit:
        return BranchResult("created", commit)
    # The branch was there already (C05: an earlier run stopped before its PR).
    found = read_head(repo, existing)
    mark = trailer(found.message)
    if mark is None:
        return BranchResult("foreign", existing)
    if mark == patch_digest or found.tree == tree:
        return BranchResult("unchanged", existing)
    move_ref(repo, branch, commit, force=True, sleep=sleep)
    return BranchResult("updated", commit)


def push_fix(
    repo: Repository,
    branch: str,
    head: Head,
    files: dict[str, FileChange],
    message: str,
    sleep: Sleep,
) -> str:
    """A fix commit on top of a PR's head (fast-forward only: a moved head fails)."""
    tree = write_tree(repo, head.tree, files, sleep)
    if tree == head.tree:
        raise PatchError("the change is already on the branch")
    commit = write_commit(repo, message, tree, head.sha, sleep)
    move_ref(repo, branch, commit, force=False, sleep=sleep)
    return commit
