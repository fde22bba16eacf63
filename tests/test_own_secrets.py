"""A job secret, encoded, in a worker's output (S05): the worker's own check and the gate's."""

from __future__ import annotations

import base64
import json
import os
import secrets as random
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from foreman.contracts import Result
from foreman.secrets import Spellings, spellings
from foreman.workers.own_secrets import check_own_output
from tests.fakes import anthropic_steps as steps
from tests.fakes.fake_anthropic import FakeAnthropic
from tests.fakes.github import FakeGitHub
from tests.support.gate import PASSING, REPO, Gate, item, result, task
from tests.support.sample_repos import CALC_FILES, bundle, calc_repo

ROOT = Path(__file__).resolve().parents[1]
BRIEF = "add(2, 3) returns -1. Reproduce with `python run_tests.py`."
FIX = ("edit_file", {"path": "calc.py", "old_text": "a - b", "new_text": "a + b"})
TOKEN = "ghs_" + random.token_hex(18)
USAGE = CALC_FILES["docs/usage.md"]


def _hidden_line(key: str) -> str:
    """What the attacker's model writes: key and token, reversed, base64, as a markdown comment."""
    blob = base64.b64encode(f"{key[::-1]}:{TOKEN[::-1]}".encode()).decode()
    return f"[//]: # ({blob})\n"


def _work(
    tmp: Path, fake: FakeAnthropic, name: str
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """``foreman work`` as action.yml starts it: ``python -I scripts/action_run.py``, inputs in
    the environment, the key and the token as the action's inputs."""
    repo = calc_repo(tmp / name)
    out = tmp / f"{name}-bundle"
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp),
        "RUNNER_TEMP": str(tmp),
        "FOREMAN_ACTION_PATH": str(ROOT),
        "INPUT_COMMAND": "work",
        "INPUT_TASK": json.dumps({"id": f"s05-{name}", "worker": "debug", "brief": BRIEF}),
        "INPUT_WORKSPACE": str(repo),
        "INPUT_OUT": str(out),
        "FOREMAN_ANTHROPIC_API_KEY": fake.api_key,
        "ANTHROPIC_BASE_URL": fake.url,
        "FOREMAN_GITHUB_TOKEN": TOKEN,
        "GITHUB_STEP_SUMMARY": str(tmp / f"{name}-summary.md"),
        "GITHUB_OUTPUT": str(tmp / f"{name}-output.txt"),
    }
    proc = subprocess.run(
        [sys.executable, "-I", str(ROOT / "scripts" / "action_run.py")],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    return proc, out


def _everything(tmp: Path, name: str, proc: subprocess.CompletedProcess[str], out: Path) -> dict:
    return {
        "result.json": (out / "result.json").read_text(),
        "patch.diff": (out / "patch.diff").read_text(),
        "stdout": proc.stdout,
        "stderr": proc.stderr,
        "summary": (tmp / f"{name}-summary.md").read_text(),
        "outputs": (tmp / f"{name}-output.txt").read_text(),
    }


def test_S05_the_worker_refuses_its_own_output_holding_an_encoded_secret(
    tmp_path: Path, fake_anthropic: FakeAnthropic
) -> None:
    key = fake_anthropic.api_key
    hidden = _hidden_line(key)
    leak = ("write_file", {"path": "docs/usage.md", "content": USAGE + "\n" + hidden})
    fake_anthropic.script(
        steps.tool_use(FIX, leak),
        steps.text("Fixed add() and documented it."),
        steps.json_reply({"verdict": "approve", "reasons": ["ok"]}),
    )
    proc, out = _work(tmp_path, fake_anthropic, "attack")
    assert proc.returncode == 0, proc.stderr
    res, patch = bundle(out)
    assert res.verdict == "failed" and patch == "" and res.files_changed == []
    assert "secret of this job (reversed, base64)" in res.reason
    assert "docs/usage.md" in res.reason and res.body == "" and res.tests == []
    seen = _everything(tmp_path, "attack", proc, out)
    assert "failed" in seen["summary"] and "secret of this job" in seen["summary"]
    leaked = Spellings([key, TOKEN])
    for where, text in seen.items():
        assert hidden.strip()[9:-1] not in text, where
        assert leaked.find(text) is None, (where, leaked.find(text))

    # The honest part: the same run without the payload proposes the fix, and its docs edit.
    fake_anthropic.script(
        steps.tool_use(
            FIX,
            ("write_file", {"path": "docs/usage.md", "content": USAGE + "\nadd(2, 3) == 5.\n"}),
        ),
        steps.text("Fixed add()."),
        steps.json_reply({"verdict": "approve", "reasons": ["ok"]}),
    )
    proc, out = _work(tmp_path, fake_anthropic, "honest")
    assert proc.returncode == 0, proc.stderr
    res, patch = bundle(out)
    assert res.verdict == "proposed", res.reason
    assert "+    return a + b" in patch and "+add(2, 3) == 5." in patch
    assert res.tests and res.tests[0].after == "pass"


@pytest.fixture
def gate(fake_github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Gate:
    return Gate(fake_github, tmp_path, monkeypatch)


def test_S05_the_gate_refuses_a_bundle_holding_its_own_token_encoded(
    gate: Gate, capsys: pytest.CaptureFixture[str]
) -> None:
    token = gate.fake.write_token
    encoded = base64.b32encode(token[::-1].encode()).decode()
    half = len(encoded) // 2
    gate.checkout()
    bad, good = gate.fake.add_issue(REPO, "docs"), gate.fake.add_issue(REPO, "add")
    t = task("debug", item(bad, title="docs"))
    leak = f"# Guide\n\nSome text.\n\n[//]: # ({encoded[:half]}\n{encoded[half:]})\n"
    gate.add(t, result(t, tests=PASSING), gate.patch({"docs/guide.md": leak}))
    t2 = task("debug", item(good))
    fixed = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"
    gate.add(t2, result(t2, tests=PASSING), gate.patch({"src/app.py": fixed}))
    assert gate.run() == 0
    out = capsys.readouterr()
    [pr] = gate.pulls()  # the honest bundle still becomes its PR
    assert pr.pull.head_ref == f"foreman/issue-{good}-debug"
    [comment] = gate.bodies(bad)
    assert "blocked" in comment and "secret of this job (reversed, base32" in comment
    assert "docs/guide.md (split over its added lines)" in comment
    wire = "".join(str(r.body) + str(r.response) for r in gate.fake.requests)
    for text in (comment, gate.summary(), out.out, out.err, wire):
        assert encoded[:half] not in text and encoded[half:] not in text
        assert Spellings([token]).find(text) is None


SECRET = "sk-ant-api03-" + "Qw7Lm4Xp8Rt6Vb3Nc5Hd1Jf0Zk2"


def _chunks(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def _b64_inside(secret: str, before: bytes) -> str:
    return base64.b64encode(before + secret.encode() + b"tail").decode()


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("as written", f"x = '{SECRET}'"),
        ("base64", base64.b64encode(SECRET.encode()).decode()),
        ("base64, no padding", base64.b64encode(SECRET.encode()).decode().rstrip("=")),
        ("URL-safe base64", base64.urlsafe_b64encode(b"\xfb\xff" + SECRET.encode()).decode()),
        *[(f"base64 at offset {n}", _b64_inside(SECRET, b"abcd"[:n])) for n in range(3)],
        ("base32", base64.b32encode(b"xyz" + SECRET.encode()).decode()),
        ("base32, lower case", base64.b32encode(SECRET.encode()).decode().lower()),
        ("hex", SECRET.encode().hex()),
        ("HEX", SECRET.encode().hex().upper()),
        ("URL-encoded", quote(SECRET, safe="")),
        ("percent-encoded", "".join(f"%{b:02X}" for b in SECRET.encode())),
        ("reversed", SECRET[::-1]),
        ("reversed, base64", base64.b64encode(SECRET[::-1].encode()).decode()),
        ("base64, reversed", base64.b64encode(SECRET.encode()).decode()[::-1]),
        ("reversed, hex", SECRET[::-1].encode().hex()),
        ("split over lines", "\n".join(_chunks(SECRET, 5))),
        ("base64 split", "\n    ".join(_chunks(base64.b64encode(SECRET.encode()).decode(), 8))),
    ],
)
def test_S05_every_spelling_of_a_secret_is_found_in_the_result_text(name: str, text: str) -> None:
    res = Result(task_id="t", worker="docs", verdict="proposed", body=f"Done.\n{text}\n")
    checked, patch = check_own_output(res, "diff --git a/a b/a\n+ok\n", (SECRET,))
    assert checked.verdict == "failed" and patch == "" and checked.body == ""
    assert "in the result's body" in checked.reason
    assert SECRET not in checked.reason and text.strip() not in checked.reason


def test_S05_a_secret_in_a_file_name_is_found_and_the_name_not_shown() -> None:
    name = base64.b64encode(SECRET.encode()).decode().replace("/", "_")
    patch = f"diff --git a/{name}.md b/{name}.md\nnew file mode 100644\n+++ b/{name}.md\n+hi\n"
    res = Result(task_id="t", worker="docs", verdict="proposed")
    checked, _ = check_own_output(res, patch, (SECRET,))
    assert checked.verdict == "failed" and "the file names of the patch" in checked.reason
    assert name[:12] not in checked.reason


def _repository_texts() -> list[tuple[str, str]]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    texts = []
    for rel in out.stdout.splitlines():
        path = ROOT / rel
        if path.suffix in (".py", ".md", ".yml", ".yaml", ".toml", ".json", ".txt", ".cfg"):
            data = path.read_bytes()
            if len(data) < 2_000_000:
                texts.append((rel, data.decode("utf-8", "replace")))
    return texts


def test_ordinary_code_and_docs_never_trip_the_check() -> None:
    """No false alarm on this repository's own files, with realistic secrets of every kind."""
    held = (
        "sk-ant-api03-" + random.token_urlsafe(60),
        "ghs_" + random.token_hex(18),
        "github_pat_" + random.token_hex(30),
        random.token_hex(16),  # a registered secret of no particular shape
        "hunter2" * 2,  # a low-entropy password (not written out: this file is scanned too)
    )
    spelled = Spellings(held)
    texts = _repository_texts()
    assert len(texts) > 100
    hits = [(rel, spelled.find(text)) for rel, text in texts if spelled.find(text)]
    assert hits == []


def test_short_secrets_are_only_matched_as_written() -> None:
    assert [s.kind for s in spellings("abc1234")] == ["as written"]
    assert len(spellings("abcd12345")) > 20
