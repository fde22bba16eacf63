"""The outcome of the repository's setup, as the setup step leaves it for the worker.

The work job's setup steps (the default branch's composite action, ``foreman setup`` for
``setup.commands``) each append one JSON line to ``$RUNNER_TEMP/foreman-setup.jsonl``::

    {"source": "commands", "status": "failed", "command": "pip install -e .",
     "exit_code": 1, "tail": "...", "seconds": 3.2}

``status`` is ``ok``, ``failed``, ``timeout`` or ``skipped``. The worker reads the file
(``foreman work --setup-outcome FILE``): a failed setup makes its verdict ``needs_human``
with the failing command and the tail of its output, instead of a misleading reproduction.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

STATUSES = ("ok", "failed", "timeout", "skipped")
MAX_TAIL = 1500
MAX_LINES = 50


@dataclass(frozen=True)
class SetupStep:
    source: str  # "commands" | "action"
    status: str
    command: str = ""
    exit_code: int | None = None
    tail: str = ""
    seconds: float = 0.0

    def line(self) -> str:
        what = f"`{self.command}`" if self.command else f"the setup {self.source}"
        if self.status == "ok":
            return f"{what} ok"
        if self.status == "timeout":
            return f"{what} ran out of time"
        if self.status == "skipped":
            return f"{what} skipped"
        code = f" (exit {self.exit_code})" if self.exit_code is not None else ""
        return f"{what} failed{code}"


def append(path: Path, step: SetupStep) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(asdict(step), ensure_ascii=False) + "\n")


def read(path: Path) -> tuple[list[SetupStep], str]:
    """The steps recorded in ``path`` ([] when it does not exist), and a problem if any."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return [], ""
    except OSError as err:
        return [], f"cannot read the setup outcome {path}: {err.strerror}"
    steps: list[SetupStep] = []
    for n, raw in enumerate(text.splitlines()[:MAX_LINES], 1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
            status = str(data.get("status", ""))
            if status not in STATUSES:
                raise ValueError(f"status {status!r}")
            code = data.get("exit_code")
            steps.append(
                SetupStep(
                    source=str(data.get("source") or "setup")[:40],
                    status=status,
                    command=str(data.get("command") or "")[:500],
                    exit_code=code if isinstance(code, int) else None,
                    tail=str(data.get("tail") or "")[-MAX_TAIL:],
                    seconds=float(data.get("seconds") or 0.0),
                )
            )
        except (ValueError, TypeError, AttributeError) as err:
            return steps, f"{path} line {n} is not a setup outcome: {err}"
    return steps, ""


def summary(steps: list[SetupStep]) -> str:
    """The one-line outcome for the bundle ('' when no setup ran)."""
    if not steps:
        return ""
    failed = [s for s in steps if s.status in ("failed", "timeout")]
    if failed:
        return "setup failed: " + failed[0].line()
    seconds = sum(s.seconds for s in steps)
    return f"setup ok: {'; '.join(s.line() for s in steps)} ({seconds:.1f}s)"


def failure(steps: list[SetupStep]) -> str | None:
    """The reason to stop before the worker when setup failed, else None."""
    bad = next((s for s in steps if s.status in ("failed", "timeout")), None)
    if bad is None:
        return None
    tail = bad.tail.strip()[-MAX_TAIL:] or "(no output recorded)"
    return (
        f"the repository's setup failed, so the worker did not run: {bad.line()}. Fix the setup"
        " (.github/foreman/setup/action.yml or setup.commands on the default branch) and"
        f" re-run. Last output:\n{tail}"
    )
