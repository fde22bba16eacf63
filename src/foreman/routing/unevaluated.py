"""Notes for routing layers that could not be evaluated (U03).

A layer that was skipped for want of something (a token, a usable model file, an API key)
must say so: otherwise the item silently lands with the fallback worker and nobody learns
that a rule or a model never had a say. Each note names the layer, why, and what to do.
"""

from __future__ import annotations

from foreman.contracts import Note

PREFIX = "Not evaluated:"


def path_rules(item: int | None) -> Note:
    return Note(
        kind="info",
        item=item,
        text=f"{PREFIX} routing rules on changed paths (paths_any/paths_all): there is no GitHub"
        " token to list the pull request's files, so those rules did not match. Give the plan"
        " job a token (GITHUB_TOKEN with pull-requests: read).",
    )


def classifier_model(item: int | None, model: str, why: str) -> Note:
    return Note(
        kind="info",
        item=item,
        text=f"{PREFIX} the classifier model {model} ({why}); the shipped model decided instead."
        " Run 'foreman learn' to write it again.",
    )


def llm_router(item: int | None, fallback: str) -> Note:
    return Note(
        kind="info",
        item=item,
        text=f"{PREFIX} the LLM router (ANTHROPIC_API_KEY is not set); the item went to the"
        f" fallback worker {fallback}.",
    )
