"""Point the workflow examples at one release: ``...agent-foreman@<SHA> # vX.Y.Z``.

Run by a maintainer after a release's tag exists (see docs/guide.md, "Releasing"):

    python scripts/release_pins.py --sha <the tag's commit> --version vX.Y.Z

Every ``uses:`` of this project in workflows-examples/*.yml gets the full commit
SHA (what callers should pin) and the version as a comment (what people read).
Stdlib only; exits 2 with a message on a bad SHA or version.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "workflows-examples"
OWN_USES = re.compile(
    r"^(?P<head>\s*(?:-\s+)?uses:\s*agent-foreman/agent-foreman(?:/[\w./-]+)?)@\S+(?P<tail>.*)$",
    re.M,
)


def repin(text: str, sha: str, version: str) -> tuple[str, int]:
    return OWN_USES.subn(lambda m: f"{m.group('head')}@{sha} # {version}", text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sha", required=True, help="the release tag's full commit SHA")
    parser.add_argument("--version", required=True, help="the release tag, vX.Y.Z")
    args = parser.parse_args(argv)
    if not re.fullmatch(r"[0-9a-f]{40}", args.sha):
        print(f"--sha must be a full 40-character commit SHA; got {args.sha!r}", file=sys.stderr)
        return 2
    if not re.fullmatch(r"v\d+\.\d+\.\d+", args.version):
        print(f"--version must look like v1.2.3; got {args.version!r}", file=sys.stderr)
        return 2
    total = 0
    for path in sorted(EXAMPLES.glob("*.yml")):
        text, count = repin(path.read_text(encoding="utf-8"), args.sha, args.version)
        if count:
            path.write_text(text, encoding="utf-8")
            print(f"{path.relative_to(ROOT)}: {count} pinned to {args.sha} ({args.version})")
            total += count
    return 0 if total else 1


if __name__ == "__main__":
    raise SystemExit(main())
