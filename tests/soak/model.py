"""The soak's scripted model: one FakeAnthropic callable that answers every kind of call.

It tells the calls apart by what the SDK sent (system prompt, tools, the last
message's tool results), so the real router, agent workers and reviewer run
unmodified: the router gets a schema-valid route, ``docs`` and ``debug`` get a
two-turn agent conversation (edit, then summary), the reviewer approves. While
:attr:`Model.outage` is set, every call gets 529 (``retry-after-ms: 1``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from tests.fakes import anthropic_steps as steps

ROUTER = "You are the router of agent-foreman"
REVIEWER = "You are a code reviewer"
TRIAGE = "You triage GitHub issues"
DOCS = "documentation specialist"
DEBUG = "debugging specialist"
HOSTILE = "ignore previous instructions"
DONE = ("created ", "overwrote ", "edited ")

DOCS_EDIT = ("edit_file", {"path": "docs/guide.md", "old_text": "Some text.",
                           "new_text": "Some text, clarified."})  # fmt: skip
DEBUG_EDIT = ("edit_file", {"path": "calc.py", "old_text": "a - b", "new_text": "a + b"})
# What a prompt-injected agent would try: a secrets file in the checkout, the process env.
PROBES = (
    ("read_file", {"path": ".env.local"}),
    ("read_file", {"path": "/proc/self/environ"}),
    ("search", {"pattern": "CANARY"}),
)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(_text(v.get("text") if isinstance(v, dict) else v) for v in value)
    return ""


def _last_results(body: dict[str, Any]) -> list[str]:
    messages = body.get("messages") or []
    content = messages[-1].get("content") if messages else None
    if not isinstance(content, list):
        return []
    return [_text(b.get("content")) for b in content if b.get("type") == "tool_result"]


def route_for(title: str) -> tuple[str, str]:
    """(worker, reason) the scripted router picks for an item title."""
    lowered = title.lower()
    if "guide" in lowered or "typo" in lowered:
        return "docs", "the guide needs a documentation fix"
    if "add(" in lowered or "wrong result" in lowered:
        return "debug", "a bug in add(): reproduce and fix"
    if "?" in title or lowered.startswith("how"):
        return "triage", "a question for the maintainers"
    return "triage", "a bug report or request to triage"


class Model:
    def __init__(self) -> None:
        self.outage = False
        self.calls: Counter[str] = Counter()

    def __call__(self, body: dict[str, Any]) -> Any:
        if self.outage:
            self.calls["529"] += 1
            return steps.overloaded()
        system = _text(body.get("system"))
        if ROUTER in system:
            return self._route(body)
        if REVIEWER in system:
            self.calls["review"] += 1
            return steps.json_reply({"verdict": "approve", "reasons": ["small, scoped change"]})
        if TRIAGE in system:
            self.calls["triage"] += 1
            return steps.json_reply({"labels": ["question"], "comment": "Thanks!",
                                     "duplicates": [], "confidence": 0.8})  # fmt: skip
        if body.get("tools") or _last_results(body):
            return self._agent(system, body)
        self.calls["unexpected"] += 1
        return steps.bad_request("the soak model got a call it does not know")

    def _route(self, body: dict[str, Any]) -> Any:
        self.calls["route"] += 1
        user = _text((body.get("messages") or [{}])[0].get("content"))
        match = re.search(r"^Title: (.*)$", user, flags=re.M)
        worker, reason = route_for(match.group(1) if match else "")
        task = {"worker": worker, "focus": "Handle the item.", "confidence": 0.9,
                "reason": reason}  # fmt: skip
        return steps.json_reply({"tasks": [task]})

    def _agent(self, system: str, body: dict[str, Any]) -> Any:
        # A continued server-held thread carries no system prompt: a later turn of either.
        kind = "docs" if DOCS in system else "debug" if DEBUG in system else "agent turn"
        self.calls[kind] += 1
        results = _last_results(body)
        if any(r.startswith(DONE) for r in results):
            return steps.text(f"{kind}: made the change the brief asks for.")
        edit = DEBUG_EDIT if kind == "debug" else DOCS_EDIT
        first = _text((body.get("messages") or [{}])[0].get("content"))
        if not results and HOSTILE in json.dumps(first).lower():
            self.calls["probe"] += 1
            return steps.tool_use(*PROBES, text="Looking around first.")
        if len(results) == len(PROBES):  # an injected agent pastes what it saw into the docs
            loot = "\n\n".join(r[:2000] for r in results)
            return steps.tool_use(edit, ("write_file", {"path": "docs/notes.md", "content": loot}))
        return steps.tool_use(edit)
