"""Conformance: every reference webhook payload parses or is cleanly unsupported."""

from __future__ import annotations

import json

import pytest

from foreman.events import HANDLED, Unsupported, WorkItem, parse_event
from tests.support.sharedref import shared_path

pytestmark = pytest.mark.shared
EVENTS = ["issues", "pull_request", "issue_comment", "workflow_dispatch"]


@pytest.mark.parametrize("event", EVENTS)
def test_reference_payloads_parse(event: str) -> None:
    folder = shared_path("reference", "webhooks", event)
    files = sorted(folder.glob("*.json"))
    assert files, f"no payloads in {folder}"
    handled = 0
    for path in files:
        data = json.loads(path.read_text())
        for name in (event, None):  # explicit and inferred event name
            result = parse_event(data, name, source=path.name)
            assert isinstance(result, (WorkItem, Unsupported)), path
        result = parse_event(data, event, source=path.name)
        action = data.get("action")
        allowed = HANDLED[event]
        if allowed is None or action in allowed:
            assert isinstance(result, WorkItem), (path.name, result)
            assert result.repo.count("/") == 1
            handled += 1
        else:
            assert isinstance(result, Unsupported)
    assert handled >= 1
