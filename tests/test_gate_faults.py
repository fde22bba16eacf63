"""The gate under GitHub API faults (G01-G10): what the gate does, not only the transport."""

from __future__ import annotations

from pathlib import Path

import pytest

from foreman.config import Config
from foreman.gate.model import GateOptions
from foreman.gate.run import run_gate
from tests.fakes.github import (
    FakeGitHub,
    Fault,
    primary_rate_limit,
    secondary_rate_limit,
    too_many_requests,
)
from tests.support.gate import PASSING, REPO, Gate, decisions, item, result, task

FIXED = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"


@pytest.fixture
def gate(fake_github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Gate:
    g = Gate(fake_github, tmp_path, monkeypatch)
    g.checkout()
    return g


def debug_bundle(gate: Gate, title: str = "add() subtracts") -> int:
    n = gate.fake.add_issue(REPO, title)
    t = task("debug", item(n, title))
    gate.add(t, result(t, tests=PASSING), gate.patch({"src/app.py": FIXED}))
    return n


def test_G01_primary_rate_limit_far_away_stops_the_gate_with_a_clear_error(
    gate: Gate, capsys: pytest.CaptureFixture[str]
) -> None:
    n = debug_bundle(gate)
    gate.fake.inject(primary_rate_limit(route="pulls/create", times=None, reset_in=7200))
    assert gate.run() == 5
    err = capsys.readouterr().err
    assert "rate-limited until" in err
    assert gate.pulls() == [] and gate.fake.count("pulls/create") == 1  # no waiting, no retry
    summary = gate.summary()
    assert decisions(summary) == {f"issue-{n}-debug": "error"}
    # The half-done write is reported as such, never as a success:
    assert "done before the failure: branch foreman/issue-" in summary
    assert "stopped on an error" in summary and "rate-limited until" in summary
    assert gate.fake.comments(REPO, n) == []  # the run stopped before the status comment
    assert max(gate.waits, default=0) <= 60


def test_G02_secondary_limit_on_a_write_backs_off_then_gives_up_clearly(gate: Gate) -> None:
    n = debug_bundle(gate)
    gate.fake.inject(secondary_rate_limit(route="issues/create-comment", times=None))
    assert gate.run() == 5
    assert gate.fake.count("issues/create-comment") == 3  # bounded attempts
    assert gate.waits and all(w <= 60 for w in gate.waits)
    assert "still rate-limited after 3 attempts" in gate.summary()
    assert gate.fake.comments(REPO, n) == []
    assert len(gate.pulls()) == 1  # the PR before it stands, and is reported
    assert "foreman:handled" not in gate.fake.issue(REPO, n).labels


def test_G03_429_without_retry_after_on_a_read_is_retried(gate: Gate) -> None:
    n = debug_bundle(gate)
    gate.fake.inject(too_many_requests(route="issues/get", times=1))
    assert gate.run() == 0
    assert gate.fake.count("issues/get") == 2 and len(gate.waits) >= 1
    assert len(gate.fake.comments(REPO, n)) == 1


def test_G04_502_on_a_status_comment_that_was_created_leaves_exactly_one(gate: Gate) -> None:
    n = debug_bundle(gate)
    gate.fake.inject(Fault(status=502, route="issues/create-comment", apply=True))
    assert gate.run() == 0
    assert len(gate.fake.comments(REPO, n)) == 1
    assert gate.fake.count("issues/create-comment") == 1  # re-read found it: no second POST


def test_G05_500_on_create_pr_that_succeeded_leaves_exactly_one_pr(gate: Gate) -> None:
    n = debug_bundle(gate)
    gate.fake.inject(Fault(status=500, route="pulls/create", apply=True))
    assert gate.run() == 0
    assert len(gate.pulls()) == 1 and gate.fake.count("pulls/create") == 1
    assert decisions(gate.summary()) == {f"issue-{n}-debug": "pull request"}


def test_G06_pull_request_already_exists_is_success_and_the_pr_is_updated(gate: Gate) -> None:
    n = debug_bundle(gate)
    assert gate.run() == 0
    [pr] = gate.pulls()
    pr.title, pr.body = "stale title", "stale body"
    # The lookup misses it once (e.g. eventual consistency): create answers 422.
    gate.fake.inject(Fault(status=200, body=[], route="pulls/list", times=1))
    assert gate.run() == 0
    [create] = [c for c in gate.fake.calls("pulls/create") if c.status == 422]
    assert "already exists" in str(create.response)
    [pr] = gate.pulls()
    assert pr.title == f"debug: fix for #{n}" and pr.body.startswith(f"Refs #{n}")


def test_G07_deleted_or_transferred_item_is_a_clean_no_op(
    gate: Gate, capsys: pytest.CaptureFixture[str]
) -> None:
    gone = debug_bundle(gate)
    moved = debug_bundle(gate, "other")
    gate.fake.delete_issue(REPO, gone)
    gate.fake.transfer_issue(REPO, moved)
    assert gate.run() == 0
    assert gate.fake.writes == []
    assert f"#{gone} is gone" in capsys.readouterr().err
    ds = decisions(gate.summary())
    assert set(ds.values()) == {"skipped"}


def test_G07_an_issue_transferred_to_a_repository_we_can_read_is_reported_as_moved(
    gate: Gate, capsys: pytest.CaptureFixture[str]
) -> None:
    """GitHub answers 301 there (the fake too); PyGithub follows it to the issue's new home.
    The gate writes nothing, neither here nor in the other repository, and says where it went."""
    gate.fake.add_repo("octo/elsewhere")
    moved = debug_bundle(gate)
    new = gate.fake.transfer_issue(REPO, moved, to="octo/elsewhere")
    assert gate.run() == 0
    assert gate.fake.writes == []
    [redirect] = [r for r in gate.fake.calls("issues/get") if r.status == 301]
    assert redirect.path == f"/repos/{REPO}/issues/{moved}"
    err = capsys.readouterr().err
    assert f"#{moved} was transferred to octo/elsewhere#{new} (GitHub answered 301" in err
    assert set(decisions(gate.summary()).values()) == {"skipped"}
    assert f"transferred to octo/elsewhere#{new}" in gate.summary()


def test_G08_bad_or_missing_token_fails_fast(
    gate: Gate, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    debug_bundle(gate)
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_notAValidToken000000000000000000000")
    assert gate.run() == 5
    assert len(gate.fake.requests) == 1 and gate.waits == []
    assert "rejected the token" in capsys.readouterr().err
    gate.fake.reset_log()
    monkeypatch.delenv("GITHUB_TOKEN")
    assert gate.run() == 5
    assert gate.fake.requests == [] and "no GitHub token" in capsys.readouterr().err


def test_G09_status_comment_beyond_the_first_pages_is_found_and_updated(gate: Gate) -> None:
    n = debug_bundle(gate)
    for i in range(230):
        gate.fake.add_comment(REPO, n, f"comment {i}")
    old = gate.fake.add_comment(
        REPO, n, "<!-- agent-foreman:status -->\nold status", user=gate.fake.bot_login
    )
    assert gate.run() == 0
    comments = gate.fake.comments(REPO, n)
    assert len(comments) == 231
    assert [c.id for c in comments if "agent-foreman:status" in c.body] == [old]
    assert "pull request" in comments[-1].body
    assert gate.fake.count("issues/list-comments") >= 3  # every page was read


def test_G10_a_write_that_times_out_is_reconciled_before_any_retry(
    gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    n = debug_bundle(gate)
    gate.plan_path.write_text(gate.plan().model_dump_json())
    gate.fake.inject(Fault(status=None, route="issues/create-comment", apply=True, delay=1.5))
    opts = GateOptions(
        plan=gate.plan(), bundles=gate.bundles, root=gate.root, config=Config(),
        token=gate.fake.write_token, api_url=gate.fake.url, repo=REPO, throttle=False,
        timeout=1, sleep=lambda _s: None,
    )  # fmt: skip
    report = run_gate(opts)
    assert report.exit_code == 0
    assert len(gate.fake.comments(REPO, n)) == 1
    assert gate.fake.count("issues/create-comment") == 1
    assert [w.comment_state for w in report.items] == ["created"]
