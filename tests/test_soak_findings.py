"""Bugs the soak found, one test each (the fix is in production code; see the docstrings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from foreman.contracts import STATUS_MARKER
from foreman.github.client import connect, github_errors
from foreman.github.reconcile import write_with_reconcile
from tests.fakes.github import FakeGitHub, secondary_rate_limit, too_many_requests
from tests.support.gate import REPO, Gate, decisions, item, result, task


def test_G02_a_write_told_retry_after_60_waits_like_a_read_instead_of_giving_up(
    fake_github: FakeGitHub,
) -> None:
    """``Retry-After: 60`` (GitHub's usual answer to a secondary limit) is within the 60 s
    budget. Reads waited; writes gave up at once, because the 1 s pad added to the wait was
    counted against the budget (61 > 60), so the gate stopped and the run failed."""
    waits: list[float] = []
    gh = connect(fake_github.write_token, base_url=fake_github.url, throttle=False,
                 sleep=waits.append)  # fmt: skip
    try:
        issue = gh.get_repo(REPO).get_issue(fake_github.add_issue(REPO, "x"))
        fake_github.inject(secondary_rate_limit(retry_after=60, route="issues/list-comments"))
        with github_errors():
            assert list(issue.get_comments()) == []
        assert waits == [60.0]  # a read: waits GitHub's 60 s
        fake_github.inject(too_many_requests(retry_after=60, route="issues/create-comment"))
        comment = write_with_reconcile(
            lambda: issue.create_comment("hi"), lambda: None, sleep=waits.append
        )
        assert comment.body == "hi" and 60.0 <= waits[-1] <= 61.0  # a write: the same, + 1 s
        assert fake_github.count("issues/create-comment") == 2
        fake_github.inject(too_many_requests(retry_after=90, route="issues/create-comment"))
        with pytest.raises(Exception, match="rate-limited until"):  # beyond the budget: clear
            write_with_reconcile(lambda: issue.create_comment("again"), lambda: None,
                                 sleep=waits.append)  # fmt: skip
    finally:
        gh.close()


def test_L01_a_worker_that_gave_up_on_the_model_asks_a_maintainer(
    fake_github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """L01 under load: when the model answered 529 to every retry during a docs worker's run,
    the status comment said "worker failed" and asked nobody (``failed`` was not among the
    decisions that mention ``gate.ask``), so the item was left with no one to decide."""
    gate = Gate(fake_github, tmp_path, monkeypatch)
    gate.checkout(config="gate:\n  ask: [maintainer]\n")
    n = fake_github.add_issue(REPO, "Docs: fix the guide")
    t = task("docs", item(n, "Docs: fix the guide"))
    reason = "Anthropic API overloaded: the API was overloaded after 3 attempts"
    gate.add(t, result(t, verdict="failed", reason=reason))
    assert gate.run() == 0
    [comment] = gate.bodies(n)
    assert STATUS_MARKER in comment and "worker failed" in comment and "overloaded" in comment
    assert "@maintainer: a maintainer's decision is needed here." in comment
    assert decisions(gate.summary()) == {t.id: "worker failed"}
    assert gate.pulls() == [] and fake_github.count("git/create-commit") == 0  # nothing partial
