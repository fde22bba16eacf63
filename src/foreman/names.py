"""Names foreman takes from events, plans and the config and later hands to GitHub, git or a
command: repositories (``owner/name``), branch names, declared variable names. One set of
rules, so that what the plan accepts the gate accepts too, and a bad name is an error where it
comes in."""

from __future__ import annotations

import re

from foreman.secrets import looks_secret

# GitHub's rules, with room: an owner is a user or organisation login (letters, digits and
# hyphens, 1-39; managed users add "_shortcode"), a repository name 1-100 letters, digits,
# '.', '-', '_', not '.' or '..'. ASCII only (re's \w would let in any Unicode letter). What
# matters is that no name can be empty, a path step ('..') or an option ('-x').
OWNER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")
REPO_NAME = re.compile(r"[A-Za-z0-9._-]{1,100}")
# What `git check-ref-format --branch` refuses, less the rules checked one by one below.
_REF_BAD = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|//")
# Variables the config may declare for commands (``env:``): a name, never the runner's or ours.
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")
_RUNNER_PREFIXES = ("GITHUB_", "RUNNER_", "ACTIONS_", "INPUT_", "FOREMAN_", "ANTHROPIC_")
_RESERVED = frozenset({"HOME", "TMPDIR", "PATH", "LD_PRELOAD", "LD_LIBRARY_PATH", "PYTHONPATH"})
MAX_BRANCH = 255  # bytes GitHub allows in a ref name, give or take its refs/heads/ prefix


def repo_problem(text: str) -> str | None:
    """Why ``text`` is not an ``owner/name`` GitHub could have, or None."""
    owner, slash, name = text.partition("/")
    if not slash or "/" in name:
        return f"expected owner/name, got {text[:100]!r}"
    if not OWNER.fullmatch(owner):
        return (
            f"the owner {owner[:40]!r} is not a GitHub account name (letters, digits, '-' and"
            " '_', starting with a letter or digit)"
        )
    if not REPO_NAME.fullmatch(name) or name in (".", ".."):
        return (
            f"the name {name[:40]!r} is not a GitHub repository name (1-100 letters, digits,"
            " '.', '-' and '_', not '.' or '..')"
        )
    return None


def branch_problem(text: str) -> str | None:
    """Why ``text`` is not a branch name git accepts (``git check-ref-format --branch``), or
    None."""
    if not text:
        return "is empty"
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BRANCH:
        return f"is longer than {MAX_BRANCH} bytes"
    if bad := _REF_BAD.search(text):
        return f"holds {bad.group()!r}, which git refuses in a branch name"
    if text.startswith(("-", "/")) or text.endswith(("/", ".")) or text == "@":
        return "starts with '-' or '/', ends with '/' or '.', or is '@'"
    if any(part.startswith(".") or part.endswith(".lock") for part in text.split("/")):
        return "has a part that starts with '.' or ends with '.lock'"
    return None


def env_name_problem(name: str) -> str | None:
    """Why ``name`` may not be declared as a variable passed into commands, or None."""
    if not _ENV_NAME.fullmatch(name):
        return "is not an environment variable name"
    if looks_secret(name):
        return "looks like a secret (its name says token, key, password, ...): not passed"
    if name.upper().startswith(_RUNNER_PREFIXES) or name.upper().startswith("CI_"):
        return "belongs to the runner or to foreman: not passed"
    if name.upper() in _RESERVED:
        return "is set by the sandbox itself"
    return None
