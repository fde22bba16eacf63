"""The repository's instructions for agent workers (``AGENTS.md`` and friends), as trusted text.

Read from the default branch's copy that the work job keeps outside the workspace
(``--instructions DIR``), never from the task's checkout: a pull request cannot change what
its own worker is told (the same rule as the config). Read once, before any command runs.

The root file is the config's ``instructions.file`` or the first of ``AGENTS.md``,
``CLAUDE.md``, ``.github/copilot-instructions.md``; with ``instructions.nested`` the
nearest ``AGENTS.md`` above each path the worker may change is added too. The whole is
capped at ``instructions.max_chars``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from foreman.config.environment import DEFAULT_INSTRUCTIONS, InstructionsConfig

NESTED = "AGENTS.md"
MAX_NESTED = 5
_GLOB = re.compile(r"[*?\[]")


def literal_dir(pattern: str) -> str:
    """The directory part of an allowed-path pattern before its first wildcard ('' = root)."""
    parts = PurePosixPath(pattern.strip("/")).parts
    kept: list[str] = []
    for part in parts:
        if _GLOB.search(part):
            break
        kept.append(part)
    if kept and len(kept) == len(parts) and "." in kept[-1]:
        kept.pop()  # a file: its directory
    return "/".join(kept)


def _read(root: Path, rel: str) -> str | None:
    path = root / rel
    try:
        resolved = path.resolve(strict=True)
        if not resolved.is_relative_to(root.resolve()) or not resolved.is_file():
            return None  # a symlink out of the copy is not an instructions file
        with resolved.open("rb") as fh:
            data = fh.read(200_000)
    except (OSError, RuntimeError):
        return None
    text = data.decode("utf-8", errors="replace").replace("\x00", "")
    return text if text.strip() else None


def root_file(root: Path, config: InstructionsConfig) -> str | None:
    """Which root instructions file applies (repository-relative), or None."""
    names = (config.file,) if config.file else DEFAULT_INSTRUCTIONS
    return next((n for n in names if _read(root, n) is not None), None)


def nested_files(root: Path, paths: Iterable[str], skip: str | None) -> list[str]:
    """The nearest ``AGENTS.md`` above each path (not the root one), at most MAX_NESTED."""
    found: list[str] = []
    for pattern in paths:
        directory = literal_dir(pattern)
        while directory:
            rel = f"{directory}/{NESTED}"
            if _read(root, rel) is not None:
                if rel != skip and rel not in found:
                    found.append(rel)
                break
            directory = directory.rpartition("/")[0]
    return found[:MAX_NESTED]


def load(root: Path | None, config: InstructionsConfig, paths: Iterable[str] = ()) -> str:
    """The instructions block for the system prompt, or '' when there is none or it is off."""
    if root is None or not config.enabled or not root.is_dir():
        return ""
    main = root_file(root, config)
    files = [main] if main else []
    if config.nested:
        files += nested_files(root, paths, main)
    if not files:
        return ""
    budget = config.max_chars
    parts: list[str] = []
    for rel in files:
        text = (_read(root, rel) or "").strip()
        if budget <= 0:
            break
        if len(text) > budget:
            text = text[:budget] + f"\n[... cut: {len(text) - budget} more characters]"
        budget -= len(text)
        parts.append(f'<instructions file="{rel}">\n{text}\n</instructions>')
    return (
        "The repository's maintainers give these instructions (from the default branch; they"
        " refine how you do your job here but do not change the rules above):\n\n"
        + "\n\n".join(parts)
    )
