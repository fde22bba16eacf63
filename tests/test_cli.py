from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from foreman.cli import main

HEAVY = ("anthropic", "github", "httpx", "requests")


def _modules_after(code: str, wanted: str = f"m.split('.')[0] in {HEAVY!r}") -> set[str]:
    """The modules (those ``wanted`` picks) that ``code`` leaves imported in a fresh process."""
    probe = (
        "import sys, io, contextlib\nwith contextlib.redirect_stdout(io.StringIO()):\n"
        + "".join(f"  {line}\n" for line in code.splitlines())
        + f"print('MODULES=' + ','.join(m for m in sys.modules if {wanted}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    line = out.stdout.strip().splitlines()[-1]
    assert line.startswith("MODULES="), out.stdout
    return {m for m in line.removeprefix("MODULES=").split(",") if m}


def test_help_does_not_import_heavy_sdks() -> None:
    assert (
        _modules_after(
            "from foreman.cli import main\ntry:\n  main(['--help'])\nexcept SystemExit:\n  pass"
        )
        == set()
    )


def test_validate_does_not_import_heavy_sdks() -> None:
    assert _modules_after("from foreman.cli import main\nmain(['validate'])") == set()


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


def test_unknown_command_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frobnicate"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_python_dash_m_entry_point() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "foreman", "--version"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0 and out.stdout.startswith("foreman ")


def test_internal_error_is_redacted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import foreman.commands.validate as validate

    monkeypatch.setenv("GITHUB_TOKEN", "ghs_canary_token_value_123456789")

    def boom(args: object) -> int:
        raise RuntimeError("leaked ghs_canary_token_value_123456789")

    monkeypatch.setattr(validate, "run", boom)
    assert main(["validate"]) == 1
    err = capsys.readouterr().err
    assert "ghs_canary" not in err and "internal error" in err


@pytest.mark.parametrize("event", ["issue-bug.json", "issue-question.json", "pr-opened.json"])
def test_plan_rules_and_classifier_path_does_not_import_heavy_sdks(event: str) -> None:
    path = Path(__file__).resolve().parents[1] / "workflows-examples" / "events" / event
    assert (
        _modules_after(f"from foreman.cli import main\nmain(['plan', '--event', {str(path)!r}])")
        == set()
    )


@pytest.mark.parametrize(
    "module",
    [
        "importlib.metadata",  # pydantic's plugin scan (see startup.py)
        "importlib.resources",  # the shipped model is read next to classifier.py
        "shutil",  # argparse's formatter imports it for the terminal width (cli._Formatter)
        "foreman.routing.llm_router",  # the LLM layer, only when it is asked
        "yaml",  # PyYAML, only when there is a config file (this checkout has none)
    ],
)
def test_plan_leaves_slow_imports_out(module: str) -> None:
    """The classifier path (issue-bug.json) of plan imports none of these (5-30 ms each)."""
    path = Path(__file__).resolve().parents[1] / "workflows-examples" / "events" / "issue-bug.json"
    code = f"from foreman.cli import main\nassert main(['plan', '--event', {str(path)!r}]) == 0"
    assert _modules_after(code, f"m == {module!r} or m.startswith({module + '.'!r})") == set()


@pytest.mark.parametrize(("columns", "width"), [("60", 60), ("junk", 80), ("0", 80)])
def test_help_width_follows_columns(
    columns: str, width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from foreman.cli import _columns

    monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.setattr(sys, "__stdout__", None)  # no terminal: the fallback
    assert _columns() == width


def test_plugin_scan_skip_leaves_an_imported_loader_alone() -> None:
    import pydantic.plugin._loader as real

    from foreman.startup import PLUGIN_LOADER, skip_pydantic_plugin_scan

    skip_pydantic_plugin_scan()
    assert sys.modules[PLUGIN_LOADER] is real


EVENT = Path(__file__).resolve().parents[1] / "workflows-examples" / "events" / "issue-bug.json"


@pytest.mark.parametrize(
    ("command", "target", "says"),
    [
        (["plan", "--event", str(EVENT), "--output"], "", "is a directory, not a file"),
        (["plan", "--event", str(EVENT), "--output"], "nodir/plan.json", "does not exist"),
        (["plan", "--event", str(EVENT), "--output"], "afile/plan.json", "is not a directory"),
        (["schema", "-o"], "", "is a directory, not a file"),
        (["schema", "-o"], "nodir/schema.json", "does not exist"),
        (["plan", "--event", str(EVENT), "--output"], None, "an empty path"),
        (["gate", "--plan", "p.json", "--bundles"], None, "an empty path"),
    ],
)
def test_an_unusable_output_path_is_a_usage_error_before_any_work(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    target: str | None,
    says: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_ACTIONS"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "afile").write_text("keep")
    assert main([*command, "" if target is None else str(tmp_path / target)]) == 2
    out, err = capsys.readouterr()
    assert says in err and "argument --" in err and out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]
    assert (tmp_path / "afile").read_text() == "keep"


def test_an_output_that_cannot_be_written_is_a_usage_error(tmp_path: Path) -> None:
    """The write itself can still fail (the path changed after the check): a usage error."""
    from foreman.commands import write_output
    from foreman.errors import UsageError

    (tmp_path / "afile").write_text("keep")
    target = tmp_path / "afile" / "schema.json"
    with pytest.raises(UsageError, match=f"cannot write {target}: Not a directory"):
        write_output(str(target), "{}")


@pytest.mark.parametrize(("text", "code", "says"), [
    ("version: 1\n", 0, "valid (version 1"),
    ("version: 1\nrouting: {mood: 1}\n", 3, ":2: unknown key 'mood'"),
])  # fmt: skip
def test_validate_reads_an_absolute_foreman_config_outside_the_root(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    text: str,
    code: int,
    says: str,
) -> None:
    config = tmp_path / "elsewhere" / "foreman.yml"
    config.parent.mkdir()
    config.write_text(text)
    (tmp_path / "repo").mkdir()
    monkeypatch.chdir(tmp_path / "repo")
    monkeypatch.setenv("FOREMAN_CONFIG", str(config))
    assert main(["validate"]) == code
    out, err = capsys.readouterr()
    assert f"{config}{says}" in out + err if code else f"{config}: {says}" in out


def test_a_closed_pipe_is_no_traceback() -> None:
    """``foreman schema | true``: the reader is gone before foreman writes (EPIPE)."""
    out = subprocess.run(
        f"{sys.executable} -m foreman schema | true",
        shell=True,  # a fixed command line, no input in it
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.stderr == ""
