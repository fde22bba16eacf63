"""Git Data API: refs, blobs, trees, commits."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from .gitstore import FILE_MODE, Signature
from .routing import Request, Response, no_content, ok, route
from .serialize_git import SHA_RE, blob_json, git_commit_json, ref_json, resolve_ref, tree_json
from .state import ApiError, Repo, now_iso, validation_failed

R = "/repos/{owner}/{repo}"


def _need_sha(value: Any, what: str) -> str:
    if not isinstance(value, str) or not SHA_RE.match(value):
        raise validation_failed(what, "invalid", "sha")
    return value


@route("GET", R + "/git/ref/{ref+}", "git/get-ref")
def get_ref(req: Request) -> Response:
    repo = req.repo()
    ref = "refs/" + req.params["ref"]
    if ref not in repo.refs:
        raise ApiError(404, "Not Found")
    return ok(ref_json(req.base, repo, ref, repo.refs[ref]))


@route("POST", R + "/git/refs", "git/create-ref")
def create_ref(req: Request) -> Response:
    repo = req.repo()
    body = req.json_object()
    ref = body.get("ref")
    if not isinstance(ref, str) or not ref.startswith("refs/") or ref.count("/") < 2:
        raise ApiError(422, "Reference name must start with 'refs/' and have at least two slashes.")
    sha = _need_sha(body.get("sha"), "Reference")
    if sha not in repo.git.commits:
        raise ApiError(422, "Object does not exist")
    if ref in repo.refs:
        raise ApiError(422, "Reference already exists")
    repo.refs[ref] = sha
    return ok(ref_json(req.base, repo, ref, sha), 201)


@route("PATCH", R + "/git/refs/{ref+}", "git/update-ref")
def update_ref(req: Request) -> Response:
    repo = req.repo()
    ref = "refs/" + req.params["ref"]
    body = req.json_object()
    sha = _need_sha(body.get("sha"), "Reference")
    if ref not in repo.refs:
        raise ApiError(422, "Reference does not exist")
    if sha not in repo.git.commits:
        raise ApiError(422, "Object does not exist")
    if not body.get("force") and not repo.git.is_ancestor(repo.refs[ref], sha):
        raise ApiError(422, "Update is not a fast forward")
    repo.refs[ref] = sha
    return ok(ref_json(req.base, repo, ref, sha))


@route("DELETE", R + "/git/refs/{ref+}", "git/delete-ref")
def delete_ref(req: Request) -> Response:
    repo = req.repo()
    ref = "refs/" + req.params["ref"]
    if ref not in repo.refs:
        raise ApiError(422, "Reference does not exist")
    del repo.refs[ref]
    return no_content()


def _blob_bytes(content: Any, encoding: Any) -> bytes:
    if not isinstance(content, str):
        raise validation_failed("Blob", "missing_field", "content")
    if encoding in (None, "utf-8"):
        return content.encode("utf-8")
    if encoding == "base64":
        try:
            return base64.b64decode(content, validate=False)
        except binascii.Error as exc:
            raise ApiError(422, f"Invalid base64: {exc}") from None
    raise ApiError(422, f"encoding must be utf-8 or base64, not {encoding}")


@route("POST", R + "/git/blobs", "git/create-blob")
def create_blob(req: Request) -> Response:
    repo = req.repo()
    body = req.json_object()
    sha = repo.git.write_blob(_blob_bytes(body.get("content"), body.get("encoding")))
    return ok(blob_json(req.base, repo, sha, full=False), 201)


@route("GET", R + "/git/blobs/{file_sha}", "git/get-blob")
def get_blob(req: Request) -> Response:
    repo = req.repo()
    sha = req.params["file_sha"]
    if sha not in repo.git.blobs:
        raise ApiError(404, "Not Found")
    return ok(blob_json(req.base, repo, sha, full=True))


@route("POST", R + "/git/trees", "git/create-tree")
def create_tree(req: Request) -> Response:
    repo = req.repo()
    body = req.json_object()
    files: dict[str, tuple[str, str, str]] = {}
    if body.get("base_tree"):
        base_tree = body["base_tree"]
        if base_tree not in repo.git.trees:
            raise ApiError(422, "base_tree is not a valid tree oid")
        files = repo.git.flatten(base_tree)
    entries = body.get("tree")
    if not isinstance(entries, list):
        raise validation_failed("Tree", "missing_field", "tree")
    for entry in entries:
        files = _apply_entry(repo, files, entry)
    sha = repo.git.write_flat_tree(files)
    return ok(tree_json(req.base, repo, sha, recursive=False), 201)


def _apply_entry(
    repo: Repo, files: dict[str, tuple[str, str, str]], entry: dict[str, Any]
) -> dict[str, tuple[str, str, str]]:
    path = str(entry.get("path", "")).strip("/")
    mode = str(entry.get("mode", FILE_MODE))
    kind = str(entry.get("type", "blob"))
    if not path:
        raise validation_failed("Tree", "missing_field", "path")
    # Drop whatever is at ``path`` (a file, or a whole directory).
    files = {p: v for p, v in files.items() if p != path and not p.startswith(path + "/")}
    if "content" in entry and entry["content"] is not None:
        sha = repo.git.write_blob(str(entry["content"]).encode("utf-8"))
    elif entry.get("sha") is None:
        return files  # sha: null deletes the path
    else:
        sha = str(entry["sha"])
        store = repo.git.trees if kind == "tree" else repo.git.blobs
        if kind != "commit" and sha not in store:
            raise ApiError(422, f"tree.sha {sha} is not a valid {kind}")
    _no_file_in_the_way(files, path)
    if kind == "tree":
        for sub, value in repo.git.flatten(sha).items():
            files[f"{path}/{sub}"] = value
    else:
        files[path] = (mode, kind, sha)
    return files


def _no_file_in_the_way(files: dict[str, tuple[str, str, str]], path: str) -> None:
    """A path under a file (``CODEOWNERS/a.md``) is refused as GitHub refuses it: 422."""
    parts = path.split("/")
    if any("/".join(parts[:n]) in files for n in range(1, len(parts))):
        raise ApiError(422, "GitRPC::BadObjectState")


@route("GET", R + "/git/trees/{tree_sha}", "git/get-tree")
def get_tree(req: Request) -> Response:
    repo = req.repo()
    sha = req.params["tree_sha"]
    if sha not in repo.git.trees:  # a commit sha or a branch/tag name also work
        try:
            commit = repo.git.commits.get(resolve_ref(repo, sha))
        except ApiError:
            commit = None
        if commit is None:
            raise ApiError(404, "Not Found")
        sha = commit.tree
    recursive = req.query.get("recursive") not in (None, "", "0", "false")
    return ok(tree_json(req.base, repo, sha, recursive=recursive))


def _signature(value: Any, login: str) -> Signature:
    if isinstance(value, dict) and value.get("name") and value.get("email"):
        date = str(value.get("date") or now_iso())
        return Signature(str(value["name"]), str(value["email"]), date)
    return Signature(login, f"{login}@users.noreply.127.0.0.1", now_iso())


@route("POST", R + "/git/commits", "git/create-commit")
def create_commit(req: Request) -> Response:
    repo = req.repo()
    body = req.json_object()
    tree = body.get("tree")
    if not isinstance(tree, str) or tree not in repo.git.trees:
        raise validation_failed("Commit", "invalid", "tree")
    parents = body.get("parents") or []
    for parent in parents:
        if parent not in repo.git.commits:
            raise ApiError(422, f"Parent SHA does not exist or is not a commit object: {parent}")
    author = _signature(body.get("author"), req.login)
    committer = _signature(body.get("committer"), req.login) if body.get("committer") else author
    message = body.get("message")
    if not isinstance(message, str):
        raise validation_failed("Commit", "missing_field", "message")
    sha = repo.git.write_commit(tree, list(parents), message, author, committer)
    return ok(git_commit_json(req.base, repo, repo.git.commits[sha]), 201)


@route("GET", R + "/git/commits/{commit_sha}", "git/get-commit")
def get_commit(req: Request) -> Response:
    repo = req.repo()
    commit = repo.git.commits.get(req.params["commit_sha"])
    if commit is None:
        raise ApiError(404, "Not Found")
    return ok(git_commit_json(req.base, repo, commit))
