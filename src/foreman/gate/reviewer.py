"""The gate's own reviewer: the isolated, tool-less reviewer on the exact patch it writes.

The gate job runs no repository code, so its review cannot be rewritten by the
code under review (a worker's own review can: S08). One call per bundle that
needs a review, with the ``review`` worker's model and prompt; the client is
made on first use (no key: no review, and nothing is merged).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from foreman.config.models import Config
from foreman.config.workers import worker_spec
from foreman.contracts import ReviewVerdict
from foreman.errors import ForemanError
from foreman.gate.bundles import Bundle
from foreman.gate.checks.context import Reviewer

if TYPE_CHECKING:
    from foreman.llm.client import Client


def make_reviewer(config: Config, env: Mapping[str, str]) -> Reviewer:
    """The reviewer through ``config.llm.provider``, credentials from ``env``."""
    from foreman.llm.provider import LLMAccess

    spec = worker_spec(config, "review")
    access = LLMAccess(config.llm, env)
    client: list[Client] = []

    def review(b: Bundle) -> tuple[ReviewVerdict | None, str]:
        why = access.missing()
        if why is not None:
            return None, f"{why} in the gate job"
        from foreman.llm.review import REVIEW_JOB, DiffTooLong, review_diff

        try:
            if not client:
                client.append(access.client())
            verdict, _usage = review_diff(
                client[0],
                model=access.model(spec.model),
                job=spec.prompt.strip() if spec.prompt else REVIEW_JOB,
                brief=b.task.brief,
                diff=b.patch,
                max_tokens=min(4096, spec.max_tokens),
                whole=True,
            )
        except DiffTooLong as err:
            return None, str(err)
        except ForemanError as err:
            return None, f"{err.title}: {err.message}"
        return verdict, ""

    return review
