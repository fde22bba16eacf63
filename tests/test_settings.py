"""The environment is read once, into ``foreman.settings.Settings``: what it holds, what it
hides, and that nothing else in ``src/`` reads the environment."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from foreman.settings import Settings

SRC = Path(__file__).resolve().parents[1] / "src" / "foreman"
GUIDE = Path(__file__).resolve().parents[1] / "docs" / "guide.md"

# (module, function) -> why it may read the environment. Every other read is a finding.
ALLOWED = {
    ("settings.py", "from_env"): "the one place the environment is read",
    ("cli.py", "_columns"): "the --help width ($COLUMNS, as shutil reads it): argparse formats"
    " the help before any command runs; it is presentation, not configuration",
    ("gate/base.py", "_git"): "builds the environment of the gate's own git child process"
    " (the gate's environment without GIT_* variables)",
    ("workers/snapshot.py", "git"): "builds the environment of the snapshot's git child"
    " process (scrub_env: no secrets, no GIT_* variables)",
}


def env_reads(tree: ast.AST) -> list[tuple[int, str]]:
    """``(line, function)`` of every read of the process environment in ``tree``:
    ``os.environ``, ``os.environb``, ``os.getenv``/``getenvb``, and those names imported from
    ``os``."""
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST, function: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
            and node.attr in ("environ", "environb", "getenv", "getenvb")
        ):
            found.append((node.lineno, function))
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            names = {a.name for a in node.names}
            if names & {"environ", "environb", "getenv", "getenvb"}:
                found.append((node.lineno, function))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, "<module>")
    return found


def test_nothing_below_the_settings_reads_the_environment() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        for line, function in env_reads(ast.parse(path.read_text(encoding="utf-8"))):
            if (rel, function) not in ALLOWED:
                found.append(f"src/foreman/{rel}:{line} (in {function})")
    assert found == [], "read the environment through foreman.settings.Settings instead"


def test_every_allowed_read_still_exists() -> None:
    """An exception that no longer reads the environment is dropped from the list."""
    seen = set()
    for module, _ in ALLOWED:
        tree = ast.parse((SRC / module).read_text(encoding="utf-8"))
        seen |= {(module, function) for _, function in env_reads(tree)}
    assert seen == set(ALLOWED)


@pytest.mark.parametrize(
    "code",
    [
        "import os\ndef f():\n    return os.environ.get('X')\n",
        "import os\ndef f():\n    return os.getenv('X')\n",
        "from os import environ\n",
        "import os\nX = os.environ['X']\n",
    ],
)
def test_the_scan_finds_each_spelling(code: str) -> None:
    assert env_reads(ast.parse(code)) != []


def test_the_scan_leaves_a_passed_mapping_alone() -> None:
    assert env_reads(ast.parse("def f(env):\n    return env.get('GITHUB_TOKEN')\n")) == []


SECRETS = {
    "GITHUB_TOKEN": "ghs_secretGitHubToken0123456789",
    "FOREMAN_ANTHROPIC_API_KEY": "sk-ant-secret-key-0123456789",
    "AWS_SECRET_ACCESS_KEY": "aws-secret-0123456789abcdef",
    "GITHUB_REPOSITORY": "octo/demo",
}


def test_secrets_never_show_in_repr_or_str() -> None:
    settings = Settings.from_env(SECRETS)
    assert settings.github.token == SECRETS["GITHUB_TOKEN"]
    assert settings.llm.api_key == SECRETS["FOREMAN_ANTHROPIC_API_KEY"]
    shown = repr(settings) + str(settings) + repr(settings.github) + repr(settings.llm)
    shown += repr(settings.without_github_token())
    for name in ("GITHUB_TOKEN", "FOREMAN_ANTHROPIC_API_KEY", "AWS_SECRET_ACCESS_KEY"):
        assert SECRETS[name] not in shown, name
    assert "octo/demo" in shown  # what is not secret is shown


def test_settings_are_frozen_and_a_copy_of_the_environment() -> None:
    env = dict(SECRETS)
    settings = Settings.from_env(env)
    env["GITHUB_REPOSITORY"] = "other/repo"
    assert settings.environ["GITHUB_REPOSITORY"] == "octo/demo"
    with pytest.raises(AttributeError):
        settings.github.repository = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        settings.environ["X"] = "y"  # type: ignore[index]


def test_one_name_per_meaning_and_its_alias() -> None:
    both = {"GITHUB_TOKEN": "job", "FOREMAN_GITHUB_TOKEN": "input"}
    assert Settings.from_env(both).github.token == "input"  # the action's input wins
    assert Settings.from_env({"GITHUB_TOKEN": " job "}).github.token == "job"
    assert Settings.from_env({"GITHUB_TOKEN": "  "}).github.token is None
    keys = {"ANTHROPIC_API_KEY": "name", "FOREMAN_ANTHROPIC_API_KEY": "alias"}
    assert Settings.from_env(keys).llm.api_key == "name"
    alias = Settings.from_env({"FOREMAN_ANTHROPIC_API_KEY": "alias"}).llm
    assert alias.api_key == "alias"
    assert alias.provider_env["ANTHROPIC_API_KEY"] == "alias", "the provider reads one name"
    assert "GH_TOKEN" not in Settings.from_env({"GH_TOKEN": "x"}).llm.provider_env


def test_defaults_outside_github() -> None:
    s = Settings.from_env({})
    assert (s.github.token, s.github.api_url, s.github.repository) == (None, None, "")
    assert s.github.throttle and not s.github.token_is_job_token
    assert s.github.server_url == "https://github.com"
    assert s.github.own_workflow is None
    assert not s.runner.in_actions and s.runner.output is None and s.runner.step_summary is None
    assert (s.foreman.config, s.foreman.task, s.foreman.plan) == (None, "", "")
    assert s.llm.api_key is None


def test_values_read() -> None:
    s = Settings.from_env(
        {
            "GITHUB_ACTIONS": "true",
            "GITHUB_OUTPUT": "/o",
            "GITHUB_STEP_SUMMARY": "/s",
            "RUNNER_TEMP": "/t",
            "GITHUB_WORKFLOW_REF": "octo/demo/.github/workflows/foreman.yml@refs/heads/main",
            "FOREMAN_GITHUB_THROTTLE": "0",
            "FOREMAN_TOKEN_IS_JOB_TOKEN": "True",
            "FOREMAN_CONFIG": "ci/foreman.yml",
            "GITHUB_API_URL": "http://127.0.0.1:9",
            "GITHUB_EVENT_PATH": "/e.json",
            "GITHUB_EVENT_NAME": "issues",
        }
    )
    assert s.runner == type(s.runner)(in_actions=True, output="/o", step_summary="/s", temp="/t")
    assert s.github.own_workflow == ".github/workflows/foreman.yml"
    assert not s.github.throttle and s.github.token_is_job_token
    assert s.foreman.config == "ci/foreman.yml"
    assert (s.github.api_url, s.github.event_path, s.github.event_name) == (
        "http://127.0.0.1:9",
        "/e.json",
        "issues",
    )


def test_without_github_token_drops_every_spelling() -> None:
    env = {"GITHUB_TOKEN": "a-token", "FOREMAN_GITHUB_TOKEN": "b-token", "GH_TOKEN": "c-token"}
    offline = Settings.from_env({**env, "PATH": "/bin"}).without_github_token()
    assert offline.github.token is None
    assert dict(offline.environ) == {"PATH": "/bin"}


def _names_read() -> set[str]:
    """The variable names ``settings.py`` reads (its string constants shaped like one)."""
    text = (SRC / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r'"([A-Z][A-Z0-9_]*[A-Z0-9])"', text))
    return {n for n in names if "_" in n and not n.endswith("_")}


def test_every_variable_read_is_in_the_guide_table() -> None:
    table = GUIDE.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)`", table, flags=re.MULTILINE))
    missing = _names_read() - documented
    assert not missing, f"docs/guide.md's environment table lacks {sorted(missing)}"
