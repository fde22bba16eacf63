"""``demo parse FILE``: print a config file's keys."""

from __future__ import annotations

import sys


def load(path: str) -> dict[str, str] | None:
    """The file's ``key: value`` lines, or None when it has none."""
    with open(path, encoding="utf-8") as fh:
        pairs = [line.split(":", 1) for line in fh if ":" in line]
    if not pairs:
        return None
    return {k.strip(): v.strip() for k, v in pairs}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or args[0] != "parse":
        print("usage: demo parse FILE", file=sys.stderr)
        return 2
    data = load(args[1])
    for key in sorted(data):
        print(f"{key} = {data[key]}")
    return 0
