from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from foreman.errors import EventError
from foreman.events import Unsupported, WorkItem, load_event, parse_event
from foreman.settings import Settings

EXAMPLES = Path(__file__).resolve().parents[1] / "workflows-examples" / "events"


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / name).read_text())
    return data


def parsed(name: str, event: str | None = None) -> WorkItem:
    item = parse_event(example(name), event)
    assert isinstance(item, WorkItem)
    return item


def test_issue_opened() -> None:
    item = parsed("issue-bug.json", "issues")
    assert (item.kind, item.number, item.action) == ("issue", 12, "opened")
    assert item.author is not None and item.author.association == "OWNER"
    assert "Traceback" in item.body


def test_event_name_inferred_from_payload() -> None:
    assert parsed("issue-bug.json").event_name == "issues"
    assert parsed("pr-opened.json").event_name == "pull_request"
    assert parsed("comment-command.json").event_name == "issue_comment"
    assert parsed("dispatch.json").event_name == "workflow_dispatch"
    assert parsed("schedule.json").event_name == "schedule"


def test_pull_request_fields() -> None:
    item = parsed("pr-opened.json")
    assert item.pull is not None and item.pull.head_ref == "add-retries"
    assert not item.pull.is_fork and item.is_pull_request


def test_fork_pull_request_detected() -> None:
    data = example("pr-opened.json")
    data["pull_request"]["head"]["repo"] = {"full_name": "mallory/demo"}
    item = parse_event(data)
    assert isinstance(item, WorkItem) and item.pull is not None and item.pull.is_fork


def test_comment_and_labeled() -> None:
    item = parsed("comment-command.json")
    assert item.comment is not None and item.comment.body.startswith("/foreman debug")
    labeled = parsed("issue-docs.json")
    assert labeled.added_label == "foreman:docs"


def test_dispatch_inputs() -> None:
    item = parsed("dispatch.json")
    assert item.dispatch is not None
    assert (item.dispatch.number, item.dispatch.dry_run, item.dispatch.mode) == (12, True, "event")
    assert item.needs_fetch


@pytest.mark.parametrize("raw", ["abc", "-3", "1.5"])
def test_dispatch_bad_number(raw: str) -> None:
    data = example("dispatch.json")
    data["inputs"]["number"] = raw
    with pytest.raises(EventError, match="positive integer"):
        parse_event(data)


def test_dispatch_without_number_is_inbox() -> None:
    data = example("dispatch.json")
    data["inputs"] = {"dry_run": "false"}
    item = parse_event(data)
    assert isinstance(item, WorkItem) and item.dispatch is not None
    assert item.dispatch.mode == "inbox"


@pytest.mark.parametrize(
    ("name", "event", "action"),
    [
        ("issue-bug.json", "issues", "closed"),
        ("pr-opened.json", "pull_request", "closed"),
        ("comment-command.json", "issue_comment", "deleted"),
    ],
)
def test_unhandled_actions_are_nothing_to_do(name: str, event: str, action: str) -> None:
    data = example(name)
    data["action"] = action
    result = parse_event(data, event)
    assert isinstance(result, Unsupported) and "not handled" in result.reason


def test_unhandled_event_name() -> None:
    assert isinstance(parse_event({"ref": "x"}, "push"), Unsupported)


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d["issue"].pop("number"), "issue.number"),
        (lambda d: d["issue"].__setitem__("number", "12"), "issue.number"),
        (lambda d: d["issue"].pop("user"), "issue.user.login"),
        (lambda d: d.pop("repository"), "repository.full_name"),
        (lambda d: d.__setitem__("sender", {}), "sender.login"),
        (lambda d: d["issue"].__setitem__("labels", [{"color": "x"}]), "issue.labels[0].name"),
    ],
)
def test_H12_missing_fields_named(mutate: Any, field: str) -> None:
    data = example("issue-bug.json")
    mutate(data)
    with pytest.raises(EventError) as info:
        parse_event(data, "issues", source="ev.json")
    assert field in str(info.value) and "ev.json" in str(info.value)


def test_H12_wrong_event_type_and_junk(tmp_path: Path) -> None:
    with pytest.raises(EventError, match="cannot tell which event"):
        parse_event({"hello": 1})
    path = tmp_path / "e.json"
    path.write_text("{not json")
    with pytest.raises(EventError, match="not JSON"):
        load_event(str(path), None)
    path.write_text("[1, 2]")
    with pytest.raises(EventError, match="JSON object"):
        load_event(str(path), None)
    with pytest.raises(EventError, match="no event"):
        load_event(None, None)


def test_H07_invalid_utf8_and_nul_bytes_survive(tmp_path: Path) -> None:
    data = example("issue-bug.json")
    data["issue"]["body"] = "a\u0000b" + "x" * 1_000_000
    raw = json.dumps(data).encode().replace(b"a\\u0000b", b"a\\u0000b\xff\xfe")
    path = tmp_path / "big.json"
    path.write_bytes(raw)
    item = load_event(str(path), "issues")
    assert isinstance(item, WorkItem) and len(item.body) > 1_000_000


def test_load_event_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(EXAMPLES / "pr-opened.json"))
    monkeypatch.setenv("GITHUB_EVENT_NAME", "pull_request")
    item = load_event(None, None, Settings.from_env().github)
    assert isinstance(item, WorkItem) and item.number == 15


def test_H07_lone_surrogate_escapes_become_replacement_characters(tmp_path: Path) -> None:
    """``\\ud800`` is valid JSON but no UTF-8 output can hold it (the plan's JSON, a summary)."""
    data = example("issue-bug.json")
    data["issue"]["title"] = "crash \ud800 here"
    data["issue"]["body"] = "a \udfff b \U0001f600"
    path = tmp_path / "e.json"
    path.write_text(json.dumps(data))  # ensure_ascii: the escapes as GitHub could send them
    item = load_event(str(path), "issues")
    assert isinstance(item, WorkItem)
    assert (item.title, item.body) == ("crash \ufffd here", "a \ufffd b \U0001f600")
    item.model_dump_json()  # encodable


def test_H12_deeply_nested_json_is_an_event_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(EventError, match="not usable JSON: nested too deeply") as info:
        load_event(str(path), None)
    assert str(path) in str(info.value)


def test_H12_an_oversized_event_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from foreman.events import parse

    monkeypatch.setattr(parse, "MAX_EVENT_BYTES", 1000)
    with pytest.raises(EventError, match="larger than 1000 bytes"):
        load_event("/dev/zero", "issues")  # endless: only a bounded read ends


@pytest.mark.parametrize(
    ("field", "value"),
    [("issue.number", 0), ("issue.number", -1), ("issue.number", 10**30), ("comment.id", -5)],
)
def test_H12_impossible_numbers_are_named(field: str, value: int) -> None:
    data = (
        example("comment-command.json")
        if field.startswith("comment")
        else example("issue-bug.json")
    )
    obj, key = field.split(".")
    data[obj][key] = value
    with pytest.raises(EventError, match=f"'{field}' must be a positive number below") as info:
        parse_event(data, source="ev.json")
    assert f"key '{field}'" in str(info.value) and "ev.json" in str(info.value)


@pytest.mark.parametrize(
    ("event", "field", "value", "says"),
    [
        ("issue-bug.json", "repository.full_name", "../../x", "expected owner/name"),
        ("issue-bug.json", "repository.full_name", "../x", "the owner '..' is not"),
        ("issue-bug.json", "repository.full_name", "octo/..", "the name '..' is not"),
        ("issue-bug.json", "repository.default_branch", "../../main", "holds '..'"),
        ("pr-opened.json", "pull_request.head.ref", "fix; rm -rf /", "holds ' '"),
        ("pr-opened.json", "pull_request.base.ref", "-main", "starts with '-'"),
    ],
)
def test_H01_names_that_reach_git_or_the_api_must_be_valid(
    event: str, field: str, value: str, says: str
) -> None:
    data = example(event)
    *parents, last = field.split(".")
    node = data
    for part in parents:
        node = node[part]
    node[last] = value
    with pytest.raises(EventError, match=f"'{field}'") as info:
        parse_event(data, source="ev.json")
    assert says in str(info.value) and f"key '{field}'" in str(info.value)
