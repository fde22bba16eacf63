"""The loops' GitHub reads for the plan (never writes), through the plan's :class:`Reader`.

* a failed run: its jobs (1 call for up to 100 jobs), then each failed job's log, the first
  ``max_jobs`` only (1 call each: GitHub answers 302 to a signed URL, downloaded without the
  token and read up to ``max_bytes``, the end of a longer log kept);
* a foreman PR: its commits (1 call per 100), its changed files with patches (1 per 100),
  a review's line comments (1 per 100).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from foreman.github.reads import Reader

DOWNLOAD_TIMEOUT = 30.0
MAX_READ = 200_000_000  # bytes read of one log at most, whatever its length (its end is kept)


@dataclass
class FailedJob:
    id: int
    name: str
    steps: list[str]  # the failed steps' names
    log: bytes = b""
    log_bytes: int = 0  # the whole log's size as read
    note: str = ""  # why there is no log, or that it was cut


@dataclass
class RunJobs:
    failed: list[FailedJob] = field(default_factory=list)
    failed_total: int = 0
    jobs_total: int = 0
    downloads: int = 0


def _get(reader: Reader, url: str, params: dict[str, Any] | None = None) -> Any:
    from foreman.github.client import github_errors

    repo = reader.repo()
    try:
        with github_errors():
            _, data = repo.requester.requestJsonAndCheck("GET", url, parameters=params)
    finally:
        reader.calls += 1
    return data


def run_jobs(reader: Reader, run_id: int, *, max_jobs: int, max_bytes: int) -> RunJobs:
    repo = reader.repo()
    data = _get(reader, f"{repo.url}/actions/runs/{run_id}/jobs", {"per_page": 100})
    jobs = [j for j in (data or {}).get("jobs") or [] if isinstance(j, dict)]
    out = RunJobs(jobs_total=int((data or {}).get("total_count") or len(jobs)))
    failed = [j for j in jobs if j.get("conclusion") in ("failure", "timed_out")]
    out.failed_total = len(failed)
    for job in failed[:max_jobs]:
        steps = [
            str(s.get("name") or "")
            for s in job.get("steps") or []
            if isinstance(s, dict) and s.get("conclusion") in ("failure", "timed_out")
        ]
        fj = FailedJob(int(job["id"]), str(job.get("name") or ""), steps)
        _read_log(reader, fj, max_bytes)
        out.downloads += 1 if fj.log_bytes else 0
        out.failed.append(fj)
    return out


def _read_log(reader: Reader, job: FailedJob, max_bytes: int) -> None:
    import requests

    from foreman.errors import GitHubError
    from foreman.github.client import github_errors

    repo = reader.repo()
    try:
        with github_errors():
            headers, _ = repo.requester.requestBlobAndCheck(
                "GET", f"{repo.url}/actions/jobs/{job.id}/logs"
            )
    except GitHubError as err:
        job.note = f"log not available: {err.message}"
        return
    finally:
        reader.calls += 1
    location = headers.get("location") or headers.get("Location")
    if not location:
        job.note = "log not available: no download address"
        return
    kept = bytearray()
    total = 0
    try:  # the signed URL is the credential: the token is not sent to the storage host
        with requests.get(location, stream=True, timeout=DOWNLOAD_TIMEOUT) as answer:
            answer.raise_for_status()
            for chunk in answer.iter_content(65536):
                total += len(chunk)
                kept += chunk
                if len(kept) > max_bytes:
                    del kept[: len(kept) - max_bytes]
                if total >= MAX_READ:
                    job.note = f"log longer than {MAX_READ} bytes: read up to there"
                    break
    except requests.RequestException as err:
        job.note = f"log not downloaded: {type(err).__name__}"
        return
    job.log, job.log_bytes = bytes(kept), total
    if total > max_bytes and not job.note:
        job.note = f"log of {total} bytes: its last {max_bytes} read"


def pull_commits(reader: Reader, number: int) -> list[tuple[str, str]]:
    """The PR's commits as (sha, message), oldest first (GitHub lists up to 250)."""
    repo = reader.repo()
    out: list[tuple[str, str]] = []
    for page in range(1, 4):
        data = _get(reader, f"{repo.url}/pulls/{number}/commits", {"per_page": 100, "page": page})
        batch = [c for c in data or [] if isinstance(c, dict)]
        out += [
            (str(c.get("sha")), str((c.get("commit") or {}).get("message") or "")) for c in batch
        ]
        if len(batch) < 100:
            break
    return out


def pull_diff(reader: Reader, number: int, max_files: int = 100) -> list[tuple[str, str]]:
    """(path, patch) of the PR's changed files (first ``max_files``)."""
    repo = reader.repo()
    data = _get(reader, f"{repo.url}/pulls/{number}/files", {"per_page": max_files})
    return [
        (str(f.get("filename") or ""), str(f.get("patch") or ""))
        for f in data or []
        if isinstance(f, dict)
    ]


def review_comments(
    reader: Reader, number: int, review_id: int, limit: int
) -> list[dict[str, Any]]:
    repo = reader.repo()
    url = f"{repo.url}/pulls/{number}/reviews/{review_id}/comments"
    data = _get(reader, url, {"per_page": min(100, limit)})
    return [c for c in data or [] if isinstance(c, dict)][:limit]
