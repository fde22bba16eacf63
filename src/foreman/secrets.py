"""What the foreman knows about secrets, in one place.

* which environment variables hold secrets (:data:`SECRET_ENV_NAMES`, :func:`looks_secret`);
* the published shapes of tokens and keys (:data:`TOKEN_SHAPES`), found even when the value
  was never given to us;
* the spellings a known secret can take when someone tries to smuggle it past a plain
  string search (:func:`spellings`): reversed, base64 (standard and URL-safe, with or
  without padding, at any byte offset inside a longer blob), base32, hex, URL-encoding, and
  those of the reversed secret, each also reversed. :class:`Spellings` finds them in a text
  and in a copy with all whitespace taken out (a secret split over lines).

Log redaction (:mod:`foreman.actions`), the worker's check of its own output
(:mod:`foreman.workers.own_secrets`), the gate's scan (:mod:`foreman.gate.secrets`) and the
environment filter for commands (:mod:`foreman.workers.sandbox`) all read this module.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

# Names whose values are secrets wherever they appear.
SECRET_ENV_NAMES = (
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "INPUT_GITHUB-TOKEN",
    "INPUT_TOKEN",
    "FOREMAN_GITHUB_TOKEN",
    "ANTHROPIC_API_KEY",
    "FOREMAN_ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
    "ACTIONS_RUNTIME_TOKEN",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    # llm.provider's credentials (aws-actions/configure-aws-credentials,
    # google-github-actions/auth, a Bedrock or Foundry API key)
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_BEARER_TOKEN_BEDROCK",
    "GOOGLE_OAUTH_ACCESS_TOKEN",
    "CLOUDSDK_AUTH_ACCESS_TOKEN",
    "ANTHROPIC_FOUNDRY_API_KEY",
)
# Variables naming a file of credentials: the path is no secret, what the file holds is.
CREDENTIAL_FILES = (
    "GOOGLE_APPLICATION_CREDENTIALS",
    "CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE",
    "GOOGLE_GHA_CREDS_PATH",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
)
# Not secrets themselves, but handles to one (an agent socket, a password helper, a file).
CREDENTIAL_HANDLES = ("SSH_AUTH_SOCK", "GIT_ASKPASS", "SSH_ASKPASS", *CREDENTIAL_FILES)
MAX_CREDENTIAL_FILE = 64 * 1024
_SECRET_NAME = re.compile(r"TOKEN|SECRET|KEY|PASSWORD|PASSWD|CREDENTIAL|PRIVATE", re.IGNORECASE)

# (kind, pattern). Shapes published by the issuers; lengths kept loose on purpose. The tokens
# this project handles are masked in every log line and bundle; the gate refuses all of them.
TOKEN_SHAPES: tuple[tuple[str, str], ...] = (
    ("GitHub token", r"gh[pousr]_[A-Za-z0-9]{20,}"),
    ("GitHub fine-grained token", r"github_pat_[A-Za-z0-9_]{20,}"),
    ("Anthropic API key", r"sk-ant-[A-Za-z0-9_\-]{16,}"),
)
OTHER_SHAPES: tuple[tuple[str, str], ...] = (
    ("AWS access key id", r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b"),
    ("Slack token", r"xox[abposr]-[A-Za-z0-9\-]{10,}"),
    ("Slack webhook", r"https://hooks\.slack\.com/services/[A-Za-z0-9/_\-]{20,}"),
    ("private key", r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"),
)
ANY_TOKEN = re.compile("|".join(f"(?:{pattern})" for _kind, pattern in TOKEN_SHAPES))
SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern)) for kind, pattern in (*TOKEN_SHAPES, *OTHER_SHAPES)
)
# A known secret shorter than this is only matched as written, never in an encoding: a short
# value's encodings are short enough to turn up in ordinary text by chance.
MIN_ENCODED = 8


def looks_secret(name: str) -> bool:
    """Whether an environment variable's name says its value is a credential."""
    return name in SECRET_ENV_NAMES or name in CREDENTIAL_HANDLES or bool(_SECRET_NAME.search(name))


def env_secrets(env: Mapping[str, str], min_length: int = MIN_ENCODED) -> set[str]:
    """The values of ``env`` that are secrets by their variable's name (a handle such as
    ``SSH_AUTH_SOCK`` is kept from commands, but its value, a path, is no secret)."""
    return {
        value
        for name, value in env.items()
        if looks_secret(name) and name not in CREDENTIAL_HANDLES and len(value) >= min_length
    }


def credential_file_secrets(env: Mapping[str, str]) -> set[str]:
    """What the credential files ``env`` names hold: the whole text, and in a JSON file every
    string under a key that names a credential (a private key, a refresh token, ...)."""
    found: set[str] = set()
    for name in CREDENTIAL_FILES:
        path = env.get(name, "")
        if path:
            found |= _file_secrets(path)
    return found


def _file_secrets(path: str) -> set[str]:
    from pathlib import Path

    try:
        stat = Path(path).stat()
    except OSError:
        return set()
    if stat.st_size > MAX_CREDENTIAL_FILE:
        return set()
    return set(_read_file_secrets(path, stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=16)
def _read_file_secrets(path: str, _mtime: int, _size: int) -> tuple[str, ...]:
    import json

    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read(MAX_CREDENTIAL_FILE)
    except OSError:
        return ()
    found = {text.strip()} if len(text.strip()) >= MIN_ENCODED else set()
    try:
        data = json.loads(text)
    except ValueError:
        return tuple(found)
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, str) and _SECRET_NAME.search(str(key)):
                    found |= {value, *value.splitlines()} - {""}
                elif isinstance(value, dict | list):
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
    return tuple(s for s in found if len(s.strip()) >= MIN_ENCODED and not s.startswith("-----"))


def _cores(data: bytes, group: int, bits: int, encode: Callable[[bytes], bytes]) -> list[str]:
    """The part of ``encode(prefix + data)`` that depends on ``data`` alone, for every prefix
    length modulo ``group``: found inside the encoding of any blob that holds ``data``."""
    cores = []
    for offset in range(group):
        text = encode(b"\0" * offset + data).decode("ascii").rstrip("=")
        start = -(-8 * offset // bits)  # ceil: the first character with no prefix bits
        end = 8 * (offset + len(data)) // bits  # the last character with no suffix bits
        cores.append(text[start:end])
    return cores


@dataclass(frozen=True)
class Spelling:
    kind: str  # "as written", "base64", "reversed, hex", …
    text: str
    fold: str  # "" exact, "lower" or "upper": compared with a text folded that way


def spellings(secret: str) -> list[Spelling]:
    """Every spelling of ``secret`` searched for (just the secret when it is short)."""
    if len(secret) < MIN_ENCODED:
        return [Spelling("as written", secret, "")]
    from urllib.parse import quote  # here: most processes never encode a secret

    found: list[Spelling] = []
    for prefix, value in (("", secret), ("reversed, ", secret[::-1])):
        data = value.encode("utf-8", "surrogatepass")
        forms = [Spelling(prefix + "as written", value, "")] if prefix else []
        forms += [Spelling(prefix + "base64", c, "") for c in _cores(data, 3, 6, base64.b64encode)]
        forms += [
            Spelling(prefix + "URL-safe base64", c, "")
            for c in _cores(data, 3, 6, base64.urlsafe_b64encode)
        ]
        forms += [
            Spelling(prefix + "base32", c, "upper") for c in _cores(data, 5, 5, base64.b32encode)
        ]
        forms.append(Spelling(prefix + "hex", data.hex(), "lower"))
        forms.append(Spelling(prefix + "URL-encoded", quote(value, safe=""), ""))
        forms.append(
            Spelling(prefix + "percent-encoded", "".join(f"%{b:02x}" for b in data), "lower")
        )
        found += forms
        found += [Spelling(f"{f.kind}, reversed", f.text[::-1], f.fold) for f in forms]
    unique = {(s.text, s.fold): s for s in reversed(found) if len(s.text) >= MIN_ENCODED}
    unique.pop((secret, ""), None)  # URL-encoding leaves most tokens as they are
    return [Spelling("as written", secret, ""), *unique.values()]


class Spellings:
    """All spellings of a set of secrets, ready to search texts with."""

    def __init__(self, secrets: Iterable[str]) -> None:
        self.secrets = tuple(sorted({s for s in secrets if s}, key=len, reverse=True))
        self.forms = [s for secret in self.secrets for s in spellings(secret)]
        self._longest_first = sorted(self.forms, key=lambda f: len(f.text), reverse=True)

    def find(self, text: str) -> str | None:
        """How a secret is spelled in ``text`` (or in it with whitespace removed), else None."""
        if not self.forms:
            return None
        squeezed = "".join(text.split())
        for haystack, note in ((text, ""), (squeezed, ", split over lines")):
            folded = {"": haystack, "lower": haystack.lower(), "upper": haystack.upper()}
            for form in self.forms:
                if form.text in folded[form.fold]:
                    return form.kind + note
            if squeezed == text:
                break
        return None

    def redact(self, text: str, mask: str = "***") -> str:
        """``text`` with every spelling written exactly as known (case included) masked."""
        for form in self._longest_first:
            if form.text in text:
                text = text.replace(form.text, mask)
            if form.fold == "lower" and form.text.upper() in text:
                text = text.replace(form.text.upper(), mask)
        return text


@lru_cache(maxsize=8)
def spellings_of(secrets: tuple[str, ...]) -> Spellings:
    """:class:`Spellings` for ``secrets``, kept for the next call with the same ones."""
    return Spellings(secrets)
