"""The cloud providers' credentials are secrets like the Anthropic key (issue #24).

google-github-actions/auth writes its credentials file into the workspace
(``gha-creds-<hex>.json``) and names it in GOOGLE_APPLICATION_CREDENTIALS; with a
service-account key that file holds a private key. aws-actions/configure-aws-credentials
exports a secret access key and a session token. None of them may reach a bundle, a
log line or a command's environment.
"""

from __future__ import annotations

import json
import secrets as random
from pathlib import Path

from foreman import actions
from foreman.workers.sandbox import scrub_env
from tests.fakes import anthropic_steps as steps
from tests.fakes.fake_anthropic import FakeAnthropic
from tests.support.action import run_work_action
from tests.support.sample_repos import bundle, calc_repo

ROOT = Path(__file__).resolve().parents[1]
BRIEF = "add(2, 3) returns -1. Reproduce with `python run_tests.py`."
FIX = ("edit_file", {"path": "calc.py", "old_text": "a - b", "new_text": "a + b"})


def _key_lines() -> list[str]:
    body = random.token_urlsafe(64 * 3).replace("-", "+").replace("_", "/")
    return [body[i : i + 64] for i in range(0, 192, 64)]


def _creds_file(where: Path, lines: list[str]) -> Path:
    pem = "-----BEGIN PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END PRIVATE KEY-----\n"
    data = {
        "type": "service_account",
        "project_id": "foreman-fake-1",
        "private_key_id": random.token_hex(20),
        "private_key": pem,
        "client_email": "foreman@foreman-fake-1.iam.gserviceaccount.com",
    }
    path = where / f"gha-creds-{random.token_hex(8)}.json"
    path.write_text(json.dumps(data))
    return path


def _work(tmp: Path, fake: FakeAnthropic, repo: Path, creds: Path) -> Path:
    """``foreman work`` as action.yml starts it, after google-github-actions/auth ran."""
    out = tmp / "bundle"
    task = {"id": "creds-1", "worker": "debug", "brief": BRIEF}
    extra = {
        "GOOGLE_APPLICATION_CREDENTIALS": str(creds),
        "GOOGLE_GHA_CREDS_PATH": str(creds),
        "GITHUB_STEP_SUMMARY": str(tmp / "summary.md"),
        "GITHUB_OUTPUT": str(tmp / "output.txt"),
    }
    proc = run_work_action(tmp, fake, task, repo, out, extra_env=extra, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return out


def test_S05_a_cloud_credentials_file_in_the_workspace_never_reaches_a_bundle(
    tmp_path: Path, fake_anthropic: FakeAnthropic
) -> None:
    lines = _key_lines()
    repo = calc_repo(tmp_path / "repo")
    creds = _creds_file(repo, lines)  # where the auth action leaves it: the workspace
    fake_anthropic.script(
        steps.tool_use(("read_file", {"path": creds.name})),
        steps.tool_use(FIX),
        steps.tool_use(
            ("edit_file", {"path": "docs/usage.md", "old_text": "add", "new_text": lines[1]})
        ),
        steps.text("Fixed add()."),
        steps.json_reply({"verdict": "approve", "reasons": ["ok"]}),
    )
    out = _work(tmp_path, fake_anthropic, repo, creds)
    res, patch = bundle(out)
    assert res.verdict == "failed" and patch == "" and res.files_changed == []
    assert "secret of this job" in res.reason and "docs/usage.md" in res.reason
    for text in (out / "result.json").read_text(), (tmp_path / "summary.md").read_text():
        assert all(line not in text for line in lines)

    # Honest work in the same setting is still proposed.
    honest = calc_repo(tmp_path / "honest")
    creds2 = _creds_file(honest, _key_lines())
    fake_anthropic.script(
        steps.tool_use(FIX),
        steps.text("Fixed add()."),
        steps.json_reply({"verdict": "approve", "reasons": ["ok"]}),
    )
    res2, patch2 = bundle(_work(tmp_path / "h", fake_anthropic, honest, creds2))
    assert res2.verdict == "proposed", res2.reason
    assert "+    return a + b" in patch2 and creds2.name not in patch2


def test_credentials_files_are_known_secrets_and_kept_from_commands(tmp_path: Path) -> None:
    lines = _key_lines()
    creds = _creds_file(tmp_path, lines)
    env = {
        "GOOGLE_APPLICATION_CREDENTIALS": str(creds),
        "AWS_ACCESS_KEY_ID": "ASIAEXAMPLEEXAMPLE12",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AWS_SESSION_TOKEN": "IQoJb3JpZ2luX2VjEXAMPLETOKEN" + "x" * 40,
        "GOOGLE_OAUTH_ACCESS_TOKEN": "ya29.example-token-value-0000",
        "AWS_REGION": "us-east-1",
        "PATH": "/usr/bin",
    }
    known = set(actions.known_secrets(env))
    assert set(lines) <= known
    assert {env["AWS_SECRET_ACCESS_KEY"], env["AWS_SESSION_TOKEN"]} <= known
    assert env["GOOGLE_OAUTH_ACCESS_TOKEN"] in known
    assert actions.redact(f"key {lines[0]} there", env) == "key *** there"
    child = scrub_env(env)
    assert "GOOGLE_APPLICATION_CREDENTIALS" not in child and "AWS_SECRET_ACCESS_KEY" not in child
    assert "AWS_SESSION_TOKEN" not in child and "GOOGLE_OAUTH_ACCESS_TOKEN" not in child
    assert child["AWS_REGION"] == "us-east-1" and child["PATH"] == "/usr/bin"
