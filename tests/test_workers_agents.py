"""Agent workers end to end through FakeAnthropic: the bundle holds what the script did."""

from __future__ import annotations

import json
from pathlib import Path

import anthropic  # noqa: F401  (imported up front: its import time is not the worker's budget)
import pytest

from tests.fakes import anthropic_steps as steps
from tests.fakes.fake_anthropic import FakeAnthropic
from tests.support.sample_repos import (
    CALC_FIXED,
    apply_patch,
    bundle,
    calc_repo,
    make_repo,
    recording,
    result_text,
    run_work,
    use_fake,
)

BRIEF = "add(2, 3) returns -1 instead of 5. Reproduce with `python run_tests.py`."
APPROVE = steps.json_reply({"verdict": "approve", "reasons": ["minimal, tested fix"]})


@pytest.fixture(autouse=True)
def _fake_env(monkeypatch: pytest.MonkeyPatch, fake_anthropic: FakeAnthropic) -> None:
    use_fake(monkeypatch, fake_anthropic)


def test_debug_red_to_green_with_isolated_review(
    tmp_path: Path, fake_anthropic: FakeAnthropic
) -> None:
    repo = calc_repo(tmp_path / "repo")
    seen: list[list[dict]] = []
    fake_anthropic.script(
        steps.tool_use(("read_file", {"path": "calc.py"}), text="Reading the code."),
        recording(
            steps.tool_use(
                ("edit_file", {"path": "calc.py", "old_text": "a - b", "new_text": "a + b"})
            ),
            seen,
        ),
        recording(steps.tool_use(("run_command", {"command": "python run_tests.py"})), seen),
        recording(steps.text("add() subtracted; it now adds. run_tests.py: 1 passed."), seen),
        APPROVE,
    )
    assert run_work({"id": "d1", "worker": "debug", "brief": BRIEF}, repo, tmp_path / "out") == 0
    result, patch = bundle(tmp_path / "out")

    assert result.verdict == "proposed" and result.fixes_issue is True
    [repro] = result.tests
    assert (repro.command, repro.before, repro.after) == ("python run_tests.py", "fail", "pass")
    assert result.files_changed == ["calc.py"]
    assert "-    return a - b" in patch and "+    return a + b" in patch
    assert result.body.startswith("add() subtracted; it now adds.")
    assert result.review is not None and result.review.verdict == "approve"
    assert result.usage.turns == 5 and result.usage.requests == 5
    assert result.usage.input_tokens == 5 * 25 and result.usage.output_tokens == 5 * 10

    assert "def add(a, b):" in result_text(seen[0][0])  # the read_file result reached the model
    assert "edited calc.py" in result_text(seen[1][0])
    assert "1 passed" in result_text(seen[2][0])

    first = fake_anthropic.message_requests[0].body
    assert "debugging specialist" in json.dumps(first["system"])
    assert "untrusted data" in json.dumps(first["system"])
    assert "FAIL test_add" in json.dumps(first["messages"])  # the reproduction evidence
    assert {t["name"] for t in first["tools"]} == {
        "read_file",
        "list_dir",
        "search",
        "write_file",
        "edit_file",
        "run_command",
    }

    review = fake_anthropic.message_requests[-1]
    sent = json.dumps(review.body)
    assert (
        len(review.conversation) == 1 and "thread" not in review.body and "tools" not in review.body
    )
    assert "+    return a + b" in sent and "<task_brief>" in sent
    assert "it now adds" not in sent and "Reading the code" not in sent  # isolated context

    fresh = calc_repo(tmp_path / "fresh")
    apply_patch(patch, fresh)
    assert (fresh / "calc.py").read_text() == CALC_FIXED


def test_debug_that_does_not_reproduce_needs_a_human(
    tmp_path: Path, fake_anthropic: FakeAnthropic
) -> None:
    repo = calc_repo(tmp_path / "repo", **{"calc.py": CALC_FIXED})
    assert run_work({"id": "d2", "worker": "debug", "brief": BRIEF}, repo, tmp_path / "out") == 0
    result, patch = bundle(tmp_path / "out")
    assert result.verdict == "needs_human" and "does not reproduce" in result.reason
    assert result.tests[0].before == "pass" and "1 passed" in result.tests[0].output_tail
    assert patch == "" and fake_anthropic.count == 0 and not result.fixes_issue


def test_debug_still_red_is_not_a_fix(tmp_path: Path, fake_anthropic: FakeAnthropic) -> None:
    repo = calc_repo(tmp_path / "repo")
    fake_anthropic.script(
        steps.tool_use(
            ("edit_file", {"path": "calc.py", "old_text": "a - b", "new_text": "b - a"})
        ),
        steps.text("Swapped the operands."),
    )
    assert run_work({"id": "d3", "worker": "debug", "brief": BRIEF}, repo, tmp_path / "out") == 0
    result, patch = bundle(tmp_path / "out")
    assert result.verdict == "needs_human" and not result.fixes_issue
    assert (result.tests[0].before, result.tests[0].after) == ("fail", "fail")
    assert "b - a" in patch and result.review is None  # review runs only on proposals


def test_docs_writes_only_documentation(tmp_path: Path, fake_anthropic: FakeAnthropic) -> None:
    repo = calc_repo(tmp_path / "repo")
    seen: list[list[dict]] = []
    fake_anthropic.script(
        steps.tool_use(
            ("write_file", {"path": "calc.py", "content": "print('pwned')\n"}),
            ("write_file", {"path": "../outside.md", "content": "x"}),
        ),
        recording(
            steps.tool_use(
                (
                    "edit_file",
                    {
                        "path": "docs/usage.md",
                        "old_text": "Call",
                        "new_text": "To add two numbers, call",
                    },
                )
            ),
            seen,
        ),
        recording(steps.text("Clarified the usage page."), seen),
        APPROVE,
    )
    assert (
        run_work(
            {"id": "doc1", "worker": "docs", "brief": "Improve docs/usage.md"},
            repo,
            tmp_path / "out",
        )
        == 0
    )
    result, patch = bundle(tmp_path / "out")
    assert result.verdict == "proposed" and result.files_changed == ["docs/usage.md"]
    assert "pwned" not in patch and (repo / "calc.py").read_text() != "print('pwned')\n"
    assert not (tmp_path / "outside.md").exists()
    refused = seen[0]
    assert [b.get("is_error") for b in refused] == [True, True]
    assert "outside this worker's allowed paths" in result_text(refused[0])
    assert "leaves the repository" in result_text(refused[1])
    assert result.tests == []  # docs runs no tests


def test_refactor_keeps_the_test_result(tmp_path: Path, fake_anthropic: FakeAnthropic) -> None:
    repo = calc_repo(tmp_path / "repo", **{"calc.py": CALC_FIXED})
    fake_anthropic.script(
        steps.tool_use(
            (
                "edit_file",
                {"path": "calc.py", "old_text": "return a + b", "new_text": "return sum((a, b))"},
            )
        ),
        steps.text("Expressed add via sum()."),
        APPROVE,
    )
    assert (
        run_work({"id": "r1", "worker": "refactor", "brief": "Use sum()"}, repo, tmp_path / "a")
        == 0
    )
    result, _ = bundle(tmp_path / "a")
    assert result.verdict == "proposed"
    assert (result.tests[0].before, result.tests[0].after) == ("pass", "pass")


def test_refactor_that_changes_the_result_needs_a_human(
    tmp_path: Path, fake_anthropic: FakeAnthropic
) -> None:
    repo = calc_repo(tmp_path / "repo", **{"calc.py": CALC_FIXED})
    fake_anthropic.script(
        steps.tool_use(
            ("edit_file", {"path": "calc.py", "old_text": "a + b", "new_text": "a * b"})
        ),
        steps.text("Simplified."),
    )
    assert (
        run_work({"id": "r2", "worker": "refactor", "brief": "Simplify"}, repo, tmp_path / "b") == 0
    )
    result, patch = bundle(tmp_path / "b")
    assert result.verdict == "needs_human" and "changed from pass to fail" in result.reason
    assert "a * b" in patch


@pytest.mark.parametrize("allow", [False, True])
def test_infra_edits_workflows_only_when_allowed(
    tmp_path: Path, fake_anthropic: FakeAnthropic, allow: bool
) -> None:
    config = "version: 1\ntest:\n  command: python run_tests.py\n"
    if allow:
        config += "gate:\n  allow_protected: [infra]\n"
    repo = calc_repo(
        tmp_path / "repo",
        config,
        **{
            "calc.py": CALC_FIXED,
            "requirements.txt": "x==1\n",
            ".github/workflows/ci.yml": "on: push\n",
        },
    )
    fake_anthropic.script(
        steps.tool_use(
            ("edit_file", {"path": "requirements.txt", "old_text": "x==1", "new_text": "x==2"}),
            ("write_file", {"path": ".github/workflows/ci.yml", "content": "on: [push]\n"}),
            ("write_file", {"path": "calc.py", "content": "evil = 1\n"}),
        ),
        steps.text("Bumped x to 2 and modernised CI."),
        APPROVE,
    )
    assert run_work({"id": "i1", "worker": "infra", "brief": "bump x"}, repo, tmp_path / "out") == 0
    result, _ = bundle(tmp_path / "out")
    assert result.verdict == "proposed"
    expected = [".github/workflows/ci.yml", "requirements.txt"] if allow else ["requirements.txt"]
    assert result.files_changed == expected
    assert (result.tests[0].before, result.tests[0].after) == ("pass", "pass")


def test_custom_worker_from_config(tmp_path: Path, fake_anthropic: FakeAnthropic) -> None:
    config = (
        "version: 1\nworkers:\n  changelog:\n    prompt: You keep CHANGELOG.md tidy.\n"
        "    tools: [read, write]\n    allowed_paths: [CHANGELOG.md]\n    model: claude-custom\n"
        "    max_turns: 4\n    review: false\n"
    )
    repo = make_repo(
        tmp_path / "repo", {"CHANGELOG.md": "# Changes\n", ".github/foreman.yml": config}
    )
    fake_anthropic.script(
        steps.tool_use(("write_file", {"path": "CHANGELOG.md", "content": "# Changes\n\n- 1.0\n"})),
        steps.text("Added the 1.0 entry."),
    )
    assert (
        run_work({"id": "c1", "worker": "changelog", "brief": "add 1.0"}, repo, tmp_path / "out")
        == 0
    )
    result, patch = bundle(tmp_path / "out")
    assert result.verdict == "proposed" and "+- 1.0" in patch and result.review is None
    first = fake_anthropic.message_requests[0].body
    assert first["model"] == "claude-custom" and first["max_tokens"] <= 8192
    assert [t["name"] for t in first["tools"]] == ["read_file", "write_file"]
    system = json.dumps(first["system"])
    assert "You keep CHANGELOG.md tidy." in system and "CHANGELOG.md" in system
    assert "4 turns" in system


def test_agent_worker_without_a_key_fails_cleanly(
    tmp_path: Path, fake_anthropic: FakeAnthropic, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    repo = calc_repo(tmp_path / "repo")
    assert run_work({"id": "d4", "worker": "debug", "brief": BRIEF}, repo, tmp_path / "out") == 0
    result, patch = bundle(tmp_path / "out")
    assert result.verdict == "failed" and "API key" in result.reason and patch == ""
    assert result.tests == [] and fake_anthropic.count == 0
