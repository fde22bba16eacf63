"""Bad input to the gate: broken plans, hostile bundles, a wrong --bundles path.

Each is a clear error or a rejected bundle with its reason; never a traceback, and
nothing is written for a usage error.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from foreman.cli import main
from foreman.contracts import Plan
from foreman.errors import UsageError
from foreman.gate.bundles import load_bundles, load_plan
from tests.fakes.github import FakeGitHub
from tests.support.gate import PASSING, REPO, Gate, decisions, item, result, task

FIXED = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"


@pytest.fixture
def gate(fake_github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Gate:
    return Gate(fake_github, tmp_path, monkeypatch)


def _plan_file(tmp_path: Path, content: bytes) -> str:
    path = tmp_path / "plan.json"
    path.write_bytes(content)
    return str(path)


def _bundle(root: Path, name: str, content: bytes | str, patch: str | None = None) -> Path:
    d = root / name
    d.mkdir(parents=True)
    (d / "result.json").write_bytes(content.encode() if isinstance(content, str) else content)
    if patch is not None:
        (d / "patch.diff").write_text(patch)
    return d


def _no_traceback(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err, err
    return err


# -- 1. hostile result.json -----------------------------------------------------------------------


def test_result_json_nested_too_deeply_is_a_rejected_bundle(tmp_path: Path) -> None:
    t = task("debug", item(5))
    plan = Plan(repo=REPO, items=[t.item], tasks=[t])
    _bundle(tmp_path, "foreman-bundle-deep", "[" * 200_000)  # 200 KB, under the 1 MB limit
    loaded = load_bundles(tmp_path, plan)
    [rejected] = loaded.rejected
    assert rejected.source == "foreman-bundle-deep"
    assert rejected.reason == "invalid result.json: nested too deeply"
    assert not loaded.bundles and loaded.missing == [t]


def test_result_json_that_is_not_utf8_or_deep_but_parses_is_rejected_with_its_task(
    tmp_path: Path,
) -> None:
    ts = [task(w, item(5)) for w in ("debug", "docs", "refactor")]
    plan = Plan(repo=REPO, items=[ts[0].item], tasks=ts)
    a, b, c = (f"foreman-bundle-{t.id}" for t in ts)
    _bundle(tmp_path, a, b'{"task_id": "issue-5-debug", "reason": "\xff"}')
    deep = {**result(ts[1]).model_dump(mode="json"), "files_changed": [[[[[[["x"]]]]]]]}
    _bundle(tmp_path, b, json.dumps(deep))
    inner = "[" * 300 + "]" * 300  # valid JSON, deep enough to be a trap for recursive code
    body = json.dumps(result(ts[2]).model_dump(mode="json"))[:-1] + f', "tests": {inner}}}'
    _bundle(tmp_path, c, body)
    loaded = load_bundles(tmp_path, plan)
    reasons = {r.source: (r.task_id, r.reason) for r in loaded.rejected}
    assert reasons[a] == (ts[0].id, "invalid result.json: not UTF-8 text (byte 40)")
    assert reasons[b] == (ts[1].id, "invalid result.json: files_changed.0: string_type")
    assert reasons[c][0] == ts[2].id
    assert reasons[c][1].startswith("invalid result.json: tests.0")
    assert not loaded.bundles


def test_deep_result_json_through_the_cli_is_reported_not_a_crash(
    gate: Gate, capsys: pytest.CaptureFixture[str]
) -> None:
    gate.checkout()
    t = gate.add(task("debug", item(5)))
    _bundle(gate.bundles, "foreman-bundle-x", "[" * 200_000)
    assert gate.run("--dry-run") == 0
    _no_traceback(capsys)
    summary = gate.summary()
    assert "rejected bundle `foreman-bundle-x`: invalid result.json: nested too deeply" in summary
    assert decisions(summary) == {t.id: "no result"}


def test_result_json_of_an_unknown_version_is_rejected(tmp_path: Path) -> None:
    t = task("debug", item(5))
    plan = Plan(repo=REPO, items=[t.item], tasks=[t])
    _bundle(
        tmp_path,
        f"foreman-bundle-{t.id}",
        json.dumps({**result(t).model_dump(mode="json"), "version": 99}),
    )
    loaded = load_bundles(tmp_path, plan)
    [rejected] = loaded.rejected
    assert rejected.task_id == t.id
    assert rejected.reason == (
        "invalid result.json: key 'version' is 99; this gate reads result version 1"
    )


# -- 2. and 3. plan files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"tasks":"\xff"}', "not UTF-8 text (byte 10)"),
        (b"[" * 100_000, "nested too deeply"),
        (b'{"tasks": [' + b"[" * 5000 + b"]" * 5000 + b"]}", "nested too deeply"),
        (b'{"tasks": [}', "Expecting value: line 1 column 12"),
    ],
)
def test_unreadable_plan_file_is_a_clear_error_naming_it(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = _plan_file(tmp_path, content)
    with pytest.raises(UsageError) as info:
        load_plan(path, "")
    assert str(info.value).startswith(f"invalid plan in {path}: {expected}")


def test_deep_plan_in_the_environment_is_a_clear_error() -> None:
    with pytest.raises(UsageError, match=r"invalid plan in \$FOREMAN_PLAN: nested too deeply"):
        load_plan(None, "[" * 100_000)


@pytest.mark.parametrize(
    ("version", "shown"),
    [
        ("99", "99"),
        ("0", "0"),
        ('"1"', "a string"),
        ("true", "a boolean"),
        ("1.5", "1.5"),
        ("null", "null"),
        ("[1]", "a list"),
    ],
)
def test_plan_of_an_unknown_version_is_refused(tmp_path: Path, version: str, shown: str) -> None:
    path = _plan_file(tmp_path, f'{{"version": {version}, "tasks": []}}'.encode())
    with pytest.raises(UsageError) as info:
        load_plan(path, "")
    assert str(info.value) == (
        f"invalid plan in {path}: key 'version' is {shown}; this gate reads plan version 1 "
        "(plan and gate must come from the same foreman)"
    )


def test_plan_of_this_version_or_none_is_read(tmp_path: Path) -> None:
    assert load_plan(_plan_file(tmp_path, b'{"version": 1, "repo": "o/r"}'), "").repo == "o/r"
    assert load_plan(_plan_file(tmp_path, b'{"repo": "o/r"}'), "").version == 1
    # A lone surrogate (valid JSON) cannot reach a comment or a step summary.
    plan = load_plan(_plan_file(tmp_path, b'{"repo": "o/r", "skipped": "x\\ud800"}'), "")
    assert plan.skipped == "x\ufffd"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"tasks":"\xff"}', "not UTF-8 text (byte 10)"),
        (b"[" * 200_000, "nested too deeply"),
        (b'{"version": 99}', "key 'version' is 99; this gate reads plan version 1"),
    ],
)
def test_bad_plan_through_the_cli_exits_2_and_writes_nothing(
    gate: Gate, capsys: pytest.CaptureFixture[str], content: bytes, expected: str
) -> None:
    gate.checkout()
    n = gate.fake.add_issue(REPO, "add() subtracts")
    gate.plan_path.write_bytes(content)
    before = len(gate.fake.requests)
    code = main(["gate", "--plan", str(gate.plan_path), "--bundles", str(gate.bundles),
                 "--root", str(gate.root)])  # fmt: skip
    assert code == 2
    err = _no_traceback(capsys)
    assert f"invalid plan in {gate.plan_path}: {expected}" in err
    assert len(gate.fake.requests) == before and gate.bodies(n) == []


# -- 4. --bundles that is not a directory -------------------------------------------------------


def test_bundles_path_that_is_a_file_is_a_usage_error_before_any_write(
    gate: Gate, capsys: pytest.CaptureFixture[str]
) -> None:
    gate.checkout()
    n = gate.fake.add_issue(REPO, "add() subtracts")
    gate.add(task("debug", item(n)))
    gate.plan_path.write_text(gate.plan().model_dump_json())
    not_a_dir = gate.tmp / "bundles.zip"
    not_a_dir.write_bytes(b"PK\x03\x04")
    before = len(gate.fake.requests)
    code = main(["gate", "--plan", str(gate.plan_path), "--bundles", str(not_a_dir),
                 "--root", str(gate.root)])  # fmt: skip
    assert code == 2
    err = _no_traceback(capsys)
    assert f"--bundles {not_a_dir} is not a directory" in err
    assert len(gate.fake.requests) == before and gate.bodies(n) == []
    assert gate.fake.issue(REPO, n).labels == []
    with pytest.raises(UsageError, match="is not a directory"):
        load_bundles(not_a_dir, gate.plan())


def test_missing_bundles_directory_still_means_no_worker_uploaded_anything(
    gate: Gate, capsys: pytest.CaptureFixture[str]
) -> None:
    gate.checkout()
    t = gate.add(task("debug", item(5)))
    gate.bundles.rmdir()
    assert gate.run("--dry-run") == 0
    _no_traceback(capsys)
    assert decisions(gate.summary()) == {t.id: "no result"}


# -- 5. a bundle that says it changed files but has no patch -------------------------------------


@pytest.mark.parametrize("patch_file", ["absent", "empty", "blank"])
def test_proposed_files_without_a_patch_is_an_inconsistent_bundle(
    gate: Gate, patch_file: str
) -> None:
    gate.checkout()
    n = gate.fake.add_issue(REPO, "add() subtracts")
    t = task("debug", item(n))
    gate.add(t, result(t, tests=PASSING, files_changed=["src/app.py"]), "")
    d = gate.bundles / f"foreman-bundle-{t.id}"
    if patch_file == "absent":
        (d / "patch.diff").unlink()
    elif patch_file == "blank":
        (d / "patch.diff").write_text("\n\n")
    assert gate.run("--dry-run") == 0
    what = "no patch.diff" if patch_file == "absent" else "an empty patch.diff"
    reason = f"foreman-bundle-{t.id}: it says it changed 1 file(s) but has {what}"
    summary = gate.summary()
    assert decisions(summary) == {t.id: "bundle rejected"}
    assert reason in summary and "proposed no change" not in summary
    loaded = load_bundles(gate.bundles, gate.plan())
    assert [(r.task_id, r.reason) for r in loaded.rejected] == [(t.id, reason.split(": ", 1)[1])]


def test_a_failed_or_no_change_bundle_listing_files_is_not_inconsistent(gate: Gate) -> None:
    # A worker that failed half-way lists what it touched and proposes no patch: that is normal.
    gate.checkout()
    n = gate.fake.add_issue(REPO, "add() subtracts")
    t = task("debug", item(n))
    gate.add(t, result(t, verdict="failed", reason="tests broke", files_changed=["src/app.py"]))
    loaded = load_bundles(gate.bundles, gate.plan())
    assert not loaded.rejected and [b.task.id for b in loaded.bundles] == [t.id]


def test_proposed_with_files_and_a_patch_is_still_a_change(gate: Gate) -> None:
    gate.checkout()
    n = gate.fake.add_issue(REPO, "add() subtracts")
    t = task("debug", item(n))
    patch = gate.patch({"src/app.py": FIXED})
    gate.add(t, result(t, tests=PASSING, files_changed=["src/app.py"]), patch)
    assert gate.run("--dry-run") == 0
    assert decisions(gate.summary()) == {t.id: "pull request"}


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        ([], "the plan must be a JSON object"),
        ({"items": [{"repo": "octo/demo", "number": -5}]}, "items.0.number: greater_than_equal"),
        ({"repo": "../../x"}, "repo: value_error"),
        ({"items": [{"repo": "octo/demo", "default_branch": "../../main"}]}, "default_branch"),
        ({"items": [{"head_ref": "a b"}]}, "items.0.head_ref: value_error"),
        (
            {"tasks": [{"id": "t1", "worker": "docs", "brief": "b", "confidence": float("nan")}]},
            "tasks.0.confidence: finite_number",
        ),
    ],
)
def test_a_plan_with_names_git_or_the_api_would_refuse_is_a_usage_error(
    tmp_path: Path, plan: object, expected: str
) -> None:
    """The plan job's output is checked like any input: a number, repository or branch the
    write steps would hand to GitHub or git must be valid before anything is written."""
    path = _plan_file(tmp_path, json.dumps(plan).encode())
    with pytest.raises(UsageError) as info:
        load_plan(path, "")
    assert str(info.value).startswith(f"invalid plan in {path}: ") and expected in str(info.value)
