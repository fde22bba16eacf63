"""Seed and inspect API for the loops: workflow runs with jobs and logs, reviews with comments."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .serialize_pulls import head_sha
from .state import Repo, Review, State
from .state_loops import Job, ReviewComment, Step, WorkflowRun


@dataclass
class JobSeed:
    """A job to seed: its steps as ``(name, conclusion)`` and its whole log."""

    name: str
    conclusion: str | None = "failure"
    steps: Sequence[tuple[str, str | None]] = (("Run tests", "failure"),)
    log: str | bytes = ""
    extra: dict[str, str] = field(default_factory=dict)


class SeedLoopsMixin:
    state: State
    _lock: threading.RLock

    def _repo(self, full_name: str) -> Repo:  # pragma: no cover - SeedMixin's
        raise NotImplementedError

    def add_workflow_run(
        self,
        repo: str,
        *,
        name: str = "ci",
        path: str = ".github/workflows/ci.yml",
        head_sha: str,
        head_branch: str | None = "main",
        event: str = "push",
        conclusion: str | None = "failure",
        jobs: Iterable[JobSeed] = (),
        pull_requests: Iterable[int] = (),
        actor: str = "alice",
        run_attempt: int = 1,
    ) -> int:
        with self._lock:
            r = self._repo(repo)
            run = WorkflowRun(
                self.state.new_id(), name, path, head_sha, head_branch, event, conclusion,
                run_number=len(r.runs) + 1, run_attempt=run_attempt, actor=actor,
                pull_requests=list(pull_requests),
            )  # fmt: skip
            for seed in jobs:
                steps = [Step(n, c, i + 1) for i, (n, c) in enumerate(seed.steps)]
                log = seed.log.encode() if isinstance(seed.log, str) else seed.log
                job = Job(self.state.new_id(), run.id, seed.name, seed.conclusion, steps, log)
                r.jobs[job.id] = job
                run.jobs.append(job.id)
            r.runs[run.id] = run
            return run.id

    def add_review(
        self,
        repo: str,
        number: int,
        *,
        user: str = "maint",
        state: str = "CHANGES_REQUESTED",
        body: str = "",
        comments: Iterable[tuple[str, int | None, str]] = (),
    ) -> tuple[int, list[int]]:
        """A submitted review and its line comments ``(path, line, body)``: (review id, ids)."""
        with self._lock:
            r = self._repo(repo)
            pull = r.issues[number].pull
            assert pull is not None
            sha = head_sha(self.state, r, pull)
            review = Review(self.state.new_id(), user, body, state, sha)
            pull.reviews.append(review)
            ids = []
            for path, line, text in comments:
                c = ReviewComment(
                    self.state.new_id(), number, user, text, path, line, sha, review.id
                )
                r.review_comments[c.id] = c
                ids.append(c.id)
            return review.id, ids

    def review_comments(self, repo: str, number: int) -> list[ReviewComment]:
        with self._lock:
            found = self._repo(repo).review_comments.values()
            return sorted((c for c in found if c.pull_number == number), key=lambda c: c.id)
