"""foreman.gate.patch: parse git's diffs and apply them exactly (checked against git itself)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from foreman.gate.base import Checkout, already_applied, materialize
from foreman.gate.patch import PatchError, apply, parse, split_lines
from tests.support.gate import git

LONG = "".join(f"line {i}\n" for i in range(1, 41))


def repo_with(tmp_path: Path, files: dict[str, bytes]) -> Path:
    root = tmp_path / "r"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    for path, data in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    return root


def diff_of(root: Path, changes: dict[str, bytes | None]) -> str:
    for path, data in changes.items():
        if data is None:
            (root / path).unlink()
        else:
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_bytes(data)
    git(root, "add", "-A")
    out = git(root, "diff", "--cached", "--binary", "--full-index", "--no-renames", "HEAD")
    git(root, "reset", "-q", "--hard", "HEAD")
    git(root, "clean", "-qfd")
    return out


CASES: dict[str, tuple[dict[str, bytes], dict[str, bytes | None]]] = {
    "modify": ({"a.txt": LONG.encode()}, {"a.txt": LONG.replace("line 20\n", "twenty\n").encode()}),
    "two hunks": (
        {"a.txt": LONG.encode()},
        {"a.txt": LONG.replace("line 2\n", "two\n").replace("line 39\n", "").encode()},
    ),
    "add": ({"a.txt": b"x\n"}, {"dir/new file.txt": b"hello\nworld\n"}),
    "delete": ({"a.txt": b"x\n", "b.txt": b"gone\n"}, {"b.txt": None}),
    "no newline at end": ({"a.txt": b"one\ntwo"}, {"a.txt": b"one\n2"}),
    "newline added at end": ({"a.txt": b"one\ntwo"}, {"a.txt": b"one\ntwo\n"}),
    "crlf": ({"a.txt": b"one\r\ntwo\r\n"}, {"a.txt": b"one\r\nTWO\r\n"}),
    "utf-8 and tab in name": (
        {"a.txt": b"x\n"},
        {"d\u00e9j\u00e0\tvu.txt".encode(): b"caf\xc3\xa9\n"},
    ),
    "latin-1 bytes": ({"a.txt": b"caf\xe9\n"}, {"a.txt": b"caf\xe9 au lait\n"}),
    "empty file added": ({"a.txt": b"x\n"}, {"empty.txt": b""}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_parse_and_apply_reproduce_git(tmp_path: Path, name: str) -> None:
    base, changes = CASES[name]
    changes = {(k.decode() if isinstance(k, bytes) else k): v for k, v in changes.items()}
    root = repo_with(tmp_path, base)
    patches = parse(diff_of(root, changes))
    files = materialize(patches, Checkout(root))
    for path, data in changes.items():
        if data is None:
            assert files[path].content is None
        else:
            assert files[path].content is not None
            assert files[path].content.encode("utf-8", "surrogateescape") == data
    assert already_applied(patches, _Overlay(files)) is True


class _Overlay:
    def __init__(self, files: dict) -> None:
        self.files = files

    def read(self, path: str) -> tuple[str, str] | None:
        change = self.files.get(path)
        return None if change is None or change.content is None else (change.mode, change.content)


def test_counts_and_added_line_numbers(tmp_path: Path) -> None:
    root = repo_with(tmp_path, {"a.txt": LONG.encode()})
    [fp] = parse(diff_of(root, {"a.txt": LONG.replace("line 20\n", "new A\nnew B\n").encode()}))
    assert (fp.status, fp.additions, fp.deletions) == ("modified", 2, 1)
    assert fp.added_lines() == [(20, "new A"), (21, "new B")]


def test_hunk_applies_at_an_offset_but_not_with_changed_context() -> None:
    [fp] = parse("--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n")
    assert apply("x\ny\na\nb\nc\n", fp) == "x\ny\na\nB\nc\n"
    with pytest.raises(PatchError, match="hunk 1 does not apply"):
        apply("a\nbb\nc\n", fp)
    assert apply("a\nB\nc\n", fp, reverse=True) == "a\nb\nc\n"


def test_malformed_patches_are_errors() -> None:
    with pytest.raises(PatchError):
        parse("hello world\n")
    with pytest.raises(PatchError, match="truncated"):
        parse("--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n")
    with pytest.raises(PatchError, match="already exists"):
        [fp] = parse("--- /dev/null\n+++ b/f\n@@ -0,0 +1 @@\n+x\n")
        apply("old\n", fp)


def test_binary_patch_is_flagged_not_applied(tmp_path: Path) -> None:
    root = repo_with(tmp_path, {"img.bin": bytes(range(256))})
    [fp] = parse(diff_of(root, {"img.bin": bytes(reversed(range(256)))}))
    assert fp.binary
    with pytest.raises(PatchError, match="binary"):
        apply("x", fp)


def test_mode_change_and_executable_file(tmp_path: Path) -> None:
    root = repo_with(tmp_path, {"run.sh": b"echo hi\n"})
    (root / "run.sh").chmod(0o755)
    (root / "run.sh").write_bytes(b"echo hello\n")
    git(root, "add", "-A")
    text = git(root, "diff", "--cached", "--full-index", "HEAD")
    [fp] = parse(text)
    assert fp.new_mode == "100755"
    git(root, "reset", "-q", "--hard", "HEAD")
    files = materialize([fp], Checkout(root))
    assert files["run.sh"].mode == "100755"


def test_only_newline_ends_a_line() -> None:
    assert split_lines("a\x0cb\u2028c\nd") == ["a\x0cb\u2028c\n", "d"]


def test_git_itself_agrees_the_patch_applies(tmp_path: Path) -> None:
    root = repo_with(tmp_path, {"a.txt": LONG.encode()})
    text = diff_of(root, {"a.txt": LONG.replace("line 5\n", "five\n").encode()})
    proc = subprocess.run(["git", "apply", "--check", "-"], cwd=root, input=text.encode(),
                          capture_output=True, check=False)  # fmt: skip
    assert proc.returncode == 0
    assert materialize(parse(text), Checkout(root))["a.txt"].content == LONG.replace(
        "line 5\n", "five\n"
    )
