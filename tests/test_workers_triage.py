"""triage: offline rules, the model's structured answer filtered by policy, and the review stage."""

from __future__ import annotations

import json
from pathlib import Path

import anthropic  # noqa: F401
import pytest

from foreman.workers.triage import rule_labels
from tests.fakes import anthropic_steps as steps
from tests.fakes.fake_anthropic import FakeAnthropic
from tests.support.sample_repos import bundle, git, make_repo, run_work, use_fake

BRIEF = "Crash when saving. Possibly the same as #12 or #15."


def triage_task(**extra: object) -> dict[str, object]:
    return {"id": "tr1", "worker": "triage", "brief": BRIEF, **extra}


@pytest.mark.parametrize(
    ("reason", "labels"),
    [
        ("classifier: bug (0.91)", ["bug"]),
        ("classifier: feature (0.8)", ["enhancement"]),
        ("rule 'questions' matched: question", ["question"]),
        ("no rule matched", []),
    ],
)
def test_triage_works_offline_from_the_classification(
    tmp_path: Path, reason: str, labels: list[str]
) -> None:
    repo = make_repo(tmp_path / "repo", {"a.txt": "a\n"})
    task = triage_task(reason=reason, layer="classifier", confidence=0.9)
    assert run_work(task, repo, tmp_path / "out") == 0
    result, patch = bundle(tmp_path / "out")
    assert result.verdict == "proposed" and result.labels == labels and patch == ""
    assert result.comment and result.comment.startswith("Thanks")
    assert result.duplicates == [] and result.usage.requests == 0


def test_offline_labels_come_from_the_decision_not_its_evidence(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"a.txt": "a\n"})
    evidence = ["no bug-report phrasing", '"question"', 'heading "docs"']
    task = triage_task(reason="classified as feature (0.95)", evidence=evidence, layer="classifier")
    assert run_work(task, repo, tmp_path / "out") == 0
    result, _ = bundle(tmp_path / "out")
    assert result.labels == ["enhancement"]


def test_rule_labels_map_classes() -> None:
    assert rule_labels("bug, feature; docs") == ["bug", "enhancement", "documentation"]


def test_a_classifier_reason_gives_its_class_alone_and_none_when_it_decided_the_worker() -> None:
    named = "by the model learned for octo/bug-docs on 2026-12-07 from 240 issues"
    assert rule_labels(f"classified as question (0.93) {named}", "classifier") == ["question"]
    unsure = f"classified for triage (0.94), its class unsure (best guess feature at 0.58) {named}"
    assert rule_labels(unsure, "classifier") == []


def test_triage_with_a_key_uses_structured_output_within_policy(
    tmp_path: Path, fake_anthropic: FakeAnthropic, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_fake(monkeypatch, fake_anthropic)
    fake_anthropic.script(
        steps.json_reply(
            {
                "labels": ["Bug", "priority: high", "$(id)"],
                "comment": "Thanks! Looks like #12.",
                "duplicates": [12, 999, 12],
                "confidence": 0.85,
            }
        )
    )
    repo = make_repo(tmp_path / "repo", {"a.txt": "a\n"})
    assert run_work(triage_task(item={"number": 40}), repo, tmp_path / "out") == 0
    result, _ = bundle(tmp_path / "out")
    assert result.verdict == "proposed"
    assert result.labels == ["bug"]  # only allowed labels, in the allowed spelling
    assert result.duplicates == [12]  # only numbers the brief mentions
    assert result.comment == "Thanks! Looks like #12." and result.confidence == 0.85
    [request] = fake_anthropic.message_requests
    assert request.body["model"] == "claude-haiku-4-5"
    assert request.body["output_config"]["format"]["type"] == "json_schema"
    assert "Allowed labels: bug, enhancement" in json.dumps(request.body["system"])


def test_triage_falls_back_to_rules_when_the_model_fails(
    tmp_path: Path, fake_anthropic: FakeAnthropic, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_fake(monkeypatch, fake_anthropic)
    fake_anthropic.script(steps.text("this is not JSON"))
    repo = make_repo(tmp_path / "repo", {"a.txt": "a\n"})
    assert run_work(triage_task(reason="classifier: bug"), repo, tmp_path / "out") == 0
    result, _ = bundle(tmp_path / "out")
    assert result.verdict == "needs_human" and result.labels == ["bug"]
    assert "invalid structured output" in result.reason


def test_review_task_reviews_the_last_commit(
    tmp_path: Path, fake_anthropic: FakeAnthropic, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_fake(monkeypatch, fake_anthropic)
    repo = make_repo(tmp_path / "repo", {"a.py": "x = 1\n"})
    (repo / "a.py").write_text("x = 2\n")
    git(repo, "commit", "-qam", "change x")
    fake_anthropic.script(steps.json_reply({"verdict": "request_changes", "reasons": ["why 2?"]}))
    assert (
        run_work({"id": "rv1", "worker": "review", "brief": "review"}, repo, tmp_path / "out") == 0
    )
    result, patch = bundle(tmp_path / "out")
    assert result.review is not None and result.review.verdict == "request_changes"
    assert result.review.reasons == ["why 2?"] and patch == ""
    assert "+x = 2" in json.dumps(fake_anthropic.message_requests[0].body)


def test_invalid_review_answer_is_recorded_as_absent(
    tmp_path: Path, fake_anthropic: FakeAnthropic, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_fake(monkeypatch, fake_anthropic)
    config = "version: 1\nworkers:\n  lint-fix:\n    review: true\n"
    repo = make_repo(tmp_path / "repo", {"a.py": "import os\n", ".github/foreman.yml": config})
    fake_anthropic.script(steps.json_reply({"verdict": "merge it now", "reasons": []}))
    assert (
        run_work({"id": "l1", "worker": "lint-fix", "brief": "lint"}, repo, tmp_path / "out") == 0
    )
    result, _ = bundle(tmp_path / "out")
    assert result.verdict == "proposed" and result.review is None
    assert "no review:" in result.body and "invalid structured output" in result.body
