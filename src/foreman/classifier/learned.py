"""The learn job's model, restored from the Actions cache: used only when it is this
repository's and readable; otherwise the plan routes with the shipped model and says why.

What keeps a model written from a pull request's scope out of the plan is the cache's
scope, not this file: a cache saved by a run on a pull request's ref is visible to that
ref only, never to the default branch's runs, and the workflow saves the model only in
the learn job, which runs on the default branch (schedule or workflow_dispatch). The
metadata checks here catch the honest mistakes: a model for another repository (a cache
key shared across forks or copied workflows), or one an older release wrote.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from foreman import actions
from foreman.classifier.model import IssueModel, ModelError, load


def describe(meta: dict[str, Any]) -> str:
    when = str(meta.get("learned_at", ""))[:10]
    if meta.get("shipped"):  # the learn job's copy, for its opening-label counts
        return f"the shipped model (with {meta.get('repository')}'s opening-label counts of {when})"
    rows = int(meta.get("own_rows", 0) or 0) + int(meta.get("extra_rows", 0) or 0)
    return f"the model learned for {meta.get('repository')} on {when} from {rows} issues"


def shipped_fingerprint() -> str:
    """The shipped model file's SHA-256: a copy the learn job made of it (for its
    opening-label counts) is used only with the release that shipped it."""
    from foreman.classifier.model import SHIPPED

    return hashlib.sha256(Path(__file__).with_name(SHIPPED).read_bytes()).hexdigest()


def load_learned(path: Path, repo: str) -> tuple[IssueModel, str] | None:
    """The learned model and its name (:func:`describe`), or ``None`` (with a notice or
    warning) when there is none or it cannot be used."""
    if not path.is_file():
        actions.annotate(
            "notice", "no learned model in the Actions cache yet: the shipped model routes"
        )
        return None
    try:
        model = load(path)
    except ModelError as err:
        actions.annotate(
            "warning",
            f"the learned model is not usable ({err.message}): the shipped model routes until"
            " the learn job runs again",
        )
        return None
    learned_for = str(model.meta.get("repository", ""))
    if not repo or learned_for.lower() != repo.lower():
        actions.annotate(
            "warning",
            f"the learned model is for {learned_for[:100]!r}, not {repo!r}: the shipped model"
            " routes",
        )
        return None
    if model.meta.get("shipped") and model.meta.get("shipped_sha256") != shipped_fingerprint():
        actions.annotate(
            "notice",
            "the learn job's copy of the shipped model (kept for its opening-label counts) is"
            " another release's: the shipped model routes until the learn job runs again",
        )
        return None
    return model, describe(model.meta)
