"""S09: a bundle is bound to its task by its artifact's name and layout (``foreman gate``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakes.github import FakeGitHub
from tests.support.gate import PASSING, REPO, Gate, decisions, item, result, task

FIXED = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"
EVIL = "import os\n\n\ndef add(a, b):\n    os.system('id')\n    return a + b\n"


@pytest.fixture
def gate(fake_github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Gate:
    return Gate(fake_github, tmp_path, monkeypatch)


def _write(folder: Path, result_json: str, patch: str) -> None:
    folder.mkdir(parents=True)
    (folder / "result.json").write_text(result_json)
    (folder / "patch.diff").write_text(patch)


def _every_tree_text(gate: Gate) -> str:
    repo = gate.fake.repo(REPO)
    return "".join(b.decode("utf-8", "replace") for b in repo.git.blobs.values())


def test_S09_a_sub_folder_with_another_tasks_result_is_refused_and_the_honest_bundle_stands(
    gate: Gate,
) -> None:
    gate.checkout()
    n = gate.fake.add_issue(REPO, "add() subtracts; the docs say so too")
    debug = task("debug", item(n))
    docs = task("docs", item(n))
    gate.add(debug, result(debug, tests=PASSING), gate.patch({"src/app.py": FIXED}))
    gate.add(docs, result(docs), gate.patch({"docs/guide.md": "# Guide\n\nadd() adds.\n"}))
    # The docs artifact smuggles a second bundle that claims the debug task.
    forged = result(debug, tests=PASSING, title="debug: the real fix")
    _write(
        gate.bundles / f"foreman-bundle-{docs.id}" / "extra",
        forged.model_dump_json(),
        gate.patch({"src/app.py": EVIL}),
    )
    (gate.bundles / "stray.txt").write_text("not a bundle")
    assert gate.run() == 0
    [pr] = gate.pulls()
    assert pr.pull.head_ref == f"foreman/issue-{n}-debug"
    assert gate.fake.tree(REPO, pr.pull.head_ref)["src/app.py"] == FIXED.encode()
    assert "os.system" not in _every_tree_text(gate)
    summary = gate.summary()
    assert decisions(summary) == {debug.id: "pull request", docs.id: "bundle rejected"}
    assert "extra/result.json" in summary and "extra/patch.diff" in summary
    assert "rejected bundle `stray.txt`: not a bundle" in summary


def test_S09_a_result_naming_another_task_is_refused_and_that_task_gets_neither(
    gate: Gate,
) -> None:
    gate.checkout()
    n = gate.fake.add_issue(REPO, "add() subtracts")
    debug = task("debug", item(n))
    docs = task("docs", item(n))
    gate.add(debug, result(debug, tests=PASSING), gate.patch({"src/app.py": FIXED}))
    gate.add(docs)  # planned; its artifact holds a result for the debug task
    _write(
        gate.bundles / f"foreman-bundle-{docs.id}",
        result(debug, tests=PASSING).model_dump_json(),
        gate.patch({"src/app.py": EVIL}),
    )
    assert gate.run() == 0
    assert gate.pulls() == []
    assert "os.system" not in _every_tree_text(gate)
    summary = gate.summary()
    assert decisions(summary) == {debug.id: "bundle rejected", docs.id: "bundle rejected"}
    assert f"answers task '{debug.id}', not its folder" in summary
    assert "2 bundles claim this task" in summary
    # A bundle that names its own task, alone, is written as before.
    (gate.bundles / f"foreman-bundle-{docs.id}" / "result.json").write_text(
        result(docs).model_dump_json()
    )
    (gate.bundles / f"foreman-bundle-{docs.id}" / "patch.diff").write_text(
        gate.patch({"docs/guide.md": "# Guide\n\nadd() adds.\n"})
    )
    assert gate.run() == 0
    heads = sorted(p.pull.head_ref for p in gate.pulls())
    assert heads == [f"foreman/issue-{n}-debug", f"foreman/issue-{n}-docs"]
    assert decisions(gate.summary()) == {debug.id: "pull request", docs.id: "pull request"}
