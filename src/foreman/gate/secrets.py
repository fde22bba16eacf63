"""Secret scan of what a bundle would publish: added lines, file names and texts.

A hit names the place (file and line, or field) and the kind of secret, never
the value: reports, comments and logs must not become the leak.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from foreman import actions
from foreman.secrets import MIN_ENCODED, SHAPES, spellings_of

_ASSIGNMENT = re.compile(
    r"""(?ix)
    (?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|auth|credential)s?
    ["']?\s*[:=]\s*(?:[a-z]*\()?\s*
    (["'])(?P<value>[^"'\s]{12,})\1
    """
)
_PLACEHOLDER = re.compile(
    r"(?i)^(?:x+|\*+|<.*>|\$\{.*\}|\{\{.*\}\}|%\(.*\)s"
    r"|(?:example|changeme|dummy|fake|test|secret|password)\w*)$"
)
MIN_ENTROPY = 3.5  # bits per character; random keys sit above 4, words well below
MIN_JOB_SECRET = MIN_ENCODED  # shorter env values match too much to be meaningful


@dataclass(frozen=True)
class SecretHit:
    where: str  # "path:line" or a field name
    kind: str

    def __str__(self) -> str:
        return f"{self.kind} at {self.where}"


def entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(c / len(text) * math.log2(c / len(text)) for c in counts.values())


def scan_text(text: str, where: str, job_secrets: Iterable[str] = ()) -> list[SecretHit]:
    """Every secret-looking thing in ``text``, at most one hit per kind."""
    kinds: list[str] = []
    job_secrets = tuple(job_secrets)
    spelled = spellings_of(job_secrets).find(text) if job_secrets else None
    if spelled:
        kinds.append(_job_kind(spelled))
    for kind, pattern in SHAPES:
        if pattern.search(text):
            kinds.append(kind)
    for m in _ASSIGNMENT.finditer(text) if not kinds else ():
        value = m.group("value")
        if not _PLACEHOLDER.match(value) and entropy(value) >= MIN_ENTROPY:
            kinds.append("hard-coded credential")
            break
    return [SecretHit(where, k) for k in dict.fromkeys(kinds)]


def _job_kind(spelled: str) -> str:
    return "a secret of this job" + ("" if spelled == "as written" else f" ({spelled})")


def job_secrets(env: Mapping[str, str] | None = None) -> list[str]:
    """The values this process must never publish (tokens, API keys)."""
    return [s for s in actions.known_secrets(env) if len(s) >= MIN_JOB_SECRET]


def scan_patch(
    added: Mapping[str, list[tuple[int, str]]], job: Iterable[str] = ()
) -> list[SecretHit]:
    """``added``: path -> ``(line, text)`` of added lines. Paths are scanned too, and a
    path that holds a secret is then named by its position only. The job's secrets are
    looked for in each file's added lines taken together (a secret split over lines is found
    too), and only in a file where they are found, line by line, to say where."""
    job = tuple(job)
    hits: list[SecretHit] = []
    for index, (path, lines) in enumerate(added.items(), 1):
        name_hits = scan_text(path, f"the name of file {index}", job)
        shown = f"file {index}" if name_hits else path
        hits += name_hits
        spelled = spellings_of(job).find("\n".join(text for _n, text in lines))
        per_line = job if spelled else ()
        found = [h for n, text in lines for h in scan_text(text, f"{shown}:{n}", per_line)]
        if spelled and not any(h.kind.startswith("a secret of this job") for h in found):
            found.append(SecretHit(f"{shown} (split over its added lines)", _job_kind(spelled)))
        hits += found
    return hits


def scan_fields(fields: Mapping[str, str], job: Iterable[str] = ()) -> list[SecretHit]:
    job = tuple(job)
    hits: list[SecretHit] = []
    for name, text in fields.items():
        if text:
            hits += scan_text(text, name, job)
    return hits
