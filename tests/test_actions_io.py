from __future__ import annotations

from pathlib import Path

import pytest

from foreman import actions


def test_outputs_multiline_with_random_delimiter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    monkeypatch.setenv("GITHUB_OUTPUT", str(out))
    actions.set_output("plan", "line1\nline2\nghadelimiter_x")
    actions.set_output("count", "2")
    text = out.read_text()
    first = text.splitlines()[0]
    assert first.startswith("plan<<ghadelimiter_")
    delim = first.split("<<", 1)[1]
    assert f"line1\nline2\nghadelimiter_x\n{delim}\n" in text
    assert "count<<" in text


@pytest.mark.parametrize("output", [None, ""])
def test_outputs_ignored_outside_actions(
    output: str | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """No GITHUB_OUTPUT (unset or empty): no error, no file anywhere, nothing printed."""
    monkeypatch.chdir(tmp_path)
    if output is not None:
        monkeypatch.setenv("GITHUB_OUTPUT", output)
    actions.set_output("x", "y")
    actions.set_output("plan", "line1\nline2", env={})
    assert list(tmp_path.iterdir()) == []  # no default file (./GITHUB_OUTPUT, ./out, ...)
    assert capsys.readouterr() == ("", "")  # no `::set-output` fallback on stdout or stderr


def test_annotations_escape_and_locate(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    actions.annotate("error", "bad\nthing 100%", file="a,b:c.yml", line=3, title="t")
    assert (
        capsys.readouterr().out == "::error file=a%2Cb%3Ac.yml,line=3,title=t::bad%0Athing 100%25\n"
    )


def test_annotations_plain_outside_actions(capsys: pytest.CaptureFixture[str]) -> None:
    actions.annotate("warning", "careful", file="x.yml", line=2)
    assert capsys.readouterr().err == "warning: x.yml:2: careful\n"


def test_group_and_mask(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    with actions.group("Routing"):
        actions.info("inside")
    actions.register_secret("s3cr3t-value-for-mask")
    out = capsys.readouterr().out
    assert out.startswith("::group::Routing\ninside\n::endgroup::\n")
    assert "::add-mask::s3cr3t-value-for-mask" in out


def test_redaction_of_env_secrets_and_token_shapes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "fake-token-abcdef-123456")
    text = "tok fake-token-abcdef-123456 and ghp_" + "a" * 36 + " and sk-ant-" + "b" * 30
    red = actions.redact(text)
    assert "fake-token" not in red and "ghp_" not in red and "sk-ant-" not in red
    assert red.count("***") == 3


def test_summary_appends_and_redacts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(path))
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-canary-0123456789")
    assert actions.add_summary("# one sk-test-canary-0123456789")
    assert actions.add_summary("two")
    assert path.read_text() == "# one ***\n\ntwo\n\n"


def test_md_escape_neutralises_table_and_html() -> None:
    assert actions.md_escape("a|b\n<img>`x`") == "a\\|b \\<img\\>\\`x\\`"


def test_H01_a_log_line_with_a_newline_cannot_start_a_workflow_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A worker's reason or an input may hold a newline: in Actions the line stays one line."""
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    actions.info("worker docs: failed: done\n::error::injected\r\n::add-mask::x")
    out = capsys.readouterr().out
    assert out == "worker docs: failed: done\\n::error::injected\\r\\n::add-mask::x\n"
    assert not any(line.startswith("::") for line in out.splitlines())


def test_H01_a_traceback_is_fenced_from_workflow_commands(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    actions.log_block("Traceback (most recent call last):\nValueError: x\n::error::injected\n")
    lines = capsys.readouterr().err.splitlines()
    token = lines[0].removeprefix("::stop-commands::")
    assert len(token) == 32 and lines[-1] == f"::{token}::"
    assert lines[1:-1] == [
        "Traceback (most recent call last):",
        "ValueError: x",
        "::error::injected",
    ]


def test_a_lone_surrogate_in_a_message_or_summary_is_written_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file name's undecodable byte (caf\\xe9.yml arrives as 'caf\\udce9.yml')."""
    summary = tmp_path / "summary.md"
    output = tmp_path / "output"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    actions.annotate("error", "caf\udce9.yml: config file not found")
    assert actions.add_summary("`caf\udce9.yml`")
    actions.set_output("plan", "caf\udce9")
    assert "caf\\udce9.yml: config file not found" in capsys.readouterr().out
    assert summary.read_text(encoding="utf-8") == "`caf\\udce9.yml`\n\n"
    assert "caf\\udce9" in output.read_text(encoding="utf-8")
