"""S16: people without write access cannot spend the LLM routing budget.

Through ``foreman plan`` (and ``foreman gate`` for the status comment) against
FakeGitHub and FakeAnthropic with the real SDKs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from foreman.cli import main
from foreman.contracts import STATUS_MARKER
from foreman.routing.outsiders import NOTE
from tests.fakes.anthropic_steps import json_reply
from tests.fakes.fake_anthropic import FakeAnthropic
from tests.fakes.github import FakeGitHub

EVENTS = Path(__file__).resolve().parents[1] / "workflows-examples" / "events"
REPO = "octo/demo"
CONFIG = "routing:\n  classifier: {enabled: false}\n"


@pytest.fixture
def root(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fake_github: FakeGitHub,
    fake_anthropic: FakeAnthropic,
) -> Path:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "foreman.yml").write_text(CONFIG)
    for key, value in {
        "GITHUB_TOKEN": fake_github.read_token,
        "GITHUB_API_URL": fake_github.url,
        "GITHUB_REPOSITORY": REPO,
        "FOREMAN_GITHUB_THROTTLE": "0",
        "ANTHROPIC_API_KEY": fake_anthropic.api_key,
        "ANTHROPIC_BASE_URL": fake_anthropic.url,
    }.items():
        monkeypatch.setenv(key, value)
    fake_github.add_collaborator(REPO, "maint", "write")
    return tmp_path


def routed_as(worker: str) -> Any:
    task = {"worker": worker, "focus": "look", "confidence": 0.9, "reason": "it says so"}
    return json_reply({"tasks": [task]})


def plan(root: Path, event: dict[str, Any]) -> Any:
    path, out = root / "event.json", root / "plan.json"
    path.write_text(json.dumps(event))
    assert main(["plan", "--event", str(path), "--root", str(root), "--output", str(out)]) == 0
    return json.loads(out.read_text())


def gate(root: Path, fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> None:
    bundles = root / "bundles"
    bundles.mkdir(exist_ok=True)
    monkeypatch.setenv("GITHUB_TOKEN", fake.write_token)
    argv = ["gate", "--plan", str(root / "plan.json"), "--bundles", str(bundles)]
    assert main([*argv, "--root", str(root)]) == 0
    monkeypatch.setenv("GITHUB_TOKEN", fake.read_token)


def comment(number: int, login: str, body: str, association: str) -> dict[str, Any]:
    event = json.loads((EVENTS / "comment-command.json").read_text())
    user = {"login": login, "id": 5, "type": "User"}
    event["issue"].update(number=number, user={"login": "alice", "id": 8, "type": "User"})
    event["issue"]["author_association"] = "NONE"
    event["comment"].update(body=body, user=user, author_association=association)
    event["sender"] = user
    return event


def opened(number: int, login: str) -> dict[str, Any]:
    event = json.loads((EVENTS / "issue-bug.json").read_text())
    user = {"login": login, "id": 9, "type": "User"}
    event["issue"].update(number=number, user=user, author_association="NONE")
    event["sender"] = user
    return event


def test_S16_an_outsider_repeating_foreman_spends_no_llm_call_and_is_noted_once(
    root: Path,
    fake_github: FakeGitHub,
    fake_anthropic: FakeAnthropic,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    n = fake_github.add_issue(REPO, "It crashes", "Traceback ...", user="alice")
    for body in ("/foreman", "/foreman\nplease look", "/foreman", "/foreman triage", "/foreman"):
        p = plan(root, comment(n, "mallory", body, "NONE"))
        assert [t["worker"] for t in p["tasks"]] == ["triage"] and p["llm_calls"] == 0
        if body != "/foreman triage":  # that one names its worker: no routing at all
            assert [x["text"] for x in p["notes"]] == [NOTE]
            assert "LLM not asked: @mallory does not have write access" in p["tasks"][0]["reason"]
        gate(root, fake_github, monkeypatch)
    assert fake_anthropic.count == 0
    assert fake_github.count("repos/get-collaborator-permission-level") == 4  # once per plan
    [status] = [c.body for c in fake_github.comments(REPO, n) if STATUS_MARKER in c.body]
    assert status.count("Routed without the LLM") == 1  # one sticky comment, noted once

    # Honest: a writer's bare command and the repository owner's new issue are LLM-routed.
    fake_anthropic.script(routed_as("debug"), routed_as("docs"))
    p = plan(root, comment(n, "maint", "/foreman", "COLLABORATOR"))
    assert [(t["worker"], t["layer"]) for t in p["tasks"]] == [("debug", "llm")]
    p = plan(root, opened(n, "octo"))
    assert [(t["worker"], t["layer"]) for t in p["tasks"]] == [("docs", "llm")]
    assert fake_anthropic.count == 2 and p["notes"] == []


def test_S16_an_outsiders_new_issue_uses_the_llm_only_with_the_allowance(
    root: Path, fake_github: FakeGitHub, fake_anthropic: FakeAnthropic
) -> None:
    n = fake_github.add_issue(REPO, "It crashes", "Traceback ...", user="mallory")
    p = plan(root, opened(n, "mallory"))
    assert [t["layer"] for t in p["tasks"]] == ["fallback"] and fake_anthropic.count == 0
    (root / ".github" / "foreman.yml").write_text(CONFIG + "  llm: {outsiders: opened}\n")
    fake_anthropic.script(routed_as("debug"))
    p = plan(root, opened(n, "mallory"))
    # The LLM routed it; the code-writing worker itself still needs write access (P01).
    assert p["llm_calls"] == 1 and fake_anthropic.count == 1
    assert [t["worker"] for t in p["tasks"]] == ["triage"]
    # The allowance is the opening event only: the outsider's commands stay LLM-free.
    p = plan(root, comment(n, "mallory", "/foreman", "NONE"))
    assert p["llm_calls"] == 0 and fake_anthropic.count == 1
