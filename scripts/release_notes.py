"""The release's notes: one version's section of CHANGELOG.md, after checking the version.

Run by the release workflow (stdlib only):

    python3 scripts/release_notes.py --tag v1.2.3 --out notes.md
    python3 scripts/release_notes.py --unreleased --out notes.md   # a dry run's notes

``--tag`` must be ``v`` + the version in pyproject.toml, and CHANGELOG.md must have
a ``## 1.2.3`` section (``## v1.2.3`` and ``## [1.2.3]`` also match; a date may
follow). Prints the version; exits 2 with a message when anything does not match.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ReleaseError(ValueError):
    pass


def project_version(root: Path = ROOT) -> str:
    data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    return str(data["project"]["version"])


def section(changelog: str, heading: str) -> str:
    """The text under ``## <heading>`` up to the next ``## `` heading, stripped."""
    # "## 1.2.3", "## v1.2.3" or "## [1.2.3]", a date after a dash allowed.
    pattern = re.compile(
        rf"^## \[?v?{re.escape(heading)}\]?(?:[ \t]+[\u2014\u2013-][^\n]*)?[ \t]*\n"
        r"(?P<body>.*?)(?=^## |\Z)",
        re.M | re.S | re.I,
    )
    found = pattern.search(changelog)
    if found is None or not found.group("body").strip():
        raise ReleaseError(f"CHANGELOG.md has no '## {heading}' section with text in it")
    return found.group("body").strip() + "\n"


def notes(tag: str | None, root: Path = ROOT) -> tuple[str, str]:
    version = project_version(root)
    changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    if tag is None:
        return version, section(changelog, "Unreleased")
    if not re.fullmatch(r"v\d+\.\d+\.\d+", tag):
        raise ReleaseError(f"release tags look like v1.2.3; got {tag!r}")
    if tag != f"v{version}":
        raise ReleaseError(f"tag {tag} does not match pyproject.toml's version {version}")
    return version, section(changelog, version)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--tag", help="the release tag, v + pyproject.toml's version")
    which.add_argument("--unreleased", action="store_true", help="the Unreleased section")
    parser.add_argument("--out", required=True, help="file to write the notes to")
    args = parser.parse_args(argv)
    try:
        version, text = notes(None if args.unreleased else args.tag)
    except ReleaseError as err:
        print(f"release notes: {err}", file=sys.stderr)
        return 2
    Path(args.out).write_text(text, encoding="utf-8")
    print(version)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
