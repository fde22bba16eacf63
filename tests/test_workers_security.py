"""Hostile model output, escapes, GitHub isolation and secrets (H04, H05, P03, P05)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import anthropic  # noqa: F401
import pytest

from tests.fakes import anthropic_steps as steps
from tests.fakes.fake_anthropic import FakeAnthropic
from tests.support.sample_repos import (
    bundle,
    calc_repo,
    recording,
    result_text,
    run_work,
    use_fake,
)

SRC = Path(__file__).resolve().parents[1] / "src" / "foreman"
BRIEF = "add(2, 3) returns -1. Reproduce with `python run_tests.py`."
FIX = ("edit_file", {"path": "calc.py", "old_text": "a - b", "new_text": "a + b"})
APPROVE = steps.json_reply({"verdict": "approve", "reasons": ["ok"]})
CANARY = "canary-p05-9d8c7b6a5f4e3d2c1b0a"


@pytest.fixture(autouse=True)
def _fake_env(monkeypatch: pytest.MonkeyPatch, fake_anthropic: FakeAnthropic) -> None:
    use_fake(monkeypatch, fake_anthropic)


def test_H04_metacharacters_in_model_output_never_reach_a_shell(
    tmp_path: Path, fake_anthropic: FakeAnthropic, monkeypatch: pytest.MonkeyPatch
) -> None:
    pwned = tmp_path / "PWNED"
    hostile = '"; touch PWNED # $(touch PWNED) `touch PWNED` | sh'
    popen_calls: list[tuple[object, object]] = []
    real_popen = subprocess.Popen

    def spy(*args: object, **kwargs: object) -> object:
        popen_calls.append((args[0], kwargs.get("shell", False)))
        return real_popen(*args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(subprocess, "Popen", spy)
    seen: list[list[dict]] = []
    fake_anthropic.script(
        steps.tool_use(
            ("run_command", {"command": f"python run_tests.py; touch {pwned}"}),
            ("run_command", {"command": f"python run_tests.py $(touch {pwned})"}),
            FIX,
        ),
        recording(steps.text(f"Fixed. {hostile}"), seen),
        APPROVE,
    )
    repo = calc_repo(tmp_path / "repo")
    task = {"id": "h4", "worker": "debug", "brief": BRIEF, "item": {"title": hostile}}
    assert run_work(task, repo, tmp_path / "out") == 0
    result, _ = bundle(tmp_path / "out")
    assert result.verdict == "proposed"
    assert hostile in result.body and hostile in result.title  # kept as inert data for the API
    assert [b.get("is_error") for b in seen[0][:2]] == [True, True]
    assert "shell syntax" in result_text(seen[0][0])
    assert not pwned.exists() and not (repo / "PWNED").exists() and not Path("PWNED").exists()
    assert popen_calls and all(shell is False for _, shell in popen_calls)
    assert all(isinstance(argv, list) for argv, _ in popen_calls)


def test_H05_worker_tools_refuse_environ_git_config_and_env(
    tmp_path: Path, fake_anthropic: FakeAnthropic, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEPLOY_TOKEN", CANARY)
    repo = calc_repo(tmp_path / "repo")
    (repo / ".git/config").write_text((repo / ".git/config").read_text() + f"# {CANARY}\n")
    (repo / "proc").symlink_to("/proc/self")
    seen: list[list[dict]] = []
    fake_anthropic.script(
        steps.tool_use(
            ("read_file", {"path": "/proc/self/environ"}),
            ("read_file", {"path": ".git/config"}),
            ("read_file", {"path": "proc/environ"}),
            ("read_file", {"path": "../../../../proc/self/environ"}),
            ("search", {"pattern": "canary", "path": ".git"}),
            ("run_command", {"command": "printenv"}),
            ("run_command", {"command": "python -c 'import os; print(os.environ)'"}),
        ),
        recording(steps.text("Nothing to do."), seen),
    )
    assert run_work({"id": "h5", "worker": "debug", "brief": BRIEF}, repo, tmp_path / "out") == 0
    results = seen[0]
    assert len(results) == 7 and all(b.get("is_error") for b in results)
    everything = json.dumps([r.body for r in fake_anthropic.message_requests])
    assert CANARY not in everything and "DEPLOY_TOKEN" not in everything


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_P03_worker_code_has_no_github_client() -> None:
    files = [*sorted((SRC / "workers").glob("*.py")), SRC / "commands" / "work.py"]
    for path in files:
        bad = {
            n
            for n in _imports(path)
            if n.split(".")[0] == "github" or n.startswith("foreman.github")
        }
        assert not bad, f"{path.name} imports {bad}"
        assert "api.github.com" not in path.read_text(encoding="utf-8")
    probe = (
        "import sys, foreman.commands.work, foreman.workers.run, foreman.workers.registry\n"
        "print(sorted(m for m in sys.modules if m == 'github' or m.startswith(('github.', "
        "'foreman.github', 'anthropic'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"  # no GitHub client, and anthropic stays lazy


def test_P03_a_worker_run_makes_no_github_request(
    tmp_path: Path, fake_anthropic: FakeAnthropic, fake_github, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_API_URL", fake_github.url)
    monkeypatch.setenv("GITHUB_TOKEN", fake_github.write_token)
    monkeypatch.setenv("GITHUB_REPOSITORY", "octo/demo")
    fake_anthropic.script(
        steps.tool_use(("run_command", {"command": f"curl -X POST {fake_github.url}/repos"}), FIX),
        steps.text("Fixed add()."),
        APPROVE,
    )
    repo = calc_repo(tmp_path / "repo")
    assert run_work({"id": "p3", "worker": "debug", "brief": BRIEF}, repo, tmp_path / "out") == 0
    assert bundle(tmp_path / "out")[0].verdict == "proposed"
    assert fake_github.requests == []


def test_P05_canary_secret_never_reaches_bundle_patch_logs_or_model(
    tmp_path: Path,
    fake_anthropic: FakeAnthropic,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PAYMENTS_API_KEY", CANARY)
    settings = f"[app]\nname = calc\npassword = {CANARY}\n"
    show_env = "import os\nprint({k: v for k, v in os.environ.items()})\n"
    config = (
        "version: 1\ntest:\n  command: python run_tests.py\nworkers:\n  debug:\n"
        "    commands: [python show_env.py]\n"
    )
    repo = calc_repo(
        tmp_path / "repo", config, **{"settings.ini": settings, "show_env.py": show_env}
    )
    fake_anthropic.script(
        steps.tool_use(
            ("read_file", {"path": "settings.ini"}),
            ("run_command", {"command": "python show_env.py"}),
            ("search", {"pattern": "password"}),
        ),
        steps.tool_use(
            FIX,
            (
                "edit_file",
                {
                    "path": "settings.ini",
                    "old_text": "name = calc",
                    "new_text": "name = calculator",
                },
            ),
        ),
        steps.text(f"Fixed add(). Also, the password is {CANARY}."),
        steps.json_reply({"verdict": "approve", "reasons": [f"saw {CANARY}"]}),
    )
    assert run_work({"id": "p5", "worker": "debug", "brief": BRIEF}, repo, tmp_path / "out") == 0
    result, patch = bundle(tmp_path / "out")
    # The model put the canary in its summary: the worker's own check (S05) refuses the output.
    assert result.verdict == "failed" and patch == "" and result.body == ""
    assert "a secret of this job (as written) in the result's body" in result.reason
    logs = capfd.readouterr()
    sent = json.dumps([r.body for r in fake_anthropic.message_requests])
    raw_bundle = (tmp_path / "out/result.json").read_text() + (
        tmp_path / "out/patch.diff"
    ).read_text()
    for where, text in {
        "bundle": raw_bundle,
        "stdout": logs.out,
        "stderr": logs.err,
        "model requests": sent,
    }.items():
        assert CANARY not in text, where
    assert "PAYMENTS_API_KEY" not in sent  # the child env had it removed, not just masked
