"""Actions: workflow runs, their jobs, and job logs (a 302 to a signed URL served here too)."""

from __future__ import annotations

import secrets
from typing import Any

from .routing import Paged, Request, Response, ok, route
from .serialize import repo_json, user_json
from .state import ApiError, Repo, State
from .state_loops import Job, WorkflowRun

R = "/repos/{owner}/{repo}"
LOG_PATH = "/_fake/job-logs/{key}"  # GitHub answers with a signed URL on another host


def find_run(req: Request, repo: Repo) -> WorkflowRun:
    run = repo.runs.get(req.int_param("run_id"))
    if run is None:
        raise ApiError(404, "Not Found")
    assert isinstance(run, WorkflowRun)
    return run


def find_job(req: Request, repo: Repo) -> Job:
    job = repo.jobs.get(req.int_param("job_id"))
    if job is None:
        raise ApiError(404, "Not Found")
    assert isinstance(job, Job)
    return job


def _minimal_repo(base: str, state: State, repo: Repo) -> dict[str, Any]:
    full = repo_json(base, state, repo)
    keep = {k for k in full if k.endswith("_url")} | {
        "id", "node_id", "name", "full_name", "owner", "private", "html_url", "description",
        "fork", "url",
    }  # fmt: skip
    return {k: v for k, v in full.items() if k in keep}


def run_json(base: str, state: State, repo: Repo, run: WorkflowRun) -> dict[str, Any]:
    u = f"{base}/repos/{repo.full_name}/actions/runs/{run.id}"
    pulls = []
    for number in run.pull_requests:
        issue = repo.issues.get(number)
        if issue is None or issue.pull is None:
            continue
        p = issue.pull
        pulls.append(
            {
                "id": issue.id,
                "number": number,
                "url": f"{base}/repos/{repo.full_name}/pulls/{number}",
                "head": {"ref": p.head_ref, "sha": p.head_sha, "repo": _ref_repo(base, repo)},
                "base": {"ref": p.base_ref, "sha": p.base_sha, "repo": _ref_repo(base, repo)},
            }
        )
    minimal = _minimal_repo(base, state, repo)
    return {
        "id": run.id,
        "name": run.name,
        "node_id": f"WFR_{run.id}",
        "head_branch": run.head_branch,
        "head_sha": run.head_sha,
        "path": run.path,
        "display_title": run.name,
        "run_number": run.run_number,
        "run_attempt": run.run_attempt,
        "event": run.event,
        "status": run.status,
        "conclusion": run.conclusion,
        "workflow_id": abs(hash(run.path)) % 10_000_000,
        "url": u,
        "html_url": f"{base}/{repo.full_name}/actions/runs/{run.id}",
        "pull_requests": pulls,
        "created_at": run.created_at,
        "updated_at": run.created_at,
        "actor": user_json(base, state, run.actor),
        "triggering_actor": user_json(base, state, run.actor),
        "jobs_url": f"{u}/jobs",
        "logs_url": f"{u}/logs",
        "check_suite_url": f"{base}/repos/{repo.full_name}/check-suites/{run.id}",
        "artifacts_url": f"{u}/artifacts",
        "cancel_url": f"{u}/cancel",
        "rerun_url": f"{u}/rerun",
        "workflow_url": f"{base}/repos/{repo.full_name}/actions/workflows/{run.path}",
        "head_commit": None,
        "repository": minimal,
        "head_repository": minimal,
    }


def _ref_repo(base: str, repo: Repo) -> dict[str, Any]:
    return {"id": repo.id, "url": f"{base}/repos/{repo.full_name}", "name": repo.name}


def job_json(base: str, repo: Repo, run: WorkflowRun, job: Job) -> dict[str, Any]:
    r = f"{base}/repos/{repo.full_name}"
    done = job.status == "completed"
    return {
        "id": job.id,
        "run_id": run.id,
        "run_url": f"{r}/actions/runs/{run.id}",
        "run_attempt": run.run_attempt,
        "node_id": f"CR_{job.id}",
        "head_sha": run.head_sha,
        "url": f"{r}/actions/jobs/{job.id}",
        "html_url": f"{base}/{repo.full_name}/actions/runs/{run.id}/job/{job.id}",
        "status": job.status,
        "conclusion": job.conclusion if done else None,
        "created_at": run.created_at,
        "started_at": run.created_at,
        "completed_at": run.created_at if done else None,
        "name": job.name,
        "steps": [
            {
                "name": s.name,
                "status": "completed",
                "conclusion": s.conclusion,
                "number": s.number,
                "started_at": run.created_at,
                "completed_at": run.created_at,
            }
            for s in job.steps
        ],
        "check_run_url": f"{r}/check-runs/{job.id}",
        "labels": ["ubuntu-latest"],
        "runner_id": 1,
        "runner_name": "GitHub Actions 1",
        "runner_group_id": 1,
        "runner_group_name": "GitHub Actions",
        "workflow_name": run.name,
        "head_branch": run.head_branch,
    }


@route("GET", R + "/actions/runs", "actions/list-workflow-runs-for-repo")
def list_runs(req: Request) -> Paged:
    repo = req.repo()
    runs = sorted(repo.runs.values(), key=lambda r: r.id, reverse=True)
    wanted = {k: req.query[k] for k in ("head_sha", "event", "branch") if k in req.query}
    status = req.query.get("status")  # a status or a conclusion (GitHub takes either)
    out = [
        run_json(req.base, req.state, repo, r)
        for r in runs
        if all(
            {"head_sha": r.head_sha, "event": r.event, "branch": r.head_branch}[k] == v
            for k, v in wanted.items()
        )
        and status in (None, r.status, r.conclusion)
    ]
    return Paged(out, key="workflow_runs")


@route("GET", R + "/actions/runs/{run_id}", "actions/get-workflow-run")
def get_run(req: Request) -> Response:
    repo = req.repo()
    return ok(run_json(req.base, req.state, repo, find_run(req, repo)))


def _jobs(req: Request) -> Paged:
    repo = req.repo()
    run = find_run(req, repo)
    jobs = [repo.jobs[j] for j in run.jobs]
    keep = req.query.get("filter", "latest")
    if keep not in ("latest", "all"):
        raise ApiError(422, "Invalid filter")
    return Paged([job_json(req.base, repo, run, j) for j in jobs], key="jobs")


@route("GET", R + "/actions/runs/{run_id}/jobs", "actions/list-jobs-for-workflow-run")
def list_jobs(req: Request) -> Paged:
    return _jobs(req)


@route(
    "GET",
    R + "/actions/runs/{run_id}/attempts/{attempt_number}/jobs",
    "actions/list-jobs-for-workflow-run-attempt",
)
def list_attempt_jobs(req: Request) -> Paged:
    repo = req.repo()
    if req.int_param("attempt_number") != find_run(req, repo).run_attempt:
        raise ApiError(404, "Not Found")
    return _jobs(req)


@route("GET", R + "/actions/jobs/{job_id}", "actions/get-job-for-workflow-run")
def get_job(req: Request) -> Response:
    repo = req.repo()
    job = find_job(req, repo)
    return ok(job_json(req.base, repo, repo.runs[job.run_id], job))


@route("GET", R + "/actions/jobs/{job_id}/logs", "actions/download-job-logs-for-workflow-run")
def job_logs(req: Request) -> Response:
    """302 to a short-lived signed URL (GitHub: about a minute); no JSON body."""
    repo = req.repo()
    job = find_job(req, repo)
    key = f"{repo.id}-{job.id}-{secrets.token_urlsafe(16)}"
    repo.log_keys[key] = job.id
    return Response(302, None, {"Location": req.base + LOG_PATH.replace("{key}", key)})


@route("GET", LOG_PATH, "fake/job-log-blob", public=True)
def job_log_blob(req: Request) -> Response:
    """The redirect target: plain text, no token needed, each URL usable once."""
    key = req.params["key"]
    repo_id = key.split("-", 1)[0]
    for repo in req.state.repos.values():
        if str(repo.id) == repo_id and key in repo.log_keys:
            job = repo.jobs[repo.log_keys.pop(key)]
            return Response(200, bytes(job.log))
    raise ApiError(404, "Not Found")
