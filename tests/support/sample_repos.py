"""Small sample repositories for worker tests, built in a tmp dir by each test."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from foreman.config import Config, parse_config
from foreman.contracts import Result
from foreman.workers.bundle import read_bundle

GIT_ID = [
    "-c",
    "user.name=test",
    "-c",
    "user.email=test@example.invalid",
    "-c",
    "commit.gpgsign=false",
]

LINT_FILES = {
    "pkg/__init__.py": "",
    "pkg/app.py": "import os\nimport sys\n\n\ndef add( a,b ):\n    return a+b\n",
}

# A tiny calculator with a bug, and a test script that needs no pytest.
CALC_BUGGY = "def add(a, b):\n    return a - b\n"
CALC_FIXED = "def add(a, b):\n    return a + b\n"
CALC_FILES = {
    "calc.py": CALC_BUGGY,
    "run_tests.py": (
        "import sys\n"
        "from calc import add\n"
        "if add(2, 3) != 5:\n"
        "    print('FAIL test_add: add(2, 3) ==', add(2, 3))\n"
        "    sys.exit(1)\n"
        "print('1 passed')\n"
    ),
    "README.md": "# calc\n\nAdds numbers.\n",
    "docs/usage.md": "Call `add(a, b)`.\n",
}
CALC_CONFIG = "version: 1\ntest:\n  command: python run_tests.py\n  timeout_seconds: 30\n"


def git(root: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", *GIT_ID, *args], cwd=root, capture_output=True, text=True, check=True
    )
    return proc.stdout


def make_repo(root: Path, files: dict[str, str | bytes], *, init_git: bool = True) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    if init_git:
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "initial")
    return root


def calc_repo(root: Path, config: str = CALC_CONFIG, **extra: str) -> Path:
    files: dict[str, str | bytes] = {**CALC_FILES, ".github/foreman.yml": config}
    files.update(extra)
    return make_repo(root, files)


def config_of(text: str) -> Config:
    return parse_config(text, "foreman.yml")


def run_work(task: dict[str, Any] | str, workspace: Path, out: Path, *extra: str) -> int:
    from foreman.cli import main

    raw = task if isinstance(task, str) else json.dumps(task)
    return main(["work", "--task", raw, "--workspace", str(workspace), "--out", str(out), *extra])


def bundle(out: Path) -> tuple[Result, str]:
    return read_bundle(out)


def apply_patch(patch: str, target: Path) -> None:
    """``git apply`` a bundle's patch onto a fresh copy (raises if it does not apply)."""
    patch_file = target.parent / f"{target.name}.patch"
    patch_file.write_bytes(patch.encode("utf-8", "surrogateescape"))
    subprocess.run(
        ["git", "apply", "--binary", str(patch_file)], cwd=target, check=True, capture_output=True
    )


# -- scripting FakeAnthropic ---------------------------------------------------------------------


def use_fake(monkeypatch: Any, fake: Any) -> None:
    """Point the worker at FakeAnthropic through the environment, as the workflow would."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", fake.api_key)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.url)


def tool_results(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``tool_result`` blocks of a request's newest user message."""
    messages = body.get("messages") or []
    content = messages[-1].get("content") if messages else None
    return (
        [b for b in content if b.get("type") == "tool_result"] if isinstance(content, list) else []
    )


def recording(step: Any, seen: list[list[dict[str, Any]]]) -> Any:
    """A script step that records the tool results it was sent, then answers with ``step``."""

    def answer(body: dict[str, Any]) -> Any:
        seen.append(tool_results(body))
        return step

    return answer


def result_text(block: dict[str, Any]) -> str:
    content = block.get("content")
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content or [])
