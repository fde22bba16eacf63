"""Collect a repository's closed, labelled issues as classifier training rows.

Paginated (100 issues a page), rate-limit aware (stops with a notice when the
remaining budget runs low), pull requests skipped, repository labels mapped
to classifier classes through ``routing.classifier.learn_labels``. An issue
whose labels map to several classes is ambiguous and skipped.

The reader is the GitHub reads adapter (:mod:`foreman.github.reads`, a layer below);
``is_pull_request``, its test of a listed issue, is passed in by the command.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from foreman.classifier.feedback import Feedback
from foreman.classifier.opening import CHECKS, Opening, classes_at_opening
from foreman.config.models import ClassifierConfig
from foreman.errors import NotFoundError
from foreman.github.reads import Reader
from foreman.progress import Report, quiet

RESERVE = 100  # leave this many requests for everything else


@dataclass
class Collected:
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (title, body, class)
    created: list[str] = field(default_factory=list)  # each row's created_at (ISO 8601)
    # Each row's origin: "person" (a person's label), "foreman" (the foreman's, kept
    # ``keep_days``), "correction" (a person's label replacing one the foreman applied).
    origins: list[str] = field(default_factory=list)
    seen: int = 0
    skipped_ambiguous: int = 0
    skipped_unlabelled: int = 0
    stopped_early: str | None = None
    feedback: dict[str, int] = field(default_factory=dict)  # issues the foreman labelled
    opening: Opening = field(default_factory=Opening)  # with feedback: opening labels held?

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for _, _, label in self.rows:
            out[label] = out.get(label, 0) + 1
        return dict(sorted(out.items()))


def collect(
    reader: Reader,
    cfg: ClassifierConfig,
    *,
    max_issues: int,
    is_pull_request: Callable[[Any], bool],
    progress: Report = quiet,
    feedback: Feedback | None = None,
) -> Collected:
    """Closed issues (with ``feedback``: open ones too), newest first; a 404 names the
    repository."""
    from foreman.github.client import github_errors

    mapping = {k.lower(): v for k, v in cfg.learn_labels.items()}
    result = Collected()
    with _named(reader.repo_name), github_errors():
        # With feedback (the learn job): open issues too, the foreman's labels are on them.
        state = "all" if feedback is not None else "closed"
        listing = reader.repo().get_issues(state=state, sort="created", direction="desc")
        for index, issue in enumerate(listing):
            if index % 100 == 0:
                progress(f"reading closed issues: {index} read, {len(result.rows)} labelled")
                reader.calls += 1  # a page of the listing
            remaining = reader.rate_remaining()  # the last response's header: free
            if remaining is not None and remaining < RESERVE:
                result.stopped_early = f"rate limit low ({remaining} requests left)"
                break
            if len(result.rows) >= max_issues:
                break
            result.seen += 1
            if is_pull_request(issue):
                continue
            names = [x.name for x in issue.labels]
            classes = {mapping[x.lower()] for x in names if x.lower() in mapping}
            origin = "person"
            events: list[Any] | None = None
            if feedback is not None and feedback.touched(names):
                # The foreman handled this issue: whose are its class labels now (and did a
                # person take one of the foreman's away)?
                reader.calls += 1
                events = list(issue.get_events())
                origin, classes = feedback.judge(events, mapping, classes)
                if origin:
                    result.feedback[origin] = result.feedback.get(origin, 0) + 1
            if not classes:
                result.skipped_unlabelled += 1
            elif len(classes) > 1:
                result.skipped_ambiguous += 1
            else:
                now = next(iter(classes))
                if feedback is not None and result.opening.checked < CHECKS:
                    # Did it come with a class label, and did that label hold?
                    if events is None:
                        reader.calls += 1
                    opened_with = classes_at_opening(
                        events if events is not None else issue.get_events(),
                        issue.created_at,
                        mapping,
                    )
                    result.opening.add(opened_with, now)
                result.rows.append((issue.title or "", issue.body or "", classes.pop()))
                result.created.append(_iso(issue.created_at))
                result.origins.append(origin)
    return result


@contextmanager
def _named(repo_name: str) -> Iterator[None]:
    """A 404 names the repository: missing, or not readable with this token (GitHub answers
    404 for a private repository it will not show)."""
    try:
        yield
    except NotFoundError as err:
        raise NotFoundError(
            f"repository {repo_name} was not found, or this token cannot read it"
            f" ({err.message}): check --repo / GITHUB_REPOSITORY and the token's access"
        ) from None


def _iso(value: object) -> str:
    iso = getattr(value, "isoformat", None)
    return str(iso() if iso is not None else value or "")
