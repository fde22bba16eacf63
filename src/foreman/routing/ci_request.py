"""``/foreman fix`` on a person's pull request: the CI fix a writer asked for (F03).

Without it a failed run on a person's PR is a diagnosis only. With it, from someone with
write access, the newest failed run of the PR's head is read as for any failed run and a
``ci-fix`` task is planned whose fix the gate pushes onto that (same-repository) branch.
REST calls: the runs of the head (1) + jobs (1) + one per failed job read.
"""

from __future__ import annotations

from foreman.config import Config
from foreman.contracts import Note, Plan
from foreman.events.models import RunInfo, WorkItem
from foreman.github.loop_reads import _get, run_jobs
from foreman.github.reads import Reader
from foreman.routing.ci import _task, skip_reason
from foreman.routing.loops import loop_skip
from foreman.routing.outsiders import IsTrusted
from foreman.sanitize import one_line


def _refuse(item: WorkItem, text: str, *, dry_run: bool) -> Plan:
    note = Note(kind="refused", item=item.number, text=text)
    return loop_skip(item, text, dry_run=dry_run, notes=[note])


def fix_request_plan(
    item: WorkItem, config: Config, *, reader: Reader, is_trusted: IsTrusted | None,
    dry_run: bool,
) -> Plan:  # fmt: skip
    pull = item.pull
    assert pull is not None and item.comment is not None
    who = item.comment.author.login
    owner = who.lower() == item.repo.split("/")[0].lower()
    if not owner and (is_trusted is None or not is_trusted(who)):
        text = (
            f"`fix` asked by @{one_line(who, max_chars=40)}, who has no write access here:"
            " nothing is pushed to this branch."
        )
        return _refuse(item, text, dry_run=dry_run)
    if pull.is_fork:
        return _refuse(item, "`fix` on a pull request from a fork: the foreman cannot push"
                       " to a fork's branch.", dry_run=dry_run)  # fmt: skip
    repo = reader.repo()
    data = _get(reader, f"{repo.url}/actions/runs",
                {"head_sha": pull.head_sha, "status": "failure", "per_page": 1}) or {}  # fmt: skip
    runs = [r for r in data.get("workflow_runs") or [] if isinstance(r, dict)]
    if not runs:
        note = Note(kind="info", item=item.number,
                    text=f"`fix`: no failed run for the head {pull.head_sha[:12]}; nothing to"
                    " fix.")  # fmt: skip
        return loop_skip(item, "no failed run", dry_run=dry_run, notes=[note])
    raw = runs[0]
    run = RunInfo(
        id=int(raw["id"]), name=str(raw.get("name") or ""), path=str(raw.get("path") or ""),
        head_sha=str(raw.get("head_sha") or pull.head_sha), head_branch=pull.head_ref,
        conclusion=str(raw.get("conclusion") or ""), event=str(raw.get("event") or ""),
        attempt=int(raw.get("run_attempt") or 1), head_repo=item.repo,
    )  # fmt: skip
    why = skip_reason(item.model_copy(update={"run": run}), config, reader.own_workflow)
    if why is not None:
        return loop_skip(item, why, dry_run=dry_run)
    cfg = config.loops.ci
    jobs = run_jobs(reader, run.id, max_jobs=cfg.max_jobs, max_bytes=cfg.max_log_bytes)
    if not jobs.failed:
        return loop_skip(item, "the run lists no failed job", dry_run=dry_run)
    task = _task(item, config, "ci-fix", run, jobs, 0, dry_run=dry_run)
    task = task.model_copy(update={
        "id": f"pr-{item.number}-ci-fix-{run.id}",
        "item": task.item.model_copy(update={"push_requested": True}),
        "layer": "command",
        "reason": f"`fix` asked by @{one_line(who, max_chars=40)} for CI run {run.id}",
    })  # fmt: skip
    return Plan(
        repo=item.repo, event_name=item.event_name, action=item.action, items=[task.item],
        tasks=[task], dry_run=dry_run,
    )  # fmt: skip
