"""The worker checks its own output for its own secrets before the bundle is written.

Every secret this process holds (the API key, tokens, values registered for
masking, values of secret-named environment variables) is looked for, as
written and in every spelling :mod:`foreman.secrets` knows (base64 at any
offset, base32, hex, URL-encoding, reversed, split over lines), in the patch's
added lines and file names and in every text of the result. Masking the plain
value in logs is not enough: an encoded secret passes a mask, and the gate,
which never held the API key, cannot know what to look for.

A hit fails the run: the patch is dropped, the result's texts are withheld,
and the reason names the place and the spelling, never the value.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from foreman import actions
from foreman.contracts import Result
from foreman.secrets import MIN_ENCODED, Spellings, env_secrets, spellings_of

_HEADER_PREFIXES = (
    "diff --git ",
    "--- ",
    "+++ ",
    "rename from ",
    "rename to ",
    "copy from ",
    "copy to ",
)


def held_secrets(env: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The secrets this process holds, long enough to be looked for in every spelling."""
    env = actions.current().environ if env is None else env
    values = set(actions.known_secrets(env)) | env_secrets(env)
    return tuple(sorted(v for v in values if len(v) >= MIN_ENCODED))


def _patch_parts(patch: str) -> Iterator[tuple[str, str]]:
    """``(place, text)``: the file names of the patch, then each file's added lines (named by
    their file: the names come first, so a name is shown only once it is known to be clean)."""
    names: list[str] = []
    added: dict[str, list[str]] = {}
    path = ""
    for line in patch.splitlines():
        if line.startswith(_HEADER_PREFIXES):
            names.append(line)
            if line.startswith("diff --git "):
                path = line.rpartition(" b/")[2]
        elif line.startswith("+"):
            added.setdefault(path, []).append(line[1:])
    yield "the file names of the patch", "\n".join(names)
    for name, lines in added.items():
        yield f"the added lines of {name}", "\n".join(lines)


def _texts(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, f"{where}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, f"{where}.{key}")


def _result_parts(result: Result) -> Iterator[tuple[str, str]]:
    """Every text of the result the worker produced (the task it was given is left out)."""
    data = result.model_dump(mode="json", exclude={"task"})
    for key, value in data.items():
        yield from _texts(value, f"the result's {key}")


def find_leak(result: Result, patch: str, spelled: Spellings) -> tuple[str, str] | None:
    """``(place, spelling)`` of the first secret in the output, else None."""
    for place, text in (*_patch_parts(patch), *_result_parts(result)):
        kind = spelled.find(text)
        if kind:
            return place, kind
    return None


def check_own_output(result: Result, patch: str, secrets: tuple[str, ...]) -> tuple[Result, str]:
    """``(result, patch)`` unchanged when they hold none of ``secrets``; otherwise a ``failed``
    result without the worker's texts, and no patch."""
    if not secrets:
        return result, patch
    leak = find_leak(result, patch, spellings_of(secrets))
    if leak is None:
        return result, patch
    place, kind = leak
    reason = (
        f"the worker's output holds a secret of this job ({kind}) in {place}: the patch is"
        " dropped and the worker's texts are withheld"
    )
    actions.annotate("error", reason, title="foreman work: secret in the output")
    failed = Result(
        task_id=result.task_id,
        worker=result.worker,
        task=result.task,
        verdict="failed",
        reason=reason,
        base_sha=result.base_sha,
        usage=result.usage,
    )
    return failed, ""
