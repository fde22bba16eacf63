"""The plan's GitHub reads through FakeGitHub and the real PyGithub: what they cost, and trust."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from foreman.cli import main
from tests.fakes.fake_anthropic import FakeAnthropic
from tests.fakes.github.server import FakeGitHub

EVENTS = Path(__file__).resolve().parents[1] / "workflows-examples" / "events"
REPO = "octo/demo"
CONFIG = """\
routing:
  classifier: {enabled: false}
  rules:
    - {if: {labels_any: [crash]}, worker: debug}
    - {if: {paths_any: ["docs/**"]}, worker: docs}
"""


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_github: FakeGitHub) -> Path:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "foreman.yml").write_text(CONFIG)
    monkeypatch.setenv("GITHUB_TOKEN", fake_github.read_token)
    monkeypatch.setenv("GITHUB_API_URL", fake_github.url)
    monkeypatch.setenv("FOREMAN_GITHUB_THROTTLE", "0")
    return tmp_path


def run_plan(
    root: Path,
    capsys: pytest.CaptureFixture[str],
    event: dict[str, Any] | str,
    name: str | None = None,
) -> Any:
    if isinstance(event, str):
        path = EVENTS / event
    else:
        path = root / "event.json"
        path.write_text(json.dumps(event))
    argv = ["plan", "--event", str(path), "--root", str(root)]
    if name:
        argv += ["--event-name", name]
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 0, captured.out + captured.err
    return json.loads(captured.out)


def example(name: str) -> Any:
    return json.loads((EVENTS / name).read_text())


def workers(p: Any) -> list[str]:
    return [t["worker"] for t in p["tasks"]]


def test_issue_event_costs_zero_rest_calls(
    env: Path, fake_github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    event = example("issue-bug.json")
    event["issue"]["labels"] = [{"name": "crash"}]
    p = run_plan(env, capsys, event)
    assert workers(p) == ["debug"] and fake_github.count() == 0 and p["rest_calls"] == 0


def test_pr_event_without_path_rules_costs_zero(
    tmp_path: Path,
    fake_github: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", fake_github.read_token)
    monkeypatch.setenv("GITHUB_API_URL", fake_github.url)
    p = run_plan(tmp_path, capsys, "pr-opened.json")
    assert workers(p) == ["triage"] and fake_github.count() == 0


def test_pr_path_rule_reads_changed_files(
    env: Path, fake_github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    number = fake_github.add_pull(
        REPO,
        "Docs",
        "x",
        head="docs-fix",
        user="octo",
        author_association="OWNER",
        files={"docs/a.md": "new\n"},
    )
    event = example("pr-opened.json")
    event["number"] = event["pull_request"]["number"] = number
    event["pull_request"]["head"]["ref"] = "docs-fix"
    p = run_plan(env, capsys, event)
    assert workers(p) == ["docs"]
    assert fake_github.count("pulls/list-files") == 1
    assert p["rest_calls"] == fake_github.count() == 1
    assert "docs/a.md" in p["tasks"][0]["brief"]


def test_dispatch_fetches_current_state_in_one_call(
    env: Path, fake_github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    number = fake_github.add_issue(
        REPO,
        "Edited title: crash on save",
        "now a crash",
        user="octo",
        labels=["crash"],
        author_association="OWNER",
    )
    event = example("dispatch.json")
    event["inputs"]["number"] = str(number)
    p = run_plan(env, capsys, event)
    assert workers(p) == ["debug"] and p["dry_run"] is True
    assert p["tasks"][0]["item"]["title"] == "Edited title: crash on save"  # C02: not stale
    assert fake_github.count() == 1 and p["rest_calls"] == 1


def test_dispatch_worker_override(
    env: Path, fake_github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    number = fake_github.add_issue(REPO, "anything", "", user="alice")
    event = example("dispatch.json")
    event["inputs"] = {"number": str(number), "worker": "docs", "dry_run": "false"}
    p = run_plan(env, capsys, event)
    assert workers(p) == ["docs"] and p["tasks"][0]["layer"] == "dispatch"


def test_dispatch_missing_issue_is_clean_error(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    event = example("dispatch.json")
    event["inputs"]["number"] = "999"
    assert main(["plan", "--event", str(_write(env, event)), "--root", str(env)]) == 5
    assert "Traceback" not in capsys.readouterr().err


def test_G07_dispatch_on_a_transferred_issue_says_where_it_went(
    env: Path, fake_github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_github.add_repo("octo/elsewhere")
    number = fake_github.add_issue(REPO, "moving", "", user="octo")
    new = fake_github.transfer_issue(REPO, number, to="octo/elsewhere")
    event = example("dispatch.json")
    event["inputs"]["number"] = str(number)
    assert main(["plan", "--event", str(_write(env, event)), "--root", str(env)]) == 5
    err = capsys.readouterr().err
    assert f"#{number} was transferred to octo/elsewhere#{new}" in err and "Traceback" not in err


def _write(root: Path, event: Any) -> Path:
    path = root / "event.json"
    path.write_text(json.dumps(event))
    return path


def comment_event(login: str, body: str, assoc: str = "NONE", typ: str = "User") -> Any:
    event = example("comment-command.json")
    user = {"login": login, "id": 5, "type": typ}
    event["comment"].update({"body": body, "user": user, "author_association": assoc})
    event["sender"] = user
    return event


def test_P01_command_from_reader_refused_before_llm(
    env: Path,
    fake_github: FakeGitHub,
    fake_anthropic: FakeAnthropic,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", fake_anthropic.api_key)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_anthropic.url)
    fake_github.add_collaborator(REPO, "reader", "read")
    p = run_plan(env, capsys, comment_event("reader", "/foreman debug", "COLLABORATOR"))
    assert workers(p) == ["triage"] and fake_anthropic.count == 0
    assert any("@reader does not have write access" in n["text"] for n in p["notes"])
    assert fake_github.count("repos/get-collaborator-permission-level") == 1


def test_command_from_writer_starts_worker(
    env: Path, fake_github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_github.add_collaborator(REPO, "writer", "write")
    p = run_plan(env, capsys, comment_event("writer", "/foreman debug the parser"))
    assert workers(p) == ["debug"] and p["tasks"][0]["layer"] == "command"


@pytest.mark.parametrize(
    ("login", "typ"), [("github-actions[bot]", "Bot"), ("renovate[bot]", "Bot")]
)
def test_P07_bot_comments_ignored(
    env: Path, fake_github: FakeGitHub, login: str, typ: str, capsys: pytest.CaptureFixture[str]
) -> None:
    p = run_plan(env, capsys, comment_event(login, "/foreman debug", typ=typ))
    assert p["tasks"] == [] and "bot" in p["skipped"] and fake_github.count() == 0


def test_P07_events_sent_by_the_foreman_itself_ignored(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    event = example("issue-bug.json")
    event["sender"] = {"login": "github-actions[bot]", "type": "Bot"}
    p = run_plan(env, capsys, event)
    assert p["tasks"] == [] and "own identity" in p["skipped"]


def test_comment_without_command_is_nothing_to_do(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = run_plan(env, capsys, comment_event("octo", "thanks, looks good", "OWNER"))
    assert p["tasks"] == [] and "no /foreman command" in p["skipped"]


def test_H01_hostile_title_stays_data(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    canary = tmp_path / "pwned"
    event = example("issue-bug.json")
    hostile = f'"; touch {canary} #`touch {canary}`$(touch {canary}) ${{{{ github.token }}}}'
    event["issue"]["title"] = hostile
    event["issue"]["labels"] = [{"name": "crash"}, {"name": f"$(touch {canary})"}]
    out = tmp_path / "gh_output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(out))
    p = run_plan(env, capsys, event)
    assert not canary.exists()
    assert workers(p) == ["debug"]
    title = p["tasks"][0]["item"]["title"]
    assert title.startswith('"; touch ') and "`touch" in title and "$(touch" in title
    assert "matrix<<ghadelimiter_" in out.read_text()


def test_P02_fork_pull_request_event_plans_read_only(
    env: Path, fake_github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    number = fake_github.add_pull(
        REPO, "fork", "", head="patch-1", fork=True, files={"docs/x.md": "y\n"}
    )
    event = example("pr-opened.json")
    event["number"] = event["pull_request"]["number"] = number
    event["pull_request"]["head"]["repo"] = {"full_name": "mallory/demo"}
    event["pull_request"]["labels"] = [{"name": "crash"}]
    p = run_plan(env, capsys, event)
    assert p["dry_run"] is True and workers(p) == ["triage"]
    assert any("fork" in n["text"] for n in p["notes"])
    assert [r.method for r in fake_github.requests] == ["GET"]  # reads only


def test_P02_command_on_fork_pr_learns_the_fork_and_refuses_code_workers(
    env: Path, fake_github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    number = fake_github.add_pull(REPO, "fork change", "", head="patch-1", fork=True)
    event = comment_event("octo", "/foreman lint-fix", "OWNER")
    event["issue"]["number"] = number
    event["issue"]["pull_request"] = {"url": f"{fake_github.url}/repos/{REPO}/pulls/{number}"}
    p = run_plan(env, capsys, event)
    assert workers(p) == ["triage"] and any("forks" in n["text"] for n in p["notes"])
    assert fake_github.count("pulls/get") == 1


@pytest.mark.parametrize("label", ["foreman:handled", "Foreman:Skip"])
def test_P07_a_marker_label_added_by_a_person_is_not_a_trigger(
    env: Path, fake_github: FakeGitHub, capsys: pytest.CaptureFixture[str], label: str
) -> None:
    """The gate's handled label (or the sweep's exclude label) added by hand, not by the bot:
    nothing to do, not a refused request for a worker called 'handled'."""
    event = example("issue-bug.json")
    event["action"] = "labeled"
    event["label"] = {"name": label}
    event["sender"] = {"login": "writer", "type": "User"}
    p = run_plan(env, capsys, event)
    assert p["tasks"] == [] and p["notes"] == [] and fake_github.count() == 0
    assert p["skipped"] == f"label {label!r} is a foreman marker, not a trigger"


@pytest.mark.parametrize(
    ("role", "allowed", "starts"),
    [
        ("maintain", "[admin, maintain]", True),  # the legacy field says "write": not enough
        ("write", "[admin, maintain]", False),
        ("triage", "[triage]", True),  # legacy "read"
        ("admin", "[admin, maintain]", True),
        ("maintain", "[write]", True),  # legacy "write" still satisfies a list naming write
        ("read", "[admin, maintain, write]", False),
    ],
)
def test_code_permission_compares_the_role_not_only_the_legacy_level(
    env: Path,
    fake_github: FakeGitHub,
    capsys: pytest.CaptureFixture[str],
    role: str,
    allowed: str,
    starts: bool,
) -> None:
    (env / ".github" / "foreman.yml").write_text(
        CONFIG + f"triggers:\n  code_permission: {allowed}\n"
    )
    fake_github.add_collaborator(REPO, "someone", role)
    p = run_plan(env, capsys, comment_event("someone", "/foreman debug", "COLLABORATOR"))
    assert workers(p) == (["debug"] if starts else ["triage"])
    assert fake_github.count("repos/get-collaborator-permission-level") == 1


def test_a_slow_rule_pattern_is_a_warning_in_the_log_and_the_plan_goes_on(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from foreman.routing import rules

    monkeypatch.setattr(rules, "PATTERN_SECONDS", 0.05)
    (env / ".github" / "foreman.yml").write_text(
        "routing:\n  classifier: {enabled: false}\n  rules:\n"
        '    - {if: {body: ".*a.*b"}, worker: debug}\n'
    )
    event = example("issue-bug.json")
    event["issue"]["body"] = "x" * 20_000
    path = _write(env, event)
    assert main(["plan", "--event", str(path), "--root", str(env)]) == 0
    out, err = capsys.readouterr()
    assert workers(json.loads(out)) == ["triage"]
    assert "warning: rule #1: its body pattern /.*a.*b/ ran longer than 0.05 s" in err
