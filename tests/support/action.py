"""``foreman work`` started as action.yml starts it (``python -I scripts/action_run.py``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.fakes.fake_anthropic import FakeAnthropic

ROOT = Path(__file__).resolve().parents[2]


def run_work_action(
    tmp: Path,
    fake: FakeAnthropic,
    task: dict[str, Any],
    workspace: Path,
    out: Path,
    *,
    extra_env: dict[str, str] | None = None,
    timeout: float = 180,
) -> subprocess.CompletedProcess[str]:
    """The work command on ``workspace`` with ``task``, HOME and RUNNER_TEMP at ``tmp``, the
    model at ``fake``, the bundle written to ``out``; ``extra_env`` added to the step's env."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp),
        "RUNNER_TEMP": str(tmp),
        "FOREMAN_ACTION_PATH": str(ROOT),
        "INPUT_COMMAND": "work",
        "INPUT_TASK": json.dumps(task),
        "INPUT_WORKSPACE": str(workspace),
        "INPUT_OUT": str(out),
        "FOREMAN_ANTHROPIC_API_KEY": fake.api_key,
        "ANTHROPIC_BASE_URL": fake.url,
        **(extra_env or {}),
    }
    return subprocess.run(
        [sys.executable, "-I", str(ROOT / "scripts" / "action_run.py")],
        env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
