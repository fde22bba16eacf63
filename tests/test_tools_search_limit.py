"""The search tool's time limit on a model's regular expression (S14)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from foreman.timelimit import available
from foreman.workers import tools
from foreman.workers.boundary import off
from foreman.workers.fence import Fence
from foreman.workers.tools import ERROR, Toolbox
from tests.fakes import anthropic_steps as steps
from tests.fakes.fake_anthropic import FakeAnthropic
from tests.support.sample_repos import (
    bundle,
    calc_repo,
    make_repo,
    recording,
    result_text,
    run_work,
    use_fake,
)

CATASTROPHIC = "(a+)+$"
LONG_LINE = "a" * 900 + "!\n"  # no match, and every way to split the a's is tried
FIX = ("edit_file", {"path": "calc.py", "old_text": "a - b", "new_text": "a + b"})


def test_S14_a_catastrophic_pattern_is_stopped_and_the_fix_still_lands(
    tmp_path: Path, fake_anthropic: FakeAnthropic, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_fake(monkeypatch, fake_anthropic)
    monkeypatch.setattr(tools, "SEARCH_SECONDS", 0.5)
    repo = calc_repo(tmp_path / "repo", **{"data/blob.txt": LONG_LINE})
    seen: list[list[dict]] = []
    fake_anthropic.script(
        steps.tool_use(("search", {"pattern": CATASTROPHIC, "path": "."})),
        recording(steps.tool_use(("search", {"pattern": r"a - b"}), FIX), seen),
        recording(steps.text("Fixed add()."), seen),
        steps.json_reply({"verdict": "approve", "reasons": ["ok"]}),
    )
    task = {"id": "s14", "worker": "debug", "brief": "add(2, 3) returns -1."}
    started = time.monotonic()
    assert run_work(task, repo, tmp_path / "out") == 0
    assert time.monotonic() - started < 60  # not a timing goal: a hang would never get here
    first, second = seen
    assert first[0].get("is_error") is True
    said = result_text(first[0])
    assert "search stopped" in said and "time limit (0.5 s)" in said and CATASTROPHIC in said
    assert "calc.py:2:     return a - b" in result_text(second[0])  # search works after it
    result, patch = bundle(tmp_path / "out")
    assert result.verdict == "proposed" and "+    return a + b" in patch


def test_S14_off_the_main_thread_the_search_runs_in_a_child_that_is_killed(
    tmp_path: Path,
) -> None:
    root = make_repo(tmp_path / "repo", {"blob.txt": LONG_LINE, "app.py": "x = 'aaa'\n"})
    box = Toolbox(
        fence=Fence.make(root, ["**"]),
        commands=[],
        env={},
        deadline=time.monotonic() + 60,
        boundary=off(),
    )
    answers: dict[str, object] = {}

    def work() -> None:
        answers["available"] = available()
        answers["slow"] = box.search(CATASTROPHIC)
        answers["ok"] = box.search(r"'a+'")

    tools_limit = tools.SEARCH_SECONDS
    tools.SEARCH_SECONDS = 0.5
    try:
        thread = threading.Thread(target=work)
        thread.start()
        thread.join(60)
    finally:
        tools.SEARCH_SECONDS = tools_limit
    assert not thread.is_alive()
    assert answers["available"] is False
    assert str(answers["slow"]).startswith(ERROR + "search stopped")
    assert answers["ok"] == "app.py:1: x = 'aaa'"


def test_an_invalid_pattern_is_a_clear_error(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"a.txt": "x\n"})
    box = Toolbox(
        fence=Fence.make(root, ["**"]),
        commands=[],
        env={},
        deadline=time.monotonic(),
        boundary=off(),
    )
    assert box.search("(unclosed").startswith(ERROR + "invalid regular expression '(unclosed'")
