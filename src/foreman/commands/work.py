"""``foreman work``: run one worker task against a checkout and write its result bundle.

The task comes from ``--task JSON``, ``--task @FILE`` or the ``FOREMAN_TASK``
environment variable; a bare :class:`~foreman.contracts.Task`, a matrix
entry ``{"id", "worker", "task": "<Task JSON>"}`` and a whole plan (``foreman plan
--output``, one task picked with ``--id`` or ``--index``) are accepted. A bundle
is written whatever happens to the worker (``failed`` with the reason when it
crashed); the exit code is 0 once a bundle is written, so the gate can read it.
The work itself is :func:`foreman.workers.job.work`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from foreman import actions
from foreman.commands import some_path
from foreman.settings import Settings
from foreman.terminal import add_format_argument, chosen, show
from foreman.workers.task_input import TASK_ENV


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--task", help=f"task JSON, or @FILE (default: ${TASK_ENV})")
    parser.add_argument("--workspace", default=".", help="the repository checkout (default: .)")
    parser.add_argument(
        "--out", required=True, type=bundle_dir, help="directory to write the bundle into"
    )
    parser.add_argument(
        "--config", help="config file, relative to WORKSPACE (default: .github/foreman.yml)"
    )
    pick = parser.add_mutually_exclusive_group()
    pick.add_argument("--id", help="with a plan as --task: the id of the task to run")
    pick.add_argument(
        "--index", type=int, help="with a plan as --task: the task at this position (0: first)"
    )
    parser.add_argument(
        "--instructions",
        metavar="DIR",
        help="where the repository's instructions (AGENTS.md...) are read: the default"
        " branch's copy the work job keeps outside the workspace (default: WORKSPACE)",
    )
    parser.add_argument(
        "--setup-outcome",
        metavar="FILE",
        help="the outcome the setup step wrote (JSON lines); a failed setup: needs_human",
    )
    add_format_argument(parser)


def bundle_dir(text: str) -> str:
    """``--out``: a directory, or a path where one can be made (checked before the worker runs:
    a file there would fail only at the end)."""
    path = Path(some_path(text))
    for part in (path, *path.parents):
        if part.exists():
            if not part.is_dir():
                what = "" if part == path else f" ({part} is a file)"
                raise argparse.ArgumentTypeError(f"{text} cannot be a directory{what}")
            break
    return text


def run(args: argparse.Namespace, settings: Settings) -> int:
    from foreman.workers.job import result_text, work

    out = Path(args.out)
    result = work(
        args.task,
        task_env=settings.foreman.task,
        task_id=args.id,
        index=args.index,
        workspace=Path(args.workspace),
        out=out,
        config_file=args.config or settings.foreman.config,
        instructions_dir=Path(args.instructions) if args.instructions else None,
        setup_outcome=args.setup_outcome,
        env=settings.environ,
    )
    if chosen(args.format) == "text":
        show(result_text(result, out))
    elif not actions.in_actions():
        print(result.model_dump_json(indent=2))
    return 0
