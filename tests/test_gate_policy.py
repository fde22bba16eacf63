"""Pure gate stages: bundle loading, secret scan, CODEOWNERS, policy checks, proposals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from foreman.config import Config, parse_config
from foreman.contracts import Plan, ReviewVerdict
from foreman.contracts import TestRun as Run
from foreman.errors import UsageError
from foreman.gate import codeowners
from foreman.gate.bundles import Bundle, load_bundles, load_plan
from foreman.gate.checks import PolicyContext, assess
from foreman.gate.proposals import item_proposals
from foreman.gate.secrets import scan_text
from tests.support.gate import PASSING, item, result, task

GH_TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0" * 2  # fake, but the right shape
AWS_KEY = "AKIA" + "QWERTYUIOPASDFGH"
SLACK = "xoxb-" + "123456789012-abcdefghijklmnop"
ANTHROPIC = "sk-ant-api03-" + "x9Y8z7W6v5U4t3S2r1Q0p9O8"


class Files:
    def __init__(self, files: dict[str, str]) -> None:
        self.files = files

    def read(self, path: str) -> tuple[str, str] | None:
        return ("100644", self.files[path]) if path in self.files else None


BASE = {"src/app.py": "a = 1\nb = 2\nc = 3\n", ".github/workflows/ci.yml": "on: push\n"}


def diff(path: str, old: str, new: str) -> str:
    return f"--- a/{path}\n+++ b/{path}\n@@ -1 +1 @@\n-{old}\n+{new}\n"


def ctx(config: Config | None = None, secrets: tuple[str, ...] = ()) -> PolicyContext:
    config = config or Config()
    return PolicyContext(config, tuple(config.gate.protected_paths), secrets, Files(BASE))


def bundle(
    worker: str = "debug", patch: str = "", config: Config | None = None, **kw: object
) -> Bundle:
    t = task(worker, item(5), config)
    return Bundle(t, result(t, **kw), patch, "x")


# -- secrets --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (f"token = '{GH_TOKEN}'", "GitHub token"),
        (f"AWS_ACCESS_KEY_ID={AWS_KEY}", "AWS access key id"),
        (f"key: {ANTHROPIC}", "Anthropic API key"),
        (f"SLACK={SLACK}", "Slack token"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----", "private key"),
        ('password = "hT9#kQ2$vL8@pZ4!"', "hard-coded credential"),
    ],
)
def test_secret_shapes_are_found_and_never_echoed(text: str, kind: str) -> None:
    [hit] = scan_text(text, "src/x.py:3")
    assert hit.kind == kind and hit.where == "src/x.py:3"
    assert text.split("=")[-1].strip(" '\"") not in str(hit)


@pytest.mark.parametrize(
    "text",
    [
        'password = "changeme"',
        'token = "${{ secrets.TOKEN }}"',
        "passwd: aaaaaaaaaaaaaaaa",
        "def get_token(self):",
        'api_key = "<your key here>"',
    ],
)
def test_ordinary_code_is_not_a_secret(text: str) -> None:
    assert scan_text(text, "f:1") == []


def test_the_jobs_own_secret_values_are_found() -> None:
    assert [h.kind for h in scan_text("x = 'plainvalue-123'", "f:1", ["plainvalue-123"])] == [
        "a secret of this job"
    ]


# -- bundles --------------------------------------------------------------------------------------


def _write(d: Path, res: dict[str, object] | str, patch: str = "") -> None:
    d.mkdir(parents=True)
    (d / "result.json").write_text(res if isinstance(res, str) else json.dumps(res))
    (d / "patch.diff").write_text(patch)


def test_bundles_corrupt_unknown_mismatched_and_missing(tmp_path: Path) -> None:
    ts = [task(w, item(5)) for w in ("debug", "docs", "refactor", "triage", "infra", "lint-fix")]
    plan = Plan(repo="octo/demo", items=[ts[0].item], tasks=ts)
    root = tmp_path / "b"
    folder = {t.worker: root / f"foreman-bundle-{t.id}" for t in ts}
    _write(folder["debug"], result(ts[0]).model_dump(mode="json"), "p")
    _write(folder["docs"], {"task_id": ts[1].id, "worker": "docs"})  # no verdict
    _write(folder["refactor"], {**result(ts[2]).model_dump(mode="json"), "worker": "docs"})
    _write(root / "foreman-bundle-zz", {**result(ts[3]).model_dump(mode="json"), "task_id": "zz"})
    _write(folder["lint-fix"], "{not json")
    loaded = load_bundles(root, plan)
    assert [b.task.id for b in loaded.bundles] == [ts[0].id]
    assert loaded.bundles[0].patch == "p"
    reasons = {r.source: r.reason for r in loaded.rejected}
    assert reasons[folder["lint-fix"].name].startswith("invalid result.json")
    assert "claims worker 'docs'" in reasons[folder["refactor"].name]
    assert reasons["foreman-bundle-zz"] == "its task is not in the plan"
    assert "verdict: missing" in reasons[folder["docs"].name]
    assert {t.id for t in loaded.missing} == {ts[3].id, ts[4].id}
    assert ts[1].id in {r.task_id for r in loaded.rejected}


def test_no_bundle_directory_means_every_task_is_missing(tmp_path: Path) -> None:
    t = task("debug", item(5))
    loaded = load_bundles(tmp_path / "nothing", Plan(tasks=[t]))
    assert loaded.missing == [t] and not loaded.bundles


def test_plan_from_file_or_env_and_clear_errors(tmp_path: Path) -> None:
    plan = Plan(repo="octo/demo")
    assert load_plan(None, plan.model_dump_json()).repo == "octo/demo"
    with pytest.raises(UsageError, match="no plan"):
        load_plan(None, "")
    bad = tmp_path / "p.json"
    bad.write_text('{"tasks": [{"id": "x"}]}')
    with pytest.raises(UsageError, match=r"tasks\.0\.worker: missing"):
        load_plan(str(bad), "")


# -- codeowners -----------------------------------------------------------------------------------


def test_codeowners_last_match_wins_and_gitignore_semantics() -> None:
    rules = codeowners.parse(
        "# comment\n*  @everyone\n/docs/ @org/docs-team\n*.py @py-dev\nsrc/legacy/* @old\n"
        "apps @apps-dev # trailing\n"
    )
    own = codeowners.owners_for
    assert own(rules, ["README.md"]).users == ["everyone"]
    assert own(rules, ["docs/a/b.md"]).teams == ["org/docs-team"]
    assert own(rules, ["docs/a.py"]).users == ["py-dev"]
    assert own(rules, ["src/legacy/x.txt"]).users == ["old"]
    assert own(rules, ["src/legacy/deep/x.txt"]).users == ["everyone"]
    assert own(rules, ["lib/apps/x.txt"]).users == ["apps-dev"]


# -- policy ---------------------------------------------------------------------------------------


def test_clean_debug_bundle_is_a_change_kept_as_draft_without_review() -> None:
    a = assess(bundle(patch=diff("src/app.py", "a = 1", "a = 10"), tests=PASSING), ctx())
    assert a.action == "change" and all(c.ok for c in a.checks)
    assert a.files["src/app.py"].content == "a = 10\nb = 2\nc = 3\n"
    assert a.draft_reasons == ["no reviewer verdict"]
    assert a.merge_block is not None


@pytest.mark.parametrize(
    ("kwargs", "check"),
    [
        ({"patch": diff("src/app.py", "a = 1", f"a = '{GH_TOKEN}'")}, "secrets"),
        ({"patch": diff("src/app.py", "zzz", "a = 2")}, "applies"),
        ({"patch": diff("../etc/passwd", "x", "y")}, "safe paths"),
        ({"patch": diff(".git/config", "x", "y")}, "safe paths"),
        ({"patch": diff("src/app.py", "a = 1", "a = 2"), "worker": "docs"}, "allowed paths"),
        (
            {
                "patch": diff("src/app.py", "a = 1", "a = 2"),
                "tests": [Run(command="pytest", after="fail")],
            },
            "tests",
        ),
        (
            {
                "patch": diff("src/app.py", "a = 1", "a = 2"),
                "review": ReviewVerdict(verdict="request_changes", reasons=["wrong"]),
            },
            "review",
        ),
        ({"patch": "".join(diff(f"src/f{i}.py", "x", "y") for i in range(30))}, "size"),
    ],
)
def test_failing_checks_block_with_their_reason(kwargs: dict[str, object], check: str) -> None:
    worker = str(kwargs.pop("worker", "debug"))
    kwargs.setdefault("tests", PASSING)
    a = assess(bundle(worker, **kwargs), ctx())  # type: ignore[arg-type]
    assert a.action == "blocked"
    assert a.reason.startswith(check), a.reason
    assert not next(c for c in a.checks if c.name == check).ok
    assert GH_TOKEN not in a.reason + "".join(c.detail for c in a.checks)


@pytest.mark.parametrize("path", [f"src/{AWS_KEY}.py", f"../{AWS_KEY}", f"docs/{GH_TOKEN}.md"])
def test_a_secret_in_a_file_name_is_never_quoted(path: str) -> None:
    patch = f"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1 @@\n+x\n"
    a = assess(bundle(patch=patch, tests=PASSING), ctx())
    assert a.action == "blocked" and a.reason.startswith("secrets")
    shown = a.reason + "".join(c.detail for c in a.checks)
    assert AWS_KEY not in shown and GH_TOKEN not in shown and "name of file 1" in shown


def test_secret_in_result_text_blocks_without_echo() -> None:
    a = assess(bundle(body=f"use {AWS_KEY} to deploy"), ctx())
    assert a.action == "blocked" and "AWS access key id at result body" in a.reason
    assert AWS_KEY not in a.reason


def test_protected_paths_ask_a_human_unless_the_worker_is_allowed() -> None:
    patch = diff(".github/workflows/ci.yml", "on: push", "on: [push, pull_request]")
    a = assess(bundle("infra", patch, tests=PASSING), ctx())
    assert a.action == "ask-human" and "gate.allow_protected" in a.reason
    cfg = parse_config(
        "gate:\n  allow_protected: [infra]\n  merge: {enabled: true, workers: [infra]}\n", "c"
    )
    a = assess(bundle("infra", patch, cfg, tests=PASSING), ctx(cfg))
    assert a.action == "change" and a.merge_block and "protected" in a.merge_block


def test_triage_labels_are_filtered_and_a_triage_patch_is_refused() -> None:
    a = assess(bundle("triage", labels=["bug", "Question", "deploy-prod"], comment="hi"), ctx())
    assert (a.action, a.labels, a.dropped_labels) == (
        "triage",
        ["bug", "question"],
        ["deploy-prod"],
    )
    a = assess(bundle("triage", diff("src/app.py", "a = 1", "a = 2")), ctx())
    assert a.action == "blocked"


def test_verdicts_failed_needs_human_and_no_change() -> None:
    assert assess(bundle(verdict="failed", reason="crash"), ctx()).action == "failed"
    assert assess(bundle(verdict="needs_human"), ctx()).action == "ask-human"
    assert assess(bundle(verdict="no_change"), ctx()).action == "no-change"


def test_merge_eligibility() -> None:
    cfg = parse_config(
        "gate:\n  merge: {enabled: true, workers: [lint-fix], max_changed_lines: 2}\n", "c"
    )
    small = diff("src/app.py", "a = 1", "a = 2")
    assert assess(bundle("lint-fix", small, cfg, tests=PASSING), ctx(cfg)).merge_block is None
    two = "--- a/src/app.py\n+++ b/src/app.py\n@@ -1,2 +1,2 @@\n-a = 1\n-b = 2\n+a=1\n+b=2\n"
    assert "max_changed_lines" in (
        assess(bundle("lint-fix", two, cfg, tests=PASSING), ctx(cfg)).merge_block or ""
    )
    assert "merge.workers" in (
        assess(bundle("debug", small, cfg, tests=PASSING), ctx(cfg)).merge_block or ""
    )


def test_conflicting_bundles_make_one_pr_and_one_question() -> None:
    one = assess(bundle("debug", diff("src/app.py", "a = 1", "a = 10"), tests=PASSING), ctx())
    t = task("refactor", item(5))
    other = assess(
        Bundle(t, result(t, tests=PASSING), diff("src/app.py", "a = 1", "a = 11"), "y"), ctx()
    )
    planned = item_proposals(item(5), [one, other], Config(), Files(BASE), [])
    assert [p.workers for p in planned.proposals] == [["debug"]]
    assert planned.held[t.id][0] == "ask-human"
