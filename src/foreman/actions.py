"""Runner I/O: step outputs, step summary, annotations, log groups, masking.

Inside GitHub Actions (``GITHUB_ACTIONS=true``) this speaks the workflow-command
protocol; outside it prints plain, readable text so the same code paths work
on a laptop. Every string that leaves the process passes :func:`redact`.

The runner's files and flags come from the :class:`~foreman.settings.Settings` the command
layer built (:func:`using`, for the length of a command); code that calls this module outside
a command (the action's run script, a test) gets settings read from the environment at the
call (:func:`current`).
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Literal, TextIO

from foreman.secrets import ANY_TOKEN, SECRET_ENV_NAMES, credential_file_secrets, spellings_of
from foreman.settings import Settings

Level = Literal["error", "warning", "notice"]

_extra_secrets: set[str] = set()
_settings: list[Settings] = []  # the command's settings while it runs (see ``using``)


@contextmanager
def using(settings: Settings) -> Iterator[None]:
    """Speak to the runner as ``settings`` say for the length of the block (a command)."""
    _settings.append(settings)
    try:
        yield
    finally:
        _settings.pop()


def current() -> Settings:
    """The running command's settings; outside one, the environment's as it is now."""
    return _settings[-1] if _settings else Settings.from_env()


def _environ(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return env if env is not None else current().environ


def in_actions(env: Mapping[str, str] | None = None) -> bool:
    if env is not None:
        return env.get("GITHUB_ACTIONS") == "true"
    return current().runner.in_actions


def register_secret(value: str | None) -> None:
    """Remember a secret for redaction and ask the runner to mask it."""
    if not value or len(value) < 4:
        return
    if value not in _extra_secrets:
        _extra_secrets.add(value)
        if in_actions():
            _emit(f"::add-mask::{_escape_data(value)}")


def known_secrets(env: Mapping[str, str] | None = None) -> list[str]:
    env = _environ(env)
    values = {env[n] for n in SECRET_ENV_NAMES if env.get(n)}
    values |= credential_file_secrets(env)
    values |= _extra_secrets
    return sorted((v for v in values if len(v) >= 4), key=len, reverse=True)


def redact(text: str, env: Mapping[str, str] | None = None) -> str:
    """``text`` with every known secret masked, as written and in the encodings
    :mod:`foreman.secrets` knows, and anything shaped like a token."""
    text = spellings_of(tuple(known_secrets(env))).redact(text)
    return ANY_TOKEN.sub("***", text)


def _emit(line: str, stream: TextIO | None = None) -> None:
    out = stream or sys.stdout
    out.write(_writable(line) + "\n")
    out.flush()


def _writable(text: str) -> str:
    """``text`` with lone surrogates (an undecodable byte of a file name, say) spelled out as
    ``\\udcxx``: UTF-8 cannot hold them, and a log line or summary must not fail for one."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotate(
    level: Level,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    title: str | None = None,
) -> None:
    """``::error file=…,line=…::message`` in Actions; ``error: file:line: message`` outside."""
    message = redact(message)
    if in_actions():
        props = []
        if file:
            props.append(f"file={_escape_property(file)}")
        if line is not None:
            props.append(f"line={line}")
        if title:
            props.append(f"title={_escape_property(title)}")
        head = f"::{level} {','.join(props)}::" if props else f"::{level}::"
        _emit(head + _escape_data(message))
    else:
        where = file or ""
        if file and line is not None:
            where = f"{file}:{line}"
        prefix = f"{level}: {where}: " if where else f"{level}: "
        _emit(prefix + message, sys.stderr)


def info(message: str) -> None:
    """A plain log line (stderr outside Actions so stdout stays machine-readable). In Actions
    it stays one line: a newline in it (from an input, a path) could start a line the runner
    reads as a workflow command (``::error::…``)."""
    if in_actions():
        _emit(redact(message).replace("\r", "\\r").replace("\n", "\\n"))
    else:
        _emit(redact(message), sys.stderr)


def log_block(text: str) -> None:
    """Print text that may hold anything (a traceback quoting an issue or a model's words) to
    stderr. In Actions it is fenced by ``::stop-commands::``, so no line of it runs as a
    workflow command."""
    text = redact(text).rstrip("\n")
    if in_actions():
        token = secrets.token_hex(16)
        _emit(f"::stop-commands::{token}", sys.stderr)
        _emit(text, sys.stderr)
        _emit(f"::{token}::", sys.stderr)
    else:
        _emit(text, sys.stderr)


@contextmanager
def group(title: str) -> Iterator[None]:
    if in_actions():
        _emit(f"::group::{_escape_data(redact(title))}")
        try:
            yield
        finally:
            _emit("::endgroup::")
    else:
        info(f"== {title}")
        yield


def set_output(name: str, value: str, env: Mapping[str, str] | None = None) -> None:
    """Write a step output with a random heredoc delimiter (multi-line safe)."""
    path = env.get("GITHUB_OUTPUT") if env is not None else current().runner.output
    if not path:
        return
    value = redact(value, env)
    delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
    while delimiter in value:  # pragma: no cover - astronomically unlikely
        delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
    with Path(path).open("a", encoding="utf-8", errors="backslashreplace") as fh:
        fh.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")


def add_summary(markdown: str, env: Mapping[str, str] | None = None) -> bool:
    """Append to the step summary. Returns False when there is none (not in Actions)."""
    path = env.get("GITHUB_STEP_SUMMARY") if env is not None else current().runner.step_summary
    if not path:
        return False
    with Path(path).open("a", encoding="utf-8", errors="backslashreplace") as fh:
        fh.write(redact(markdown, env).rstrip("\n") + "\n\n")
    return True


def md_escape(text: str) -> str:
    """Make untrusted text safe inside a markdown table cell (never inside a code span: use
    :func:`foreman.mdtext.code` there)."""
    from foreman.mdtext import text as md_text

    return md_text(text)
