"""S19: the plan's step outputs stay under GitHub's limit (1 MB per job), whatever the items say.

The attack: an inbox sweep over 5 outsider issues with 8,000-emoji bodies. The
matrix carried every task as JSON inside JSON with ensure_ascii (12 characters
per emoji): 971,206 bytes of matrix + 172,638 of plan. The job failed, and the
next night's sweep picked the same items again. Now the matrix carries ids and
workers, the plan output is capped with a note, and the whole plan travels as
a file (the plan job uploads it; work and gate download it).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from foreman.cli import main
from tests.fakes.github.server import FakeGitHub

EVENTS = Path(__file__).resolve().parents[1] / "workflows-examples" / "events"
REPO = "octo/demo"
GITHUB_LIMIT = 1024 * 1024  # bytes of outputs per job


def read_outputs(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    found = re.findall(r"^(\w+)<<(ghadelimiter_\w+)\n(.*?)\n\2$", text, re.S | re.M)
    return {name: value for name, _, value in found}


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_github: FakeGitHub) -> Path:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "foreman.yml").write_text(
        "routing:\n  classifier: {enabled: false}\ninbox: {max_per_run: 10}\n"
    )
    monkeypatch.setenv("GITHUB_TOKEN", fake_github.read_token)
    monkeypatch.setenv("GITHUB_API_URL", fake_github.url)
    monkeypatch.setenv("FOREMAN_GITHUB_THROTTLE", "0")
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "outputs"))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary"))
    return tmp_path


def sweep(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[dict[str, str], Any]:
    plan_file = root / "plan.json"
    argv = ["plan", "--event", str(EVENTS / "schedule.json"), "--root", str(root)]
    assert main([*argv, "--output", str(plan_file)]) == 0, capsys.readouterr().err
    capsys.readouterr()
    return read_outputs(root / "outputs"), json.loads(plan_file.read_text(encoding="utf-8"))


def test_S19_a_sweep_of_emoji_bodies_keeps_the_outputs_small(
    root: Path, fake_github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    for n in range(5):
        fake_github.add_issue(REPO, f"help {n} 🙂", "🙂" * 8000, user=f"outsider{n}",
                              author_association="NONE")  # fmt: skip
    outputs, plan = sweep(root, capsys)

    total = sum(len(k.encode()) + len(v.encode()) for k, v in outputs.items())
    assert total < GITHUB_LIMIT // 4, {k: len(v.encode()) for k, v in outputs.items()}
    assert "\\ud83d" not in outputs["matrix"] + outputs["plan"], "UTF-8, not ensure_ascii"
    # Honest: every item is planned, the matrix names each task, the full plan has them all.
    matrix = json.loads(outputs["matrix"])["include"]
    assert [e["worker"] for e in matrix] == ["triage"] * 5
    assert {e["id"] for e in matrix} == {t["id"] for t in plan["tasks"]}
    assert all(set(e) == {"id", "worker", "ref"} for e in matrix)
    assert all("🙂" * 100 in t["brief"] for t in plan["tasks"])  # the plan file is complete
    assert outputs["count"] == "5" and outputs["skipped"] == "false"
    # The plan output is capped, and says where the rest is.
    capped = json.loads(outputs["plan"])
    assert "foreman-plan artifact" in capped["truncated"]
    assert [t["id"] for t in capped["tasks"]] == [t["id"] for t in plan["tasks"]]


def test_S19_a_small_plan_is_the_plan_output_itself(
    root: Path, fake_github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_github.add_issue(
        REPO, "Crash 🙂", "It crashes: ✓", user="octo", author_association="OWNER"
    )
    outputs, plan = sweep(root, capsys)
    assert json.loads(outputs["plan"]) == plan
    assert "🙂" in outputs["plan"] and "✓" in outputs["matrix"] + outputs["plan"]
