"""C04 and P05 under load: a faulty burst of 50 events through plan -> work -> gate.

One seeded soak (:mod:`tests.soak.harness`) runs once for this module; each test checks one
property of its outcome. Time in the soak is virtual (see :mod:`tests.soak.checks`
for how the write rate is measured); no test asserts wall time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.soak.checks import runs
from tests.soak.harness import Figures, Soak
from tests.soak.infra import PER_HOUR, PER_MINUTE

EVENTS, SEED = 50, 7


@pytest.fixture(scope="module")
def soaked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Soak, Figures]]:
    with Soak(tmp_path_factory.mktemp("soak"), events=EVENTS, seed=SEED) as soak:
        figures = soak.run()
        print("\n".join(["", "[soak]", *figures.lines()]))
        yield soak, figures


def test_C04_every_event_ends_in_a_defined_state_none_lost(soaked: tuple[Soak, Figures]) -> None:
    soak, f = soaked
    assert f.events == EVENTS == len(soak.records)
    assert f.lost == [] and f.undefined == []
    assert sum(f.states.values()) == EVENTS and not any(s.startswith("lost") for s in f.states)
    # Every kind of event was in the mix, and each kind ended somewhere sensible.
    assert {"issue-opened", "issue-edited", "issue-labeled", "comment-writer", "comment-reader",
            "pr-opened", "hostile", "replaced"} <= set(f.kinds)  # fmt: skip
    by_kind = {r.kind: r for r in soak.records}
    assert by_kind["pr-opened"].decisions and set(by_kind["pr-opened"].decisions.values()) <= {
        "pushed", "triaged", "ask-human", "failed"}  # fmt: skip
    assert f.states["pull request"] > 0 and f.states["skipped (reason recorded)"] > 0
    assert f.states["refused (status comment)"] > 0  # non-writers' commands, unknown workers
    assert all(r.skipped for r in soak.records if r.kind in ("comment-plain", "comment-bot"))


def test_C04_no_duplicate_pr_commit_or_status_comment(soaked: tuple[Soak, Figures]) -> None:
    _, f = soaked
    assert f.duplicates == []
    assert f.reruns > 0, "some runs failed and were re-run: the re-runs wrote no duplicates"


def test_C04_writes_stay_within_githubs_content_limits(soaked: tuple[Soak, Figures]) -> None:
    _, f = soaked
    # ~2.5 writes per event: 50 events in a minute offer more than GitHub allows, so it
    # pushed back (403 + Retry-After) and every job told to wait waited.
    assert f.writes_per_event * EVENTS > PER_MINUTE and f.limit_refusals > 0
    assert f.max_writes_minute <= PER_MINUTE
    assert f.max_writes_hour <= PER_HOUR
    assert f.early_retries == []  # a job told to wait (Retry-After) waited before writing again
    assert f.virtual_seconds >= 60.0  # the burst really was spread over (at least) a minute


def test_C04_faults_were_injected_answered_and_survived(soaked: tuple[Soak, Figures]) -> None:
    soak, f = soaked
    assert sum(f.faults.values()) >= 20 and sum(f.fault_hits.values()) >= 10
    assert len([k for k, n in f.fault_hits.items() if n]) >= 5  # several kinds really fired
    assert f.github_retries > 0 and f.llm_retries > 0
    assert f.llm_outage_529s > 0  # L01 under load: the outage ends in a maintainer being asked
    assert sum(n for state, n in f.states.items() if state.startswith("ask-human")) > 0
    assert f.internal_errors == 0
    assert all(runs(r) <= 5 for r in soak.records)  # bounded re-runs


def test_P05_canary_never_leaks_during_the_soak(soaked: tuple[Soak, Figures]) -> None:
    soak, f = soaked
    assert f.canary_leaks and sum(f.canary_leaks.values()) == 0, f.canary_leaks
    canary = soak.canary.value
    # It was there all along: the tokens and key every job used, a variable, a workspace file.
    assert soak.read_token.startswith(canary) and soak.write_token.startswith(canary)
    assert soak.anthropic.api_key.startswith(canary)
    assert {r.login for r in soak.fake.requests} == {soak.fake.bot_login}
    assert soak.anthropic.count > 0 and 200 in soak.anthropic.statuses()
    # An injected agent read the secrets file and pasted what it got into a docs PR.
    assert soak.model.calls["probe"] > 0
    probed = [json.dumps(r.conversation) for r in soak.anthropic.message_requests]
    assert any('"read_file"' in c and ".env.local" in c and "MY_SECRET_TOKEN=***" in c
               for c in probed)  # fmt: skip
