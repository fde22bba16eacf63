from __future__ import annotations

import pytest

from foreman.config import parse_config
from foreman.events.models import Actor, PullInfo, WorkItem
from foreman.routing.rules import evaluate, needs_paths

CFG = parse_config(
    """
routing:
  mode: all
  rules:
    - name: docs
      if: {labels_any: [Documentation, docs]}
      worker: docs
    - name: python-pr
      if: {event: [pull_request], paths_any: ["**/*.py"]}
      worker: lint-fix
    - name: crash
      if: {title: "crash|traceback", is_pull_request: false}
      worker: debug
    - name: members-only
      if: {author_association: [MEMBER], labels_all: [infra, deps]}
      worker: infra
    - name: only-docs-pr
      if: {paths_all: ["docs/**"]}
      worker: docs
""",
    "f.yml",
)
RULES = CFG.routing.rules


def item(**kw: object) -> WorkItem:
    base: dict[str, object] = {
        "event_name": "issues",
        "action": "opened",
        "repo": "o/r",
        "sender": Actor(login="u"),
        "number": 3,
        "kind": "issue",
        "title": "t",
        "author": Actor(login="u", association="NONE"),
    }
    base.update(kw)
    return WorkItem.model_validate(base)


PR = PullInfo(head_ref="h", head_sha="1", head_repo="o/r", base_ref="main", base_sha="2")


@pytest.mark.parametrize(
    ("kw", "paths", "expected"),
    [
        ({"labels": ["DOCS"]}, None, ["docs"]),
        ({"title": "App CRASH on start"}, None, ["debug"]),
        ({"title": "crash", "labels": ["docs"]}, None, ["docs", "debug"]),
        (
            {"event_name": "pull_request", "kind": "pull_request", "pull": PR},
            ["a/b.py"],
            ["lint-fix"],
        ),
        ({"event_name": "pull_request", "kind": "pull_request", "pull": PR}, ["a/b.js"], []),
        (
            {"event_name": "pull_request", "kind": "pull_request", "pull": PR, "title": "crash"},
            ["docs/x.md"],
            ["docs"],
        ),
        ({"event_name": "pull_request", "kind": "pull_request", "pull": PR}, None, []),
        (
            {"labels": ["infra", "deps"], "author": Actor(login="m", association="MEMBER")},
            None,
            ["infra"],
        ),
        ({"labels": ["infra"], "author": Actor(login="m", association="MEMBER")}, None, []),
        ({"labels": ["infra", "deps"]}, None, []),
        ({"title": "nothing"}, None, []),
    ],
)
def test_rule_table(kw: dict[str, object], paths: list[str] | None, expected: list[str]) -> None:
    hits = evaluate(RULES, item(**kw), paths=paths, mode="all")
    assert [h.rule.worker for h in hits] == expected


def test_first_mode_stops_at_first_hit() -> None:
    hits = evaluate(RULES, item(title="crash", labels=["docs"]), mode="first")
    assert [h.rule.worker for h in hits] == ["docs"]
    assert hits[0].reason == "rule 'docs'"


PULL = {"event_name": "pull_request", "kind": "pull_request", "pull": PR}


@pytest.mark.parametrize(
    ("kw", "paths", "evidence"),
    [
        ({"labels": ["DOCS"]}, None, {"docs": ("label docs",)}),
        (
            {"title": "App CRASH on start <img src=x>"},
            None,
            {"debug": ("title matches /crash|traceback/", "an issue")},
        ),
        (
            PULL,
            ["a/b.py", "README.md", "c.py"],
            {"lint-fix": ("event pull_request", "2 of 3 changed files match **/*.py")},
        ),
        (
            PULL,
            ["docs/`rm -rf`|x.md", "docs/b.md"],
            {"docs": ("all 2 changed files match docs/**",)},
        ),
        (
            {"labels": ["deps", "infra"], "author": Actor(login="m", association="MEMBER")},
            None,
            {"infra": ("labels infra, deps", "author association MEMBER")},
        ),
    ],
)
def test_a_hit_names_the_conditions_it_met_in_the_configs_words(
    kw: dict[str, object], paths: list[str] | None, evidence: dict[str, tuple[str, ...]]
) -> None:
    hits = evaluate(RULES, item(**kw), paths=paths, mode="all")
    assert {h.rule.worker: h.evidence for h in hits} == evidence
    for h in hits:  # never the item's own text or file names
        assert not any(bad in e for e in h.evidence for bad in ("App", "<img", "`", "README"))


def test_needs_paths() -> None:
    assert needs_paths(RULES)
    assert not needs_paths(RULES[:1])


SLOW = parse_config(
    """
routing:
  rules:
    - name: greedy
      if: {body: ".*a.*b"}
      worker: debug
    - if: {title: "crash"}
      worker: docs
""",
    "slow.yml",
).routing.rules


def test_a_pattern_that_runs_out_of_time_does_not_match_and_is_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The body is the issue author's: ``.*a.*b`` on 20,000 x's would search for seconds."""
    import signal

    from foreman.routing import rules

    monkeypatch.setattr(rules, "PATTERN_SECONDS", 0.05)
    before = signal.getsignal(signal.SIGALRM)
    slow: list[str] = []
    hits = evaluate(SLOW, item(title="crash", body="x" * 20_000), slow=slow)
    assert [h.rule.worker for h in hits] == ["docs"], "the next rule still decides"
    assert slow == [
        "rule 'greedy': its body pattern /.*a.*b/ ran longer than 0.05 s on this item's body"
        " and was taken as not matching; make the pattern simpler"
    ]
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    # The same pattern on ordinary text matches as before, and nothing is reported.
    slow.clear()
    hits = evaluate(SLOW, item(title="crash", body="a short body"), slow=slow)
    assert [h.rule.worker for h in hits] == ["debug"] and slow == []


def test_patterns_run_only_for_items_the_other_conditions_let_through() -> None:
    rules = parse_config(
        'routing:\n  rules:\n    - {if: {event: [pull_request], body: ".*a.*b"}, worker: debug}\n',
        "f.yml",
    ).routing.rules
    slow: list[str] = []
    assert evaluate(rules, item(body="x" * 200_000), slow=slow) == [] and slow == []
