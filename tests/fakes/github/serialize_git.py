"""JSON shapes of git refs, blobs, trees and commits, contents, branches, comparisons."""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import quote

from .gitstore import Commit, Signature
from .state import ApiError, Repo

SHA_RE = re.compile(r"^[0-9a-f]{40}$")
UNSIGNED = {
    "verified": False,
    "reason": "unsigned",
    "signature": None,
    "payload": None,
    "verified_at": None,
}


def resolve_ref(repo: Repo, ref: str, *, strict: bool = True) -> str:
    """A sha for a branch, tag, ``heads/x``/``refs/heads/x`` or a (full) sha."""
    for candidate in (ref, f"refs/{ref}", f"refs/heads/{ref}", f"refs/tags/{ref}"):
        if candidate.startswith("refs/") and candidate in repo.refs:
            return repo.refs[candidate]
    if SHA_RE.match(ref) and (ref in repo.git.commits or not strict):
        return ref
    raise ApiError(422 if strict else 404, f"No commit found for SHA: {ref}")


def ref_json(base: str, repo: Repo, ref: str, sha: str) -> dict[str, Any]:
    r = f"{base}/repos/{repo.full_name}"
    return {
        "ref": ref,
        "node_id": f"REF_{quote(ref, safe='')}",
        "url": f"{r}/git/{quote(ref)}",
        "object": {"type": "commit", "sha": sha, "url": f"{r}/git/commits/{sha}"},
    }


def blob_json(base: str, repo: Repo, sha: str, *, full: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"sha": sha, "url": f"{base}/repos/{repo.full_name}/git/blobs/{sha}"}
    if full:
        data = repo.git.blobs[sha]
        out.update(
            {
                "node_id": f"B_{sha[:12]}",
                "size": len(data),
                "content": _b64(data),
                "encoding": "base64",
            }
        )
    return out


def tree_json(base: str, repo: Repo, sha: str, *, recursive: bool) -> dict[str, Any]:
    r = f"{base}/repos/{repo.full_name}"
    entries = []
    for path, e in repo.git.walk(sha, recursive):
        item: dict[str, Any] = {"path": path, "mode": e.mode, "type": e.type, "sha": e.sha}
        if e.type == "blob":
            item["size"] = len(repo.git.blobs.get(e.sha, b""))
            item["url"] = f"{r}/git/blobs/{e.sha}"
        elif e.type == "tree":
            item["url"] = f"{r}/git/trees/{e.sha}"
        entries.append(item)
    return {"sha": sha, "url": f"{r}/git/trees/{sha}", "tree": entries, "truncated": False}


def _sig(sig: Signature) -> dict[str, str]:
    return {"name": sig.name, "email": sig.email, "date": sig.date}


def git_commit_json(base: str, repo: Repo, commit: Commit) -> dict[str, Any]:
    r = f"{base}/repos/{repo.full_name}"
    return {
        "sha": commit.sha,
        "node_id": f"C_{commit.sha[:12]}",
        "url": f"{r}/git/commits/{commit.sha}",
        "html_url": f"{base}/{repo.full_name}/commit/{commit.sha}",
        "author": _sig(commit.author),
        "committer": _sig(commit.committer),
        "tree": {"sha": commit.tree, "url": f"{r}/git/trees/{commit.tree}"},
        "message": commit.message,
        "parents": [
            {
                "sha": p,
                "url": f"{r}/git/commits/{p}",
                "html_url": f"{base}/{repo.full_name}/commit/{p}",
            }
            for p in commit.parents
        ],
        "verification": dict(UNSIGNED),
    }


def commit_json(base: str, repo: Repo, commit: Commit) -> dict[str, Any]:
    """The REST ``commit`` shape (repos/get-commit, branches, comparisons)."""
    r = f"{base}/repos/{repo.full_name}"
    inner = git_commit_json(base, repo, commit)
    return {
        "url": f"{r}/commits/{commit.sha}",
        "sha": commit.sha,
        "node_id": inner["node_id"],
        "html_url": inner["html_url"],
        "comments_url": f"{r}/commits/{commit.sha}/comments",
        "commit": {
            "url": inner["url"],
            "author": inner["author"],
            "committer": inner["committer"],
            "message": commit.message,
            "comment_count": 0,
            "tree": inner["tree"],
            "verification": inner["verification"],
        },
        "author": None,
        "committer": None,
        "parents": [
            {"sha": p["sha"], "url": f"{r}/commits/{p['sha']}", "html_url": p["html_url"]}
            for p in inner["parents"]
        ],
    }


def content_json(base: str, repo: Repo, path: str, ref: str, kind: str, sha: str) -> dict[str, Any]:
    r = f"{base}/repos/{repo.full_name}"
    qpath = quote(path)
    url = f"{r}/contents/{qpath}?ref={quote(ref, safe='')}"
    git_url = f"{r}/git/{'blobs' if kind == 'file' else 'trees'}/{sha}"
    html = f"{base}/{repo.full_name}/{'blob' if kind == 'file' else 'tree'}/{ref}/{qpath}"
    size = len(repo.git.blobs.get(sha, b"")) if kind == "file" else 0
    return {
        "type": kind,
        "size": size,
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "sha": sha,
        "url": url,
        "git_url": git_url,
        "html_url": html,
        "download_url": f"{base}/raw/{repo.full_name}/{ref}/{qpath}" if kind == "file" else None,
        "_links": {"self": url, "git": git_url, "html": html},
    }


def file_json(base: str, repo: Repo, path: str, ref: str, sha: str) -> dict[str, Any]:
    out = content_json(base, repo, path, ref, "file", sha)
    out.update({"encoding": "base64", "content": _b64(repo.git.blobs[sha])})
    return out


def _b64(data: bytes) -> str:
    """Base64 wrapped at 60 characters per line, as GitHub sends it."""
    text = base64.b64encode(data).decode()
    return "".join(text[i : i + 60] + "\n" for i in range(0, len(text), 60))
