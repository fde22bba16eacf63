from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from foreman.cli import main
from foreman.config import Config, find_config, load_config, parse_config, worker_spec
from foreman.config.schema import generate, render
from foreman.errors import ConfigError

GOOD = """\
version: 1
routing:
  rules:
    - name: docs label
      if: {labels_any: [docs, documentation]}
      worker: docs
    - if: {event: [pull_request], paths_any: ["**/*.py"]}
      worker: lint-fix
  classifier: {enabled: true, min_confidence: 0.7}
  llm: {model: claude-haiku-4-5, enabled: true}
  fallback: triage
workers:
  docs: {allowed_paths: ["docs/**", "**/*.md"], max_turns: 20}
  lint-fix: {commands: ["ruff check --fix .", "ruff format ."]}
  changelog:
    prompt: "Write the changelog entry."
    allowed_paths: ["CHANGELOG.md"]
gate:
  merge: {enabled: true, workers: [lint-fix], max_changed_lines: 50, checks: green}
  reviewers: {users: [octo]}
  ask: ["@maintainer"]
"""


def problems(text: str) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(ConfigError) as info:
        parse_config(text, ".github/foreman.yml")
    return [(loc.line, loc.key, msg) for loc, msg in info.value.problems]


def test_good_config_parses_and_merges_worker_overrides() -> None:
    cfg = parse_config(GOOD, "f.yml")
    assert [r.worker for r in cfg.routing.rules] == ["docs", "lint-fix"]
    docs = worker_spec(cfg, "docs")
    assert docs.max_turns == 20 and docs.allowed_paths == ["docs/**", "**/*.md"]
    assert docs.kind == "agent" and docs.writes_code
    custom = worker_spec(cfg, "changelog")
    assert custom.prompt == "Write the changelog entry." and custom.kind == "agent"


def test_no_config_file_gives_defaults(tmp_path: Path) -> None:
    assert find_config(tmp_path) is None
    cfg = load_config(None)
    assert cfg == Config()
    assert cfg.routing.fallback == "triage"


def test_a_root_that_is_not_a_directory_is_a_usage_error(tmp_path: Path) -> None:
    from foreman.errors import UsageError

    for root in (tmp_path / "missing", tmp_path / "file.txt"):
        if root.name == "file.txt":
            root.write_text("x")
        with pytest.raises(UsageError, match="repository root is not a directory") as err:
            find_config(root)
        assert err.value.location is not None and err.value.location.file == str(root)


def test_empty_file_gives_defaults() -> None:
    assert parse_config("", "f.yml") == Config()


@pytest.mark.parametrize(
    ("text", "line", "key", "fragment"),
    [
        ("routing:\n  rulez: []\n", 2, "routing.rulez", "did you mean 'rules'"),
        ("version: 2\n", 1, "version", "Input should be 1"),
        ("gate:\n  max_files: nope\n", 2, "gate.max_files", "valid integer"),
        (
            "routing:\n  rules:\n    - if: {labels_any: [x]}\n      worker: docz\n",
            4,
            "routing.rules[0].worker",
            "unknown worker 'docz' (did you mean 'docs'?)",
        ),
        ("routing:\n  rules:\n    - worker: docs\n", 3, "routing.rules[0].if", "missing"),
        ("routing:\n  fallback: debug\n", 2, "routing.fallback", "must not write code"),
        ("workers:\n  mine: {model: x}\n", 2, "workers.mine", "needs a 'prompt'"),
        ("a: 1\na: 2\n", 2, "a", "duplicate key"),
        (
            "routing:\n  rules:\n    - if: {title: '(x'}\n      worker: docs\n",
            3,
            "routing.rules[0].if.title",
            "invalid regular expression",
        ),
        (
            "routing:\n  rules:\n    - if:\n        event: [issues]\n        action: [opened, open]"
            "\n      worker: docs\n",
            5,
            "routing.rules[0].if.action[1]",
            "action 'open' never reaches routing (did you mean 'opened'?); foreman routes issues:"
            " edited/labeled/opened/reopened",
        ),
        (
            "routing:\n  rules:\n    - if: {event: [workflow_dispatch], action: [run]}\n"
            "      worker: docs\n",
            3,
            "routing.rules[0].if.action[0]",
            "foreman routes no action of these events",
        ),
        (
            "routing:\n  rules:\n    - if: {paths_any: [docs/**], is_pull_request: false}\n"
            "      worker: docs\n",
            3,
            "routing.rules[0].if",
            "is_pull_request is false: the rule never matches",
        ),
        (
            "routing:\n  rules:\n    - if: {event: [issues], paths_all: [docs/**]}\n"
            "      worker: docs\n",
            3,
            "routing.rules[0].if",
            "an issues event never is one",
        ),
        (
            "routing:\n  rules:\n    - if: {event: [pull_request], is_pull_request: false}\n"
            "      worker: docs\n",
            3,
            "routing.rules[0].if",
            "a pull_request event always is one",
        ),
        (
            "routing:\n  rules:\n    - if: {}\n      worker: docs\n"
            "    - if: {labels_any: [x]}\n      worker: debug\n",
            3,
            "routing.rules[0].if",
            "rule #1 has no conditions, so it matches every event and, with routing.mode: first,"
            " the 1 rule(s) after it never run",
        ),
    ],
)
def test_errors_name_line_and_key(text: str, line: int, key: str, fragment: str) -> None:
    found = problems(text)
    assert any(ln == line and k == key and fragment in msg for ln, k, msg in found), found


@pytest.mark.parametrize(
    "text",
    [
        "routing:\n  rules:\n    - if: {labels_any: [x]}\n      worker: docs\n"
        "    - if: {}\n      worker: debug\n",  # a catch-all last: the default
        "routing:\n  mode: all\n  rules:\n    - if: {}\n      worker: docs\n"
        "    - if: {labels_any: [x]}\n      worker: debug\n",  # mode all: every rule runs
        "routing:\n  rules:\n    - if: {event: [issue_comment], action: [created],"
        " paths_any: [docs/**]}\n      worker: docs\n",  # a comment may be on a PR
        "routing:\n  rules:\n    - if: {action: [synchronize, labeled]}\n      worker: docs\n",
    ],
)
def test_rules_that_can_match_are_accepted(text: str) -> None:
    assert parse_config(text, "f.yml").routing.rules


def test_all_problems_reported_at_once() -> None:
    found = problems("routing:\n  rulez: []\ngate:\n  max_filez: 3\n")
    assert {k for _, k, _ in found} == {"routing.rulez", "gate.max_filez"}


def test_H11_alias_bomb_refused() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i, name in enumerate("bcdefg"):
        prev = "abcdefg"[i]
        bomb += f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]\n"
    (msg,) = [m for _, _, m in problems(bomb)]
    assert "alias bomb" in msg


def test_H11_oversized_file_refused(tmp_path: Path) -> None:
    path = tmp_path / "foreman.yml"
    path.write_text("# " + "x" * 1_100_000 + "\n")
    with pytest.raises(ConfigError, match="limit is 1000000 bytes"):
        load_config(path)


def test_H11_invalid_yaml_and_wrong_top_level() -> None:
    assert problems("x: [\n")[0][2].startswith("invalid YAML")
    assert "top level must be a mapping" in problems("- a\n- b\n")[0][2]
    assert "not valid UTF-8" in problems(b"a: \xff\n")[0][2]  # type: ignore[arg-type]


def test_H11_validate_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.yml"
    good.write_text(GOOD)
    assert main(["validate", str(good)]) == 0
    assert "valid" in capsys.readouterr().out
    bad = tmp_path / "bad.yml"
    bad.write_text("routing:\n  rules:\n    - if: {labels_any: [x]}\n      worker: nope\n")
    assert main(["validate", str(bad)]) == 3
    err = capsys.readouterr().err
    assert f"{bad}:4" in err and "routing.rules[0].worker" in err and "Traceback" not in err


def test_validate_prints_actions_annotation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    bad = tmp_path / "bad.yml"
    bad.write_text("gate:\n  nope: 1\n")
    assert main(["validate", str(bad)]) == 3
    out = capsys.readouterr().out
    assert f"::error file={bad},line=2,title=invalid configuration::unknown key 'nope'" in out
    assert "unknown key" in summary.read_text()


def test_validate_missing_explicit_file(tmp_path: Path) -> None:
    assert main(["validate", str(tmp_path / "absent.yml")]) == 3


def test_committed_schema_is_current() -> None:
    committed = resources.files("foreman.config").joinpath("schema.json").read_text("utf-8")
    assert committed == render(), "run: foreman schema -o src/foreman/config/schema.json"


def test_schema_command_and_schema_validates_good_config(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import jsonschema
    import yaml

    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema == generate()
    jsonschema.validate(yaml.safe_load(GOOD), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"routing": {"rulez": []}}, schema)
