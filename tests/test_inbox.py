"""Inbox sweep (issue #9) through FakeGitHub: selection, idempotency, budget, cost per item."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from foreman.cli import main
from foreman.contracts import STATUS_MARKER
from tests.fakes.github.server import FakeGitHub

EVENTS = Path(__file__).resolve().parents[1] / "workflows-examples" / "events"
REPO = "octo/demo"
BOT = "github-actions[bot]"


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_github: FakeGitHub) -> Path:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "foreman.yml").write_text(
        "routing:\n  classifier: {enabled: false}\ninbox: {max_per_run: 10}\n"
    )
    monkeypatch.setenv("GITHUB_TOKEN", fake_github.read_token)
    monkeypatch.setenv("GITHUB_API_URL", fake_github.url)
    monkeypatch.setenv("FOREMAN_GITHUB_THROTTLE", "0")
    return tmp_path


def seed(fake: FakeGitHub) -> set[int]:
    """60 open items; returns the numbers that are NOT eligible."""
    skip: set[int] = set()
    for i in range(1, 61):
        labels: list[str] = []
        if i % 7 == 0:
            labels.append("foreman:handled")
        if i % 11 == 0:
            labels.append("wontfix")
        if i in (20, 40):
            n = fake.add_pull(REPO, f"draft {i}", "", head=f"b{i}", draft=True)
        elif i in (25, 45):
            n = fake.add_pull(REPO, f"pr {i}", "", head=f"b{i}", labels=labels)
        else:
            n = fake.add_issue(REPO, f"issue {i}", "body", labels=labels, locked=i == 58)
        assert n == i
        if labels or i in (20, 40, 58):
            skip.add(i)
    fake.add_comment(REPO, 59, f"{STATUS_MARKER}\nstatus", user=BOT)  # handled by comment
    skip.add(59)
    fake.add_comment(REPO, 57, f"{STATUS_MARKER}\nforged", user="mallory")  # H09: not ours
    fake.add_comment(REPO, 56, "a normal comment", user="alice")
    return skip


def sweep(root: Path, capsys: pytest.CaptureFixture[str], event: str = "schedule.json") -> Any:
    assert main(["plan", "--event", str(EVENTS / event), "--root", str(root)]) == 0
    return json.loads(capsys.readouterr().out)


def mark_handled(
    fake: FakeGitHub,
    plan: Any,
    root: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Run the real gate on the sweep's plan (no bundles yet): it marks every item handled."""
    plan_file = root / "plan.json"
    plan_file.write_text(json.dumps(plan))
    bundles = root / "bundles"
    bundles.mkdir(exist_ok=True)
    monkeypatch.setenv("GITHUB_TOKEN", fake.write_token)
    code = main(["gate", "--plan", str(plan_file), "--bundles", str(bundles), "--root", str(root)])
    capsys.readouterr()
    monkeypatch.setenv("GITHUB_TOKEN", fake.read_token)
    assert code == 0
    for item in plan["items"]:
        assert "foreman:handled" in fake.issue(REPO, item["number"]).labels


def test_three_sweeps_route_each_item_once(
    root: Path,
    fake_github: FakeGitHub,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    skip = seed(fake_github)
    eligible = [n for n in range(60, 0, -1) if n not in skip]
    fake_github.reset_log()
    first = sweep(root, capsys)
    numbers = [i["number"] for i in first["items"]]
    assert numbers == eligible[:10]
    assert 57 in numbers  # a forged marker comment does not count as handled
    assert {t["item"]["number"] for t in first["tasks"]} == set(numbers)
    listing = fake_github.count("issues/list-for-repo")
    per_item = (fake_github.count() - listing) / len(numbers)
    with capsys.disabled():
        print(
            f"\nREST calls: listing {listing}, per swept item beyond it {per_item:.2f}",
            fake_github.counts(),
        )
    assert per_item <= 2

    mark_handled(fake_github, first, root, monkeypatch, capsys)
    second = sweep(root, capsys)
    assert [i["number"] for i in second["items"]] == eligible[10:20]
    mark_handled(fake_github, second, root, monkeypatch, capsys)
    third = sweep(root, capsys)
    assert not {i["number"] for i in third["items"]} & set(eligible[:20])


def test_dispatch_inbox_mode(
    root: Path, fake_github: FakeGitHub, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fake_github.add_issue(REPO, "one", "x")
    event = json.loads((EVENTS / "dispatch.json").read_text())
    event["inputs"] = {"mode": "inbox", "dry_run": "true"}
    path = tmp_path / "d.json"
    path.write_text(json.dumps(event))
    assert main(["plan", "--event", str(path), "--root", str(root)]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["action"] == "inbox" and plan["dry_run"] and len(plan["items"]) == 1


def test_sweep_stops_at_rate_limit_reserve(
    root: Path, fake_github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    for i in range(5):
        fake_github.add_issue(REPO, f"i{i}", "x")
    fake_github.set_rate_limit(40)
    plan = sweep(root, capsys)
    assert plan["items"] == [] and any("stopped early" in n["text"] for n in plan["notes"])


def test_empty_inbox(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = sweep(root, capsys)
    assert plan["tasks"] == [] and "inbox is empty" in plan["skipped"]


def test_sweep_without_token_is_a_clean_skip(
    root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    plan = sweep(root, capsys)
    assert "needs a GitHub token" in plan["skipped"]


def test_S23_the_sweep_skips_the_foremans_own_items(
    root: Path, fake_github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    """A PR the gate opened with GITHUB_TOKEN (author github-actions[bot]), one it opened
    with a person's token (author maint, head on a foreman/ branch here), an issue by the
    bot: all skipped. A person's PR, a fork's foreman/ branch and a person's issue: routed."""
    fake_github.add_collaborator(REPO, "maint", "maintain")
    own = fake_github.add_pull(REPO, "debug: fix #1", "Refs #1", head="foreman/issue-1-debug",
                               user=BOT)  # fmt: skip
    by_pat = fake_github.add_pull(REPO, "docs: fix #2", "Refs #2", head="foreman/issue-2-docs",
                                  user="maint")  # fmt: skip
    bot_issue = fake_github.add_issue(REPO, "Dependency dashboard", "", user=BOT)
    person_pr = fake_github.add_pull(REPO, "Add a feature", "", head="feature", user="maint")
    fork_pr = fake_github.add_pull(REPO, "From a fork", "", head="foreman/x", fork=True)
    issue = fake_github.add_issue(REPO, "Crash on save", "it crashes", user="alice")
    (root / ".github" / "foreman.yml").write_text(
        "routing:\n  classifier: {enabled: false}\ninbox: {max_per_run: 10, "
        "include_pull_requests: true}\n"
    )
    plan = sweep(root, capsys)
    swept = {i["number"] for i in plan["items"]}
    assert swept == {person_pr, fork_pr, issue}
    assert not swept & {own, by_pat, bot_issue}
