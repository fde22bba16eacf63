"""lint-fix finishes the job (issue #24): the linter's fixes, then an agent for the rest.

A held-out style repository with 12 ruff violations: 8 that ``ruff check --fix`` fixes
safely, and 4 it cannot (E711 ``== None`` and F841, unsafe fixes; E741 and E722, no fix).
With a scripted model it ends ruff-clean; with no model the linter's partial fix is still
proposed, as a draft PR listing the 4 that remain. Both through the real entry points:
``scripts/action_run.py`` (work, as action.yml runs it), then ``foreman gate`` against
FakeGitHub, which counts the violations again itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from foreman.contracts import Result
from tests.fakes import anthropic_steps as steps
from tests.fakes.fake_anthropic import FakeAnthropic
from tests.fakes.github import FakeGitHub
from tests.support.gate import REPO, Gate, decisions, git, item, task

ROOT = Path(__file__).resolve().parents[1]
SHAPES = """import os
import sys
from typing import List


def area(width, height):
    label = f"area"
    return width * height


def describe(shape):
    if shape == None:
        return "nothing"
    if not shape in ("square", "circle"):
        return f"unknown"
    return shape


def scale(values, factor):
    result = []
    for l in values:
        result.append(l * factor)
    return result


def is_empty(items):
    if not items is None:
        return len(items) == 0
    return True


def parse(text):
    try:
        return int(text)
    except:
        return None
"""
STYLE_FILES = {
    "ruff.toml": '[lint]\nselect = ["E4", "E7", "E9", "F"]\n',
    "style/__init__.py": "",
    "style/shapes.py": SHAPES,
    "style/units.py": 'import json\n\n\ndef convert(value, unit):\n    if unit == "cm":\n'
    "        return value * 100\n    return value\n",
}
LEFT = {"E711", "F841", "E741", "E722"}
AGENT_EDITS = [
    ("    label = \"area\"\n    return width", "    return width"),
    ("if shape == None:", "if shape is None:"),
    ("for l in values:\n        result.append(l * factor)",
     "for value in values:\n        result.append(value * factor)"),
    ("    except:\n", "    except ValueError:\n"),
]  # fmt: skip


def ruff(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    return subprocess.run([exe, *args, "--no-cache", "."], cwd=root, capture_output=True,
                          text=True, check=False)  # fmt: skip


def codes(root: Path) -> list[str]:
    out = ruff(root, "check", "--output-format", "json", "--exit-zero").stdout
    return sorted(v["code"] for v in json.loads(out))


@pytest.fixture
def gate(fake_github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Gate:
    g = Gate(fake_github, tmp_path, monkeypatch)
    g.checkout(files=STYLE_FILES)
    return g


def work(
    gate: Gate, tmp: Path, env: dict[str, str], planned: Any = None
) -> tuple[Any, Result, str]:
    """Clone the gate's checkout as the work job's workspace and run the worker there."""
    if planned is None:
        number = gate.fake.add_issue(REPO, "Fix the lint errors")
        planned = task("lint-fix", item(number, title="Fix the lint errors"))
    t = gate.add(planned)
    number = t.item.number
    workspace = tmp / f"ws-{number}"
    git(tmp, "clone", "-q", str(gate.root), str(workspace))
    out = tmp / f"bundle-{number}"
    full = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp),
        "RUNNER_TEMP": str(tmp),
        "FOREMAN_ACTION_PATH": str(ROOT),
        "INPUT_COMMAND": "work",
        "INPUT_TASK": t.model_dump_json(),
        "INPUT_WORKSPACE": str(workspace),
        "INPUT_OUT": str(out),
        "GITHUB_STEP_SUMMARY": str(tmp / f"work-summary-{number}.md"),
        "GITHUB_OUTPUT": str(tmp / f"work-output-{number}.txt"),
        **env,
    }
    proc = subprocess.run(
        [sys.executable, "-I", str(ROOT / "scripts" / "action_run.py")],
        env=full, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    res = Result.model_validate_json((out / "result.json").read_text())
    patch = (out / "patch.diff").read_text()
    target = gate.bundles / f"foreman-bundle-{t.id}"
    shutil.copytree(out, target)
    return t, res, patch


def applied(gate: Gate, tmp: Path, patch: str) -> Path:
    fresh = tmp / "fresh"
    git(tmp, "clone", "-q", str(gate.root), str(fresh))
    (tmp / "p.diff").write_text(patch)
    git(fresh, "apply", "--binary", str(tmp / "p.diff"))
    return fresh


def test_the_held_out_repository_starts_with_12_violations(gate: Gate) -> None:
    assert len(codes(gate.root)) == 12 and set(codes(gate.root)) >= LEFT


def test_with_a_model_lint_fix_ends_ruff_clean(
    gate: Gate, tmp_path: Path, fake_anthropic: FakeAnthropic
) -> None:
    seen: list[dict[str, Any]] = []

    def edits(body: dict[str, Any]) -> Any:
        seen.append(body)
        calls = [("edit_file", {"path": "style/shapes.py", "old_text": old, "new_text": new})
                 for old, new in AGENT_EDITS]  # fmt: skip
        return steps.tool_use(*calls, text="Fixing the four violations.")

    fake_anthropic.script(
        edits,
        steps.tool_use(("run_command", {"command": "ruff check ."})),
        steps.text("Compared to None with `is`, removed a variable, renamed `l`, named the error."),
    )
    env = {
        "FOREMAN_ANTHROPIC_API_KEY": fake_anthropic.api_key,
        "ANTHROPIC_BASE_URL": fake_anthropic.url,
    }
    t, res, patch = work(gate, tmp_path, env)

    assert res.verdict == "proposed", res.reason
    assert [(x.command, x.before, x.after) for x in res.tests] == [
        ("ruff check .", "fail", "pass"),
        ("ruff format --check .", "pass", "pass"),
    ]
    assert "Fixed by the linter (8):" in res.body and "Fixed by the agent (4):" in res.body
    assert "Remaining" not in res.body and "Violations before: 12; after: 0." in res.body
    fresh = applied(gate, tmp_path, patch)
    assert codes(fresh) == [] and ruff(fresh, "format", "--check").returncode == 0

    # The agent was briefed with exactly the four violations, file:line, and nothing else.
    brief = json.dumps(seen[0]["messages"])
    assert all(code in brief for code in LEFT) and "style/shapes.py:" in brief
    assert "F401" not in brief and "noqa" in json.dumps(seen[0]["system"])
    tools = {tool["name"] for tool in seen[0]["tools"]}
    assert tools == {"read_file", "list_dir", "search", "write_file", "edit_file", "run_command"}
    assert fake_anthropic.remaining == 0

    assert gate.run() == 0
    assert decisions(gate.summary()) == {t.id: "pull request"}
    [pr] = gate.pulls()
    assert "Fixed by the agent (4):" in pr.body
    # Not what ruff alone makes of the base: the gate's reviewer must approve it (no key here).
    assert "no review by the gate" in gate.summary() and pr.pull.draft and not pr.pull.merged


def test_without_a_model_the_partial_fix_is_proposed_listing_what_remains(
    gate: Gate, tmp_path: Path
) -> None:
    t, res, patch = work(gate, tmp_path, {})
    assert res.verdict == "proposed", res.reason
    assert res.reason == "partly fixed: 4 violation(s) remain"
    assert "Fixed by the linter (8):" in res.body and "Remaining (4):" in res.body
    remaining = res.body.split("Remaining (4):", 1)[1]
    assert all(code in remaining for code in LEFT)
    assert "Agent pass: none (no Anthropic API key)." in res.body
    assert sorted(codes(applied(gate, tmp_path, patch))) == sorted(LEFT)

    assert gate.run() == 0
    assert decisions(gate.summary()) == {t.id: "pull request"}
    [pr] = gate.pulls()
    assert pr.pull.draft and not pr.pull.merged
    assert "Remaining (4):" in pr.body and all(code in pr.body for code in LEFT)
    assert "12 violation(s) before, 4 after, none new" in gate.summary()
    assert "ok review: not required" in gate.summary()  # exactly ruff's own change


def _silencing_agent(fake: FakeAnthropic) -> None:
    noqa = [
        ("if shape == None:", "if shape == None:  # noqa: E711"),
        ("    except:\n", "    except:  # noqa: E722\n"),
    ]
    calls = [("edit_file", {"path": "style/shapes.py", "old_text": old, "new_text": new})
             for old, new in noqa]  # fmt: skip
    fake.script(steps.tool_use(*calls), steps.text("Silenced two rules."))


def test_an_agent_that_silences_rules_is_undone_and_the_linters_fix_still_proposed(
    gate: Gate, tmp_path: Path, fake_anthropic: FakeAnthropic
) -> None:
    _silencing_agent(fake_anthropic)
    env = {
        "FOREMAN_ANTHROPIC_API_KEY": fake_anthropic.api_key,
        "ANTHROPIC_BASE_URL": fake_anthropic.url,
    }
    _t, res, patch = work(gate, tmp_path, env)
    assert res.verdict == "proposed" and res.reason == "partly fixed: 4 violation(s) remain"
    assert "silence a rule (style/shapes.py:" in res.body and "noqa" not in patch
    assert "Fixed by the agent" not in res.body and "Remaining (4):" in res.body


def test_a_brief_that_allows_noqa_keeps_the_agents_noqa(
    gate: Gate, tmp_path: Path, fake_anthropic: FakeAnthropic
) -> None:
    _silencing_agent(fake_anthropic)
    number = gate.fake.add_issue(REPO, "Fix the lint errors")
    t = task("lint-fix", item(number)).model_copy(
        update={"brief": "Fix the lint errors; noqa is allowed for E711."}
    )
    env = {
        "FOREMAN_ANTHROPIC_API_KEY": fake_anthropic.api_key,
        "ANTHROPIC_BASE_URL": fake_anthropic.url,
    }
    _t, res, patch = work(gate, tmp_path, env, t)
    assert "# noqa: E711" in patch and "Fixed by the agent (2):" in res.body


def test_the_gate_counts_itself_and_refuses_a_lint_fix_that_adds_a_violation(gate: Gate) -> None:
    from foreman.contracts import TestRun

    forged = [TestRun(command="ruff check .", before="fail", after="fail")]
    worse = SHAPES.replace("import os\n", "").replace("def area", "import re\n\n\ndef area")
    none_fixed = SHAPES + "\n"
    for n, content in enumerate((worse, none_fixed), start=1):
        number = gate.fake.add_issue(REPO, f"style {n}")
        t = gate.add(task("lint-fix", item(number)))
        res = Result(task_id=t.id, worker="lint-fix", verdict="proposed", tests=forged,
                     reason="partly fixed: 1 violation(s) remain", title="Fix lint")  # fmt: skip
        gate.tasks.pop()
        gate.add(t, res, gate.patch({"style/shapes.py": content}))
    assert gate.run() == 0
    summary = gate.summary()
    assert set(decisions(summary).values()) == {"blocked"} and gate.pulls() == []
    assert "the change adds 1 violation(s), first: F401 style/shapes.py:5" in summary
    assert "the change fixes none of the 12 violation(s)" in summary
