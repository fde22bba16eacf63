"""A small content-addressed git object store: blobs, trees and commits.

Object ids are real git SHA-1s (``"<type> <size>\\0" + payload``), trees are
nested like git's, so a tree built with ``base_tree`` and read back
recursively gives exactly what was written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

FILE_MODE = "100644"
DIR_MODE = "040000"


@dataclass(frozen=True)
class TreeEntry:
    name: str
    mode: str
    type: str  # blob | tree | commit
    sha: str


@dataclass(frozen=True)
class Signature:
    name: str
    email: str
    date: str


@dataclass(frozen=True)
class Commit:
    sha: str
    tree: str
    parents: tuple[str, ...]
    message: str
    author: Signature
    committer: Signature


@dataclass
class GitStore:
    blobs: dict[str, bytes] = field(default_factory=dict)
    trees: dict[str, tuple[TreeEntry, ...]] = field(default_factory=dict)
    commits: dict[str, Commit] = field(default_factory=dict)

    # -- writing ---------------------------------------------------------------
    def write_blob(self, content: bytes) -> str:
        sha = _hash("blob", content)
        self.blobs[sha] = content
        return sha

    def write_flat_tree(self, files: dict[str, tuple[str, str, str]]) -> str:
        """Build nested trees from ``{path: (mode, type, sha)}``; returns the root sha."""
        root: dict[str, object] = {}
        for path, entry in files.items():
            node = root
            *dirs, leaf = path.split("/")
            for part in dirs:
                child = node.setdefault(part, {})
                assert isinstance(child, dict), f"{path}: a file is in the way"
                node = child
            node[leaf] = entry
        return self._write_node(root)

    def _write_node(self, node: dict[str, object]) -> str:
        entries: list[TreeEntry] = []
        for name, value in node.items():
            if isinstance(value, dict):
                if not value:
                    continue
                entries.append(TreeEntry(name, DIR_MODE, "tree", self._write_node(value)))
            else:
                assert isinstance(value, tuple)
                mode, kind, sha = value
                entries.append(TreeEntry(name, mode, kind, sha))
        entries.sort(key=lambda e: e.name + ("/" if e.type == "tree" else ""))
        payload = b"".join(
            f"{e.mode.lstrip('0')} {e.name}".encode() + b"\0" + bytes.fromhex(e.sha)
            for e in entries
        )
        sha = _hash("tree", payload)
        self.trees[sha] = tuple(entries)
        return sha

    def write_commit(
        self,
        tree: str,
        parents: list[str],
        message: str,
        author: Signature,
        committer: Signature | None = None,
    ) -> str:
        committer = committer or author
        lines = [f"tree {tree}", *(f"parent {p}" for p in parents)]
        lines.append(f"author {author.name} <{author.email}> {author.date}")
        lines.append(f"committer {committer.name} <{committer.email}> {committer.date}")
        sha = _hash("commit", ("\n".join(lines) + "\n\n" + message).encode())
        self.commits[sha] = Commit(sha, tree, tuple(parents), message, author, committer)
        return sha

    # -- reading ---------------------------------------------------------------
    def flatten(self, tree_sha: str, prefix: str = "") -> dict[str, tuple[str, str, str]]:
        """``{path: (mode, type, sha)}`` of every non-tree entry below ``tree_sha``."""
        out: dict[str, tuple[str, str, str]] = {}
        for e in self.trees[tree_sha]:
            path = prefix + e.name
            if e.type == "tree":
                out.update(self.flatten(e.sha, path + "/"))
            else:
                out[path] = (e.mode, e.type, e.sha)
        return out

    def walk(self, tree_sha: str, recursive: bool, prefix: str = "") -> list[tuple[str, TreeEntry]]:
        """``(path, entry)`` pairs in git's order, trees included."""
        out: list[tuple[str, TreeEntry]] = []
        for e in self.trees[tree_sha]:
            out.append((prefix + e.name, e))
            if recursive and e.type == "tree":
                out.extend(self.walk(e.sha, True, prefix + e.name + "/"))
        return out

    def lookup(self, tree_sha: str, path: str) -> TreeEntry | None:
        """The entry at ``path`` (``""`` is the root tree itself)."""
        entry: TreeEntry | None = TreeEntry("", DIR_MODE, "tree", tree_sha)
        for part in [p for p in path.strip("/").split("/") if p]:
            if entry is None or entry.type != "tree":
                return None
            entry = next((e for e in self.trees[entry.sha] if e.name == part), None)
        return entry

    def ancestors(self, sha: str) -> list[str]:
        """``sha`` and every commit reachable from it, newest first (breadth first)."""
        seen: list[str] = []
        queue = [sha]
        while queue:
            current = queue.pop(0)
            if current in seen or current not in self.commits:
                continue
            seen.append(current)
            queue.extend(self.commits[current].parents)
        return seen

    def is_ancestor(self, ancestor: str, sha: str) -> bool:
        return ancestor in self.ancestors(sha)

    def merge_base(self, a: str, b: str) -> str | None:
        theirs = set(self.ancestors(b))
        return next((c for c in self.ancestors(a) if c in theirs), None)


def _hash(kind: str, payload: bytes) -> str:
    return hashlib.sha1(f"{kind} {len(payload)}".encode() + b"\0" + payload).hexdigest()


def fake_sha(*parts: object) -> str:
    """A stable sha for objects that have no git content (seeded PRs without branches)."""
    return hashlib.sha1(repr(parts).encode()).hexdigest()
