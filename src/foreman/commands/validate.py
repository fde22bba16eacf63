"""``foreman validate [PATH]``: check a config file; exit 0 when valid."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from foreman import actions
from foreman.config import find_config, known_workers, load_config
from foreman.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path", nargs="?", help="config file (default: .github/foreman.yml, or FOREMAN_CONFIG)"
    )
    parser.add_argument("--root", default=".", help="repository root (default: .)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    root = Path(args.root)
    path = find_config(root, args.path or settings.foreman.config)
    shown = str(path.relative_to(root)) if path and path.is_relative_to(root) else path
    config = load_config(path, display=args.path or (str(shown) if shown else None))
    where = args.path or (str(path) if path else "(no config file: defaults)")
    workers = ", ".join(sorted(known_workers(config)))
    message = (
        f"{where}: valid (version {config.version}; {len(config.routing.rules)} rule(s);"
        f" workers: {workers})"
    )
    print(message, file=sys.stdout)
    actions.add_summary(f"### foreman validate\n\n{actions.md_escape(message)}")
    return 0
