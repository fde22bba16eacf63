"""End to end: the real workflow files (minimal.yml -> reusable workflow -> action.yml) under act.

Host mode, no Docker, no network but loopback: FakeGitHub and FakeAnthropic
run in this process; act and every step run as child processes that reach
them through GITHUB_API_URL and ANTHROPIC_BASE_URL. See act_support/harness.py.
"""

from __future__ import annotations

import dataclasses
import shutil
import time
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

import pytest

from foreman.contracts import STATUS_MARKER
from tests.fakes import anthropic_steps as steps
from tests.fakes.fake_anthropic import FakeAnthropic
from tests.fakes.github.server import FakeGitHub
from tests.support.act.batch import Batch, World, batch_fixture
from tests.support.act.events import (
    comment_event,
    dispatch_event,
    issue_event,
    pull_request_event,
    repository,
)
from tests.support.act.harness import (
    CONFIG,
    PINNED_SHA,
    ActResult,
    ActRunner,
    ConsumerRepo,
    act_copy,
    copy_action,
    mirror_into,
    prebuild_venv,
)

pytestmark = [pytest.mark.act, pytest.mark.timeout(600)]

# Long and distinctive, so act's substring masking and our redaction are visible.
GITHUB_TOKEN = "ghs_e2eActFakeTokenZZ9k2Qw7Lm4Xp8Rt6Vb3Nc5Hd1Jf0"
README = "# demo\n\nInstall with:\n\n    pip instal demo\n"
FILES = {"README.md": README, "src/demo/__init__.py": '"""demo."""\n'}


@pytest.fixture(scope="session")
def act_runner(tmp_path_factory: pytest.TempPathFactory) -> ActRunner:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    work = tmp_path_factory.mktemp("act")
    action = act_copy(work / "action")
    tool_cache = work / "tool-cache"
    uv_env = prebuild_venv(action, tool_cache)
    return ActRunner(work, action, tool_cache, uv_env=uv_env)


class E2E(World):
    """A case's world: the consumer repo, FakeGitHub holding its commits, a scratch dir."""

    @cached_property
    def consumer(self) -> ConsumerRepo:
        return ConsumerRepo.create(self.tmp_path / "demo", FILES)

    @cached_property
    def github(self) -> FakeGitHub:
        """FakeGitHub holding the consumer repo's commits (same SHAs) and our token."""
        self.fake_github.add_token(GITHUB_TOKEN, "write")
        mirror_into(self.fake_github, self.consumer)
        return self.fake_github

    @cached_property
    def scratch(self) -> Path:
        path = self.tmp_path / "run"
        path.mkdir()
        return path


@pytest.fixture(scope="module")
def act_cases(
    request: pytest.FixtureRequest,
    act_runner: ActRunner,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Batch]:
    """This module's cases, run a few at a time (tests/support/act/batch.py)."""
    yield from batch_fixture(
        request,
        lambda item: E2E(act_runner, tmp_path_factory.mktemp(item.name[:30])),
        first=["test_C01_rerun_creates_no_duplicates"],  # two act runs, one after the other
    )


def run(
    runner: ActRunner,
    repo: ConsumerRepo,
    event_name: str,
    event: dict[str, object],
    scratch: Path,
    github: FakeGitHub,
    anthropic: FakeAnthropic | None = None,
) -> ActResult:
    # The fake needs no pacing; production keeps PyGithub's (FOREMAN_GITHUB_THROTTLE unset).
    env = {"GITHUB_API_URL": github.url, "FOREMAN_GITHUB_THROTTLE": "0"}
    secrets = {"GITHUB_TOKEN": GITHUB_TOKEN}
    if anthropic is not None:
        env["ANTHROPIC_BASE_URL"] = anthropic.url
        secrets["ANTHROPIC_API_KEY"] = anthropic.api_key
    return runner.run(repo, event_name, event, scratch=scratch, env=env, secrets=secrets)


def assert_no_secret(result: ActResult, *secrets: str) -> None:
    """P05: no secret in the log (unmasked) nor in any uploaded bundle."""
    bundles = {p: p.read_bytes() for p in result.artifacts.rglob("*") if p.is_file()}
    for secret in secrets:
        assert secret not in result.log, "a secret reached the act log unmasked"
        for path, data in bundles.items():
            assert secret.encode() not in data, f"a secret reached the bundle file {path.name}"


# -- H01: hostile text never reaches a shell -------------------------------------------------


@E2E.case
def test_H01_hostile_title_executes_nothing(
    act_runner: ActRunner, consumer: ConsumerRepo, github: FakeGitHub, scratch: Path
) -> None:
    canary = scratch / "canary"
    canary.mkdir()
    title = (
        f"$(touch {canary}/dollar) `touch {canary}/backtick` "
        f'"; touch {canary}/quote # ${{{{ github.token }}}}'
    )
    body = f"${{{{ secrets.GITHUB_TOKEN }}}} $(touch {canary}/body)\n'; touch {canary}/sq; '"
    number = github.add_issue("octo/demo", title, body, user="octo")
    event = issue_event(number, title, body, labels=[f"$(touch {canary}/label)"])

    result = run(act_runner, consumer, "issues", event, scratch, github)

    assert result.job_results().get("plan") == "succeeded", result.tail()
    plan = result.plan()
    assert plan["items"][0]["title"].startswith("$(touch"), "the title arrives as data"
    assert sorted(p.name for p in canary.iterdir()) == [], "hostile text was executed"
    assert_no_secret(result, GITHUB_TOKEN)


# -- workflow_dispatch with dry_run: plan shown, nothing written -------------------------------


@E2E.case
def test_dispatch_dry_run_writes_nothing(
    act_runner: ActRunner,
    consumer: ConsumerRepo,
    github: FakeGitHub,
    fake_anthropic: FakeAnthropic,
    scratch: Path,
) -> None:
    fake_anthropic.script(*DOCS_FIX)
    number = github.add_issue(
        "octo/demo", "Typo in the README", "It says `pip instal`.", user="octo",
        labels=["documentation"], author_association="OWNER",
    )  # fmt: skip
    event = dispatch_event({"number": str(number), "dry_run": "true", "worker": "", "mode": ""})

    result = run(act_runner, consumer, "workflow_dispatch", event, scratch, github, fake_anthropic)

    assert result.returncode == 0, result.tail()
    plan = result.plan()
    assert plan["dry_run"] is True
    assert [t["worker"] for t in plan["tasks"]] == ["docs"]
    summaries = result.summaries()
    assert "### foreman plan: workflow_dispatch" in summaries and "Dry run" in summaries
    assert "### foreman gate (dry run: nothing was written)" in summaries
    assert f"#{number}: would write" in summaries and "draft PR" in summaries
    assert github.writes == [], "a dry run wrote to GitHub"
    assert_no_secret(result, GITHUB_TOKEN, fake_anthropic.api_key)


# -- events with nothing to do, and a broken config: no worker, no gate ----------------------


@E2E.case
def test_skipped_event_starts_no_worker_and_no_gate(
    act_runner: ActRunner, consumer: ConsumerRepo, github: FakeGitHub, scratch: Path
) -> None:
    event = issue_event(7, "Old issue", "done", labels=["documentation"])
    event["issue"]["state"] = "closed"  # type: ignore[index]
    event["action"] = "edited"

    result = run(act_runner, consumer, "issues", event, scratch, github)

    assert result.returncode == 0, result.tail()
    assert result.job_results() == {"plan": "succeeded"}, result.tail()
    assert result.plan()["skipped"] == "#7 is closed"
    assert github.writes == []


@E2E.case
def test_H11_invalid_config_fails_the_plan_and_writes_nothing(
    act_runner: ActRunner, tmp_path: Path, github: FakeGitHub, scratch: Path
) -> None:
    bad = "version: 1\nrouting:\n  fallback: triage\n  shortcuts: yes\n"
    repo = ConsumerRepo.create(tmp_path / "bad", FILES, config=bad)
    event = issue_event(3, "Anything", "body")

    result = run(act_runner, repo, "issues", event, scratch, github)

    assert result.returncode != 0
    assert result.job_results() == {"plan": "failed"}, result.tail()
    assert ".github/foreman.yml" in result.log and "shortcuts" in result.log
    assert "Traceback" not in result.log
    assert github.writes == []


@E2E.case
def test_plan_of_notes_only_reaches_the_gate_without_workers(
    act_runner: ActRunner, consumer: ConsumerRepo, github: FakeGitHub, scratch: Path
) -> None:
    number = github.add_issue("octo/demo", "Slow start", "It takes a while.", user="octo")
    event = comment_event(number, "Slow start", "/foreman frobnicate")

    result = run(act_runner, consumer, "issue_comment", event, scratch, github)

    assert result.returncode == 0, result.tail()
    assert result.job_results() == {"plan": "succeeded", "gate": "succeeded"}, result.tail()
    plan = result.plan()
    assert plan["tasks"] == [] and [n["kind"] for n in plan["notes"]] == ["refused"]
    [comment] = github.client().get_repo("octo/demo").get_issue(number).get_comments()
    assert STATUS_MARKER in comment.body and "frobnicate" in comment.body
    assert _pulls(github) == []


# -- the whole pipeline: plan -> worker -> gate -> GitHub --------------------------------------

DOCS_FIX = [
    steps.tool_use(
        (
            "edit_file",
            {"path": "README.md", "old_text": "pip instal demo", "new_text": "pip install demo"},
        ),
    ),
    steps.text("Fixed the typo in the install command."),
    steps.json_reply({"verdict": "approve", "reasons": ["one-word documentation fix"]}),
]


def _docs_issue(github: FakeGitHub) -> dict[str, object]:
    title, body = "Typo in the README", "The README says `pip instal demo`."
    number = github.add_issue(
        "octo/demo", title, body, user="octo", labels=["documentation"],
        author_association="OWNER",
    )  # fmt: skip
    return issue_event(number, title, body, labels=["documentation"])


def _pulls(github: FakeGitHub) -> list[object]:
    return list(github.client().get_repo("octo/demo").get_pulls(state="all"))


@E2E.case
def test_docs_typo_issue_becomes_a_draft_pr(
    act_runner: ActRunner,
    consumer: ConsumerRepo,
    github: FakeGitHub,
    fake_anthropic: FakeAnthropic,
    scratch: Path,
) -> None:
    fake_anthropic.script(*DOCS_FIX)
    event = _docs_issue(github)

    result = run(act_runner, consumer, "issues", event, scratch, github, fake_anthropic)

    assert result.returncode == 0, result.tail()
    assert result.job_results() == {
        "plan": "succeeded", "ack": "succeeded", "work (issue-1-docs)": "succeeded",
        "gate": "succeeded",
    }, result.tail()  # fmt: skip
    [pr] = _pulls(github)
    assert pr.draft is True and pr.base.ref == "main"
    readme = github.tree("octo/demo", pr.head.ref)["README.md"].decode()
    assert "pip install demo" in readme and "pip instal demo" not in readme
    assert github.tree("octo/demo", "main")["README.md"].decode() == README, "main untouched"
    assert fake_anthropic.remaining == 0
    assert_no_secret(result, GITHUB_TOKEN, fake_anthropic.api_key)


def _status_comments(github: FakeGitHub, number: int) -> list[str]:
    return [c.body for c in github.comments("octo/demo", number) if STATUS_MARKER in c.body]


@E2E.case
def test_U01_the_status_comment_is_there_before_the_worker_finishes(
    act_runner: ActRunner,
    consumer: ConsumerRepo,
    github: FakeGitHub,
    fake_anthropic: FakeAnthropic,
    scratch: Path,
) -> None:
    """The worker's first model call is held until the ack's comment exists (at most 150 s):
    the work job cannot finish before it, so the comment came first, or the test fails."""
    seen: list[str] = []

    def after_the_ack(_body: dict[str, object]) -> steps.Step:
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and not seen:
            seen.extend(_status_comments(github, number)[:1])
            time.sleep(0.2)
        return DOCS_FIX[0]

    fake_anthropic.script(after_the_ack, *DOCS_FIX[1:])
    event = _docs_issue(github)
    number = int(event["issue"]["number"])  # type: ignore[index]
    started = time.time()

    result = run(act_runner, consumer, "issues", event, scratch, github, fake_anthropic)

    assert result.returncode == 0, result.tail()
    assert result.job_results().get("ack") == "succeeded", result.tail()
    assert seen, "the worker finished before the ack's status comment existed"
    assert "issue-1-docs" in seen[0] and "docs" in seen[0] and "/actions/runs/" in seen[0]
    assert github.reactions("octo/demo", "issue", number) == [("eyes", github.bot_login)]
    [final] = _status_comments(github, number)  # the gate updated the ack's comment
    assert final != seen[0] and "pull request" in final
    ack = [e for e in github.requests if e.route == "issues/create-comment"]
    gate = [e for e in github.requests if e.route == "issues/update-comment"]
    assert len(ack) == 1 and len(gate) == 1
    print(
        f"\n[U01 under act] first visible comment {ack[0].time - started:.1f} s after the event;"
        f" the gate's update {gate[0].time - started:.1f} s"
    )


def _moved_tag(where: Path, marker: Path) -> Path:
    """agent-foreman as a moved ``v1`` tag would serve it: an action that runs other code."""
    copy = copy_action(where)
    (copy / "action.yml").write_text(
        "name: moved\ndescription: not the release the caller pinned\nruns:\n"
        "  using: composite\n  steps:\n"
        f"    - shell: bash\n      run: touch {marker}; exit 1\n",
        encoding="utf-8",
    )
    return copy


@E2E.case
def test_S13_the_action_runs_from_the_workflows_own_commit_not_a_tag(
    act_runner: ActRunner,
    consumer: ConsumerRepo,
    github: FakeGitHub,
    fake_anthropic: FakeAnthropic,
    scratch: Path,
) -> None:
    """minimal.yml pins the reusable workflow to a commit; v1 now points elsewhere."""
    marker = scratch / "moved-tag-ran"
    moved = _moved_tag(scratch / "moved", marker)
    runner = dataclasses.replace(
        act_runner, extra_repositories={"agent-foreman/agent-foreman@v1": moved}
    )
    fake_anthropic.script(*DOCS_FIX)
    event = _docs_issue(github)

    result = run(runner, consumer, "issues", event, scratch, github, fake_anthropic)

    assert not marker.exists(), "code behind a moved tag ran"
    assert result.returncode == 0, result.tail()
    assert len(_pulls(github)) == 1  # honest: the work got done
    served = f"stand-in checkout: agent-foreman/agent-foreman@{PINNED_SHA} in "
    jobs = {line.split("]")[0] for line in result.log.splitlines() if served in line}
    assert len(jobs) == 4, jobs  # plan, ack, work, gate: each ran the pinned commit's action


@E2E.case
def test_S13_a_runner_that_does_not_say_the_workflows_commit_runs_no_action(
    act_runner: ActRunner, consumer: ConsumerRepo, github: FakeGitHub, scratch: Path
) -> None:
    """Without job.workflow_sha the jobs stop: no fallback to a branch or a tag."""
    marker = scratch / "moved-tag-ran"
    blind = act_copy(scratch / "blind", sha="")
    runner = dataclasses.replace(
        act_runner,
        action_copy=blind,
        extra_repositories={"agent-foreman/agent-foreman@v1": _moved_tag(scratch / "m", marker)},
    )
    number = github.add_issue("octo/demo", "Crash on start", "It crashes.", user="octo")
    result = run(runner, consumer, "issues", issue_event(number, "Crash on start", "x"), scratch,
                 github)  # fmt: skip
    assert result.returncode != 0 and result.job_results().get("plan") == "failed"
    assert "does not say which commit the reusable workflow is at" in result.log
    assert not marker.exists() and "stand-in checkout: agent-foreman" not in result.log
    assert github.count() == 0, "nothing ran that could call GitHub"


@E2E.case
def test_C01_rerun_creates_no_duplicates(
    act_runner: ActRunner,
    consumer: ConsumerRepo,
    github: FakeGitHub,
    fake_anthropic: FakeAnthropic,
    tmp_path: Path,
) -> None:
    # Each run: the docs worker's turns and its reviewer, then the gate's own review (S08).
    gate_review = steps.json_reply({"verdict": "approve", "reasons": ["the typo is fixed"]})
    fake_anthropic.script(*DOCS_FIX, gate_review, *DOCS_FIX, gate_review)
    event = _docs_issue(github)
    first = run(act_runner, consumer, "issues", event, tmp_path / "one", github, fake_anthropic)
    assert first.returncode == 0, first.tail()
    state = _state(github)

    again = run(act_runner, consumer, "issues", event, tmp_path / "two", github, fake_anthropic)

    assert again.returncode == 0, again.tail()
    assert _state(github) == state, "the re-run changed the end state"
    assert len(_pulls(github)) == 1


def _state(github: FakeGitHub) -> dict[str, object]:
    repo = github.client().get_repo("octo/demo")
    issue = repo.get_issue(1)
    return {
        "pulls": sorted(p.head.ref for p in repo.get_pulls(state="all")),
        "comments": sorted(c.body for c in issue.get_comments()),
        "labels": sorted(label.name for label in issue.labels),
        "refs": github.refs("octo/demo"),
    }


@E2E.case
def test_pull_request_with_ruff_violations_gets_a_lint_fix(
    act_runner: ActRunner, tmp_path: Path, fake_github: FakeGitHub, scratch: Path
) -> None:
    config = CONFIG + "gate: {fix_pr_branch: true}\n"
    consumer = ConsumerRepo.create(tmp_path / "demo", FILES, config=config)
    messy = "import os\nimport sys\n\n\ndef double( x ):\n    return x*2\n"
    head = consumer.branch("tidy", {"src/demo/util.py": messy}, "add util")
    fake_github.add_token(GITHUB_TOKEN, "write")
    refs = mirror_into(fake_github, consumer)
    number = fake_github.add_pull(
        "octo/demo", "Add util", "A helper.", head="tidy", user="octo",
        author_association="OWNER",
    )  # fmt: skip
    event = pull_request_event(
        number, "Add util", head_ref="tidy", head_sha=head, base_sha=refs["main"]
    )

    result = run(act_runner, consumer, "pull_request", event, scratch, fake_github)

    assert result.returncode == 0, result.tail()
    assert [t["worker"] for t in result.plan()["tasks"]] == ["lint-fix"]
    pushed = fake_github.refs("octo/demo")["refs/heads/tidy"]
    assert pushed != head, "the gate pushed no fix onto the PR branch"
    commit = fake_github.client().get_repo("octo/demo").get_git_commit(pushed)
    assert [p.sha for p in commit.parents] == [head]
    fixed = fake_github.tree("octo/demo", "tidy")["src/demo/util.py"].decode()
    assert fixed == "def double(x):\n    return x * 2\n"
    assert fake_github.refs("octo/demo")["refs/heads/main"] == refs["main"]


@E2E.case
def test_H08_a_pull_request_cannot_change_the_config_the_foreman_obeys(
    act_runner: ActRunner, consumer: ConsumerRepo, fake_github: FakeGitHub, scratch: Path
) -> None:
    canary = scratch / "canary"
    hostile = (
        "version: 1\nrouting:\n  rules:\n    - if: {event: [pull_request]}\n"
        "      worker: lint-fix\n  classifier: {enabled: false}\n"
        f'workers:\n  lint-fix: {{commands: ["touch {canary}"]}}\n'
        "gate: {fix_pr_branch: true, protected_paths: []}\n"
    )
    messy = "import os\n\n\ndef f( x ):\n    return x\n"
    head = consumer.branch(
        "sneaky", {".github/foreman.yml": hostile, "src/demo/x.py": messy}, "tune config"
    )
    fake_github.add_token(GITHUB_TOKEN, "write")
    refs = mirror_into(fake_github, consumer)
    number = fake_github.add_pull(
        "octo/demo", "Tune", "", head="sneaky", user="octo", author_association="OWNER"
    )
    event = pull_request_event(
        number, "Tune", head_ref="sneaky", head_sha=head, base_sha=refs["main"]
    )

    result = run(act_runner, consumer, "pull_request", event, scratch, fake_github)

    assert result.returncode == 0, result.tail()
    assert not canary.exists(), "a worker ran a command from the PR's config"
    assert fake_github.refs("octo/demo")["refs/heads/sneaky"] == head, (
        "fix_pr_branch came from the PR"
    )
    summaries = result.summaries()
    assert "lint-fix" in summaries and "gate.fix\\_pr\\_branch is off" in summaries


@E2E.case
def test_L01_model_overloaded_throughout_asks_a_human(
    act_runner: ActRunner,
    consumer: ConsumerRepo,
    github: FakeGitHub,
    scratch: Path,
) -> None:
    with FakeAnthropic(on_empty=steps.overloaded()) as anthropic:
        title, body = "Crash when the config is empty", "demo crashes on an empty file."
        number = github.add_issue("octo/demo", title, body, user="octo")
        event = issue_event(number, title, body)

        result = run(act_runner, consumer, "issues", event, scratch, github, anthropic)

        assert set(anthropic.statuses()) == {529}
    assert result.job_results().get("gate") == "succeeded", result.tail()
    assert _pulls(github) == [], "no PR when the model never answered"
    comments = [
        c.body for c in github.client().get_repo("octo/demo").get_issue(number).get_comments()
    ]
    assert len(comments) == 1, comments
    assert STATUS_MARKER in comments[0] and "ask-human" in comments[0]


# -- issue #9: the nightly inbox sweep, end to end ----------------------------------------------


@E2E.case
def test_schedule_sweep_routes_unhandled_items_through_plan_work_gate(
    act_runner: ActRunner, consumer: ConsumerRepo, github: FakeGitHub, scratch: Path
) -> None:
    fresh = [
        github.add_issue("octo/demo", f"Something odd #{i}", "It behaves oddly.") for i in (1, 2)
    ]
    done = github.add_issue("octo/demo", "Already handled", "x", labels=["foreman:handled"])
    event = {"schedule": "17 3 * * *", "repository": repository()}

    result = run(act_runner, consumer, "schedule", event, scratch, github)

    assert result.returncode == 0, result.tail()
    jobs = result.job_results()
    assert jobs["plan"] == "succeeded" and jobs["gate"] == "succeeded", result.tail()
    workers = sorted(j.split(")")[0] + ")" for j in jobs if j.startswith("work ("))
    assert workers == sorted(f"work (issue-{n}-triage)" for n in fresh), jobs
    assert all(state == "succeeded" for state in jobs.values()), jobs
    for number in fresh:
        assert "foreman:handled" in github.issue("octo/demo", number).labels
        ours = [c for c in github.comments("octo/demo", number) if STATUS_MARKER in c.body]
        assert len(ours) == 1
    assert github.comments("octo/demo", done) == []
    assert_no_secret(result, GITHUB_TOKEN)


# -- the debug worker under the process boundary (issue #19) --------------------------------

CALC = {
    "calc.py": "def add(a, b):\n    return a - b\n",
    "run_tests.py": "import sys\nfrom calc import add\n\nsys.exit(0 if add(2, 3) == 5 else 1)\n",
}
DEBUG_CONFIG = (
    CONFIG.replace(
        "  classifier:", "    - if: {labels_any: [bug]}\n      worker: debug\n  classifier:"
    )
    + "test:\n  command: python run_tests.py\n  timeout_seconds: 60\n"
)


# The model's side of the calc fix: the edit, its summary, the worker's reviewer.
CALC_FIX = [
    steps.tool_use(("edit_file", {"path": "calc.py", "old_text": "a - b", "new_text": "a + b"})),
    steps.text("add() subtracted; it adds now."),
    steps.json_reply({"verdict": "approve", "reasons": ["the one-character fix"]}),
]


def _bug_issue(github: FakeGitHub) -> dict[str, object]:
    title, body = "add() is wrong", "add(2, 3) returns -1. Reproduce with `python run_tests.py`."
    number = github.add_issue(
        "octo/demo", title, body, user="octo", labels=["bug"], author_association="OWNER"
    )
    return issue_event(number, title, body, labels=["bug"])


@E2E.case
def test_debug_fixes_a_bug_red_to_green_inside_the_process_boundary(
    act_runner: ActRunner, tmp_path: Path, fake_github: FakeGitHub,
    fake_anthropic: FakeAnthropic, scratch: Path,
) -> None:  # fmt: skip
    import json

    consumer = ConsumerRepo.create(tmp_path / "demo", {**FILES, **CALC}, config=DEBUG_CONFIG)
    fake_github.add_token(GITHUB_TOKEN, "write")
    mirror_into(fake_github, consumer)
    fake_anthropic.script(*CALC_FIX)
    event = _bug_issue(fake_github)

    result = run(act_runner, consumer, "issues", event, scratch, fake_github, fake_anthropic)

    assert result.returncode == 0, result.tail()
    [bundle] = [json.loads(p.read_text()) for p in result.artifacts.rglob("result.json")]
    assert bundle["worker"] == "debug" and bundle["verdict"] == "proposed", bundle["reason"]
    assert bundle["sandbox"]["mode"] == "bwrap" and bundle["sandbox"]["network"] is False
    assert [(t["before"], t["after"]) for t in bundle["tests"]][:1] == [("fail", "pass")]
    [pr] = _pulls(fake_github)
    assert "a + b" in fake_github.tree("octo/demo", pr.head.ref)["calc.py"].decode()
    assert "commands ran in the boundary" in result.summaries()


# -- the loops: a red CI run on main, a change request on a foreman PR -----------------------

CI_LOG = (
    "2026-11-20T10:00:01.0000000Z ##[group]Run python -m doccheck README.md\n"
    "2026-11-20T10:00:02.0000000Z README.md:5: unknown command 'pip instal'\n"
    "2026-11-20T10:00:02.1000000Z Error: 1 problem found\n"
    "2026-11-20T10:00:02.2000000Z ##[error]Process completed with exit code 1.\n"
)


@E2E.case
def test_F01_a_failing_ci_run_on_the_default_branch_becomes_a_fix_pr(
    act_runner: ActRunner,
    consumer: ConsumerRepo,
    github: FakeGitHub,
    fake_anthropic: FakeAnthropic,
    scratch: Path,
) -> None:
    from tests.fakes.github import JobSeed

    fake_anthropic.script(*DOCS_FIX)
    main = github.refs("octo/demo")["refs/heads/main"]
    run_id = github.add_workflow_run(
        "octo/demo", head_sha=main, jobs=[JobSeed("docs", "failure", [("doccheck", "failure")],
                                                  CI_LOG)],
    )  # fmt: skip
    event = {
        "action": "completed",
        "workflow_run": {"id": run_id, "name": "ci", "path": ".github/workflows/ci.yml",
                         "head_sha": main, "head_branch": "main", "conclusion": "failure",
                         "status": "completed", "event": "push", "run_attempt": 1,
                         "pull_requests": [], "head_repository": {"full_name": "octo/demo"}},
        "repository": repository(),
        "sender": {"login": "octo", "type": "User"},
    }  # fmt: skip

    result = run(act_runner, consumer, "workflow_run", event, scratch, github, fake_anthropic)

    assert result.returncode == 0, result.tail()
    task_id = f"ci-{run_id}-{main[:12]}-ci-fix"
    assert result.job_results() == {
        "plan": "succeeded", "ack": "succeeded", f"work ({task_id})": "succeeded",
        "gate": "succeeded",
    }, result.tail()  # fmt: skip
    (task,) = result.plan()["tasks"]
    assert "unknown command 'pip instal'" in task["brief"]
    [pr] = _pulls(github)
    assert pr.head.ref == f"foreman/task-{task_id}" and pr.base.ref == "main"
    readme = github.tree("octo/demo", pr.head.ref)["README.md"].decode()
    assert "pip install demo" in readme
    assert_no_secret(result, GITHUB_TOKEN, fake_anthropic.api_key)


@E2E.case
def test_F04_a_change_request_on_a_foreman_pr_adds_a_commit_and_answers_the_thread(
    act_runner: ActRunner,
    consumer: ConsumerRepo,
    fake_github: FakeGitHub,
    fake_anthropic: FakeAnthropic,
    scratch: Path,
) -> None:
    fake_anthropic.script(*DOCS_FIX)
    issue = fake_github.add_issue("octo/demo", "Docs", "Improve the README.", user="octo")
    branch = f"foreman/issue-{issue}-docs"
    head = consumer.branch(
        branch, {"docs/extra.md": "More docs.\n"},
        f"Docs: more\n\nForeman-Task: issue-{issue}-docs\nForeman-Patch: 0123abcd\n",
    )  # fmt: skip
    fake_github.add_token(GITHUB_TOKEN, "write")
    refs = mirror_into(fake_github, consumer)
    number = fake_github.add_pull("octo/demo", "Docs: more", "Fixes #1.", head=branch,
                                  user=fake_github.bot_login)  # fmt: skip
    review_id, (cid,) = fake_github.add_review(
        "octo/demo", number, user="octo", body="Please also fix the install line.",
        comments=[("README.md", 5, "This says `pip instal`.")],
    )  # fmt: skip
    pr = pull_request_event(
        number, "Docs: more", head_ref=branch, head_sha=head, base_sha=refs["main"],
        user=fake_github.bot_login,
    )["pull_request"]  # fmt: skip
    event = {
        "action": "submitted",
        "review": {"id": review_id, "state": "changes_requested", "user": {"login": "octo"},
                   "body": "Please also fix the install line.", "author_association": "OWNER"},
        "pull_request": pr,
        "repository": repository(),
        "sender": {"login": "octo", "type": "User"},
    }  # fmt: skip

    result = run(act_runner, consumer, "pull_request_review", event, scratch, fake_github,
                 fake_anthropic)  # fmt: skip

    assert result.returncode == 0, result.tail()
    (task,) = result.plan()["tasks"]
    assert task["worker"] == "docs" and task["reply_to"] == [cid]
    pushed = fake_github.refs("octo/demo")[f"refs/heads/{branch}"]
    commit = fake_github.client().get_repo("octo/demo").get_git_commit(pushed)
    assert [p.sha for p in commit.parents] == [head], "one commit on top of the PR's head"
    assert "pip install demo" in fake_github.tree("octo/demo", branch)["README.md"].decode()
    assert len(_pulls(fake_github)) == 1, "no new PR"
    replies = [c for c in fake_github.review_comments("octo/demo", number) if c.in_reply_to]
    assert [c.in_reply_to for c in replies] == [cid] and pushed[:7] in replies[0].body
    assert_no_secret(result, GITHUB_TOKEN, fake_anthropic.api_key)


# -- issue #27: the repository's setup before the worker ---------------------------------------

HELPER_FILES = {
    "calc.py": "def add(a, b):\n    return a - b\n",
    # The tests need helperpkg, a path dependency that only setup installs (no network).
    "run_tests.py": (
        "import sys\nsys.path.insert(0, 'vendor/site')\nimport helperpkg\nfrom calc import add\n\n"
        "sys.exit(0 if add(2, 3) == helperpkg.expected_sum(2, 3) else 1)\n"
    ),
    "vendor/helper/helperpkg/__init__.py": "def expected_sum(a, b):\n    return a + b\n",
    ".gitignore": "vendor/site/\n",
}
SETUP_ACTION = """\
name: setup
description: install the path dependency the tests need
runs:
  using: composite
  steps:
    - shell: bash
      env:
        CANARY: ${{ env.FOREMAN_E2E_CANARY }}
      run: |
        mkdir -p vendor/site && cp -R vendor/helper/helperpkg vendor/site/
        # What this step can see: no key, no token (checked by the test).
        env > "$CANARY/setup-env.txt"
"""


@pytest.mark.parametrize("with_setup", [False, True], ids=["no-setup", "default-branch-setup"])
@E2E.case
def test_debug_needs_the_repositorys_setup_then_goes_red_to_green(
    act_runner: ActRunner, tmp_path: Path, fake_github: FakeGitHub,
    fake_anthropic: FakeAnthropic, scratch: Path, with_setup: bool,
) -> None:  # fmt: skip
    import json

    files = {**FILES, **HELPER_FILES}
    if with_setup:
        files[".github/foreman/setup/action.yml"] = SETUP_ACTION
    consumer = ConsumerRepo.create(tmp_path / "demo", files, config=DEBUG_CONFIG)
    fake_github.add_token(GITHUB_TOKEN, "write")
    mirror_into(fake_github, consumer)
    if with_setup:
        fake_anthropic.script(*CALC_FIX)
    event = _bug_issue(fake_github)
    canary = scratch / "canary"
    canary.mkdir()
    env = {"GITHUB_API_URL": fake_github.url, "FOREMAN_GITHUB_THROTTLE": "0",
           "ANTHROPIC_BASE_URL": fake_anthropic.url, "FOREMAN_E2E_CANARY": str(canary)}  # fmt: skip
    secrets = {"GITHUB_TOKEN": GITHUB_TOKEN, "ANTHROPIC_API_KEY": fake_anthropic.api_key}
    result = act_runner.run(consumer, "issues", event, scratch=scratch, env=env, secrets=secrets)

    assert result.returncode == 0, result.tail()
    [bundle] = [json.loads(p.read_text()) for p in result.artifacts.rglob("result.json")]
    assert bundle["worker"] == "debug"
    if not with_setup:
        assert bundle["verdict"] == "needs_human", bundle["reason"]
        assert "environment is incomplete" in bundle["reason"]
        assert "`helperpkg`" in bundle["reason"] and fake_anthropic.count == 0
        assert _pulls(fake_github) == []
        return
    assert bundle["verdict"] == "proposed", bundle["reason"]
    assert bundle["setup"].startswith("setup ok"), bundle["setup"]
    assert [(t["before"], t["after"]) for t in bundle["tests"]][:1] == [("fail", "pass")]
    [pr] = _pulls(fake_github)
    assert "a + b" in fake_github.tree("octo/demo", pr.head.ref)["calc.py"].decode()
    seen = (canary / "setup-env.txt").read_text()
    assert fake_anthropic.api_key not in seen and GITHUB_TOKEN not in seen
    assert "ANTHROPIC_API_KEY" not in seen
    assert_no_secret(result, GITHUB_TOKEN, fake_anthropic.api_key)


def _marker_action(name: str) -> str:
    return (
        "name: setup\ndescription: leaves a marker\nruns:\n  using: composite\n  steps:\n"
        "    - shell: bash\n      env:\n        CANARY: ${{ env.FOREMAN_E2E_CANARY }}\n"
        f'      run: touch "$CANARY/{name}"\n'
    )


@E2E.case
def test_a_pull_request_cannot_change_the_setup_its_worker_gets(
    act_runner: ActRunner, tmp_path: Path, fake_github: FakeGitHub, scratch: Path
) -> None:
    """The PR edits .github/foreman/setup and carries its own .foreman-setup: neither runs;
    the default branch's setup action does."""
    files = {**FILES, ".github/foreman/setup/action.yml": _marker_action("default-setup-ran")}
    consumer = ConsumerRepo.create(tmp_path / "demo", files)
    messy = "import os\n\n\ndef f( x ):\n    return x\n"
    head = consumer.branch(
        "sneaky",
        {
            ".github/foreman/setup/action.yml": _marker_action("pr-setup-ran"),
            ".foreman-setup/action.yml": _marker_action("pr-fixed-path-ran"),
            "src/demo/x.py": messy,
        },
        "tune setup",
    )
    fake_github.add_token(GITHUB_TOKEN, "write")
    refs = mirror_into(fake_github, consumer)
    number = fake_github.add_pull(
        "octo/demo", "Tune", "", head="sneaky", user="octo", author_association="OWNER"
    )
    event = pull_request_event(
        number, "Tune", head_ref="sneaky", head_sha=head, base_sha=refs["main"]
    )
    canary = scratch / "canary"
    canary.mkdir()
    env = {"GITHUB_API_URL": fake_github.url, "FOREMAN_GITHUB_THROTTLE": "0",
           "FOREMAN_E2E_CANARY": str(canary)}  # fmt: skip
    result = act_runner.run(
        consumer, "pull_request", event, scratch=scratch, env=env,
        secrets={"GITHUB_TOKEN": GITHUB_TOKEN},
    )  # fmt: skip

    assert result.returncode == 0, result.tail()
    assert sorted(p.name for p in canary.iterdir()) == ["default-setup-ran"]
    assert "lint-fix" in result.summaries()
