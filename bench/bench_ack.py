"""The ack job (U01): GitHub REST calls per event, counted by FakeGitHub.

``foreman ack`` runs in this process against FakeGitHub, from a plan made by ``foreman plan``
(rules only), as the ack job runs it: an issue event, a ``/foreman`` comment, and a re-run of
the issue event (the comment is found and left as it is).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.bench_table import Section, count
from foreman.cli import main
from tests.fakes.github.server import FakeGitHub

ACK_GOAL = 3  # REST calls per event
REPO = "octo/demo"
EVENTS = Path(__file__).resolve().parents[1] / "workflows-examples" / "events"
CONFIG = "routing:\n  rules:\n    - if: {event: [issues]}\n      worker: triage\n"


@contextmanager
def _env(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _plan(work: Path, event: dict[str, object], name: str) -> Path:
    (work / ".github").mkdir(parents=True, exist_ok=True)
    (work / ".github" / "foreman.yml").write_text(CONFIG)
    path, out = work / f"{name}.json", work / f"{name}-plan.json"
    path.write_text(json.dumps(event))
    if main(["plan", "--event", str(path), "--root", str(work), "--output", str(out)]) != 0:
        raise RuntimeError(f"foreman plan failed on {name}")
    return out


def ack_calls(work: Path) -> dict[str, tuple[int, dict[str, int]]]:
    """Per case: REST calls of one ``foreman ack`` and the routes they took."""
    out: dict[str, tuple[int, dict[str, int]]] = {}
    with FakeGitHub() as fake:
        fake.add_repo(REPO)
        n = fake.add_issue(REPO, "Crash when parsing an empty config file", "trace")
        cid = fake.add_comment(REPO, n, "/foreman triage", user="octo")
        issue = json.loads((EVENTS / "issue-bug.json").read_text())
        issue["issue"]["number"] = n
        comment = json.loads((EVENTS / "comment-command.json").read_text())
        comment["issue"]["number"], comment["comment"]["id"] = n, cid
        comment["comment"]["body"] = "/foreman triage"
        env = {"GITHUB_TOKEN": fake.write_token, "GITHUB_API_URL": fake.url,
               "FOREMAN_GITHUB_THROTTLE": "0", "GITHUB_STEP_SUMMARY": os.devnull}  # fmt: skip
        with _env(env):
            plans = {"issue": _plan(work, issue, "issue"), "comment": _plan(work, comment, "c")}
            for case, plan in (("issues.opened", plans["issue"]),
                               ("issue_comment /foreman", plans["comment"]),
                               ("re-run of issues.opened", plans["issue"])):  # fmt: skip
                fake.reset_log()
                if main(["ack", "--plan", str(plan)]) != 0:
                    raise RuntimeError(f"foreman ack failed on {case}")
                out[case] = (len(fake.requests), fake.counts())
    return out


def section(ctx: object) -> Section:
    s = Section("ack job (U01): REST calls per event, counted by FakeGitHub")
    work = Path(getattr(ctx, "scratch")) / "ack"  # noqa: B009
    work.mkdir(parents=True, exist_ok=True)
    for case, (calls, routes) in ack_calls(work).items():
        shown = ", ".join(f"{r} {k}" for r, k in routes.items())
        s.rows.append(count(f"ack: {case}", calls, ACK_GOAL, f"{calls} ({shown})"))
    s.notes.append(
        "One `foreman ack` per case in this process, from a plan `foreman plan` wrote (rules"
        " only). The reaction's answer names the token's login, so no identity look-up; then one"
        " page of comments and the create or the update (nothing when the comment says the same)."
    )
    return s
