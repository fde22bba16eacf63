"""S20: an outsider's comment or edit does not cancel a maintainer's pending run.

GitHub keeps one pending run per concurrency group and a newer one replaces it.
The group expression of the reusable workflow (and of the inline example) is
evaluated here, the way GitHub does, on real-shaped payloads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.gh_expr import render

ROOT = Path(__file__).resolve().parents[1]
FILES = [ROOT / ".github" / "workflows" / "foreman.yml", ROOT / "workflows-examples" / "full.yml"]
REPO = "octo/demo"
WRITERS = ("OWNER", "MEMBER", "COLLABORATOR")
OUTSIDERS = ("NONE", "CONTRIBUTOR", "FIRST_TIME_CONTRIBUTOR", "FIRST_TIMER", "MANNEQUIN", None)


def group_of(path: Path, event_name: str, event: dict[str, Any], run_id: int) -> str:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    context = {"github": {"repository": REPO, "event_name": event_name, "event": event,
                          "ref": "refs/heads/main", "run_id": str(run_id)}}  # fmt: skip
    return render(doc["concurrency"]["group"], context)


def issue(author: str, association: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {"number": 7, "title": "t", "user": {"login": author}}
    if association is not None:
        data["author_association"] = association
    return data


def comment(body: str, user: str, association: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {"id": 1, "body": body, "user": {"login": user}}
    if association is not None:
        data["author_association"] = association
    event = {"action": "created", "issue": issue("carol", "NONE"), "comment": data}
    return event | {"sender": {"login": user}}


def edit(editor: str, author: str, association: str | None) -> dict[str, Any]:
    changes = {"title": {"from": "old"}}
    return {"action": "edited", "issue": issue(author, association), "changes": changes,
            "sender": {"login": editor}}  # fmt: skip


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_S20_outsider_comments_and_edits_queue_apart_from_the_maintainers_run(path: Path) -> None:
    item = f"foreman-{REPO}-7"
    # Honest: a maintainer's command and an edit by a writer join the item's group, so they
    # queue behind the run in progress instead of running beside it.
    for association in WRITERS:
        command = comment("/foreman debug", "maint", association)
        assert group_of(path, "issue_comment", command, 1) == item, association
        assert group_of(path, "issues", edit("maint", "maint", association), 2) == item
    # A writer editing an outsider's issue (only writers can edit others' issues) queues too.
    assert group_of(path, "issues", edit("maint", "carol", "NONE"), 3) == item
    opened = {"action": "opened", "issue": issue("carol", "NONE"), "sender": {"login": "carol"}}
    assert group_of(path, "issues", opened, 4) == item

    # Attack: an outsider's "tried /foreman" or their own edit would have replaced the
    # maintainer's pending run; each now gets a group of its own run.
    maintainer = group_of(path, "issue_comment", comment("/foreman debug", "maint", "OWNER"), 5)
    groups = set()
    for run_id, association in enumerate(OUTSIDERS, start=10):
        tried = comment("tried /foreman, nothing happened", "mallory", association)
        own = group_of(path, "issue_comment", tried, run_id)
        assert own == f"foreman-{REPO}-outsider-{run_id}", association
        edited = group_of(path, "issues", edit("carol", "carol", association), run_id + 100)
        assert edited == f"foreman-{REPO}-outsider-{run_id + 100}", association
        groups |= {own, edited}
    assert maintainer not in groups and len(groups) == 2 * len(OUTSIDERS)


def pull(number: int = 7) -> dict[str, Any]:
    return {"number": number, "title": "t", "user": {"login": "github-actions[bot]"}}


def review(state: str, body: str, association: str) -> dict[str, Any]:
    return {"action": "submitted", "pull_request": pull(), "sender": {"login": "maint"},
            "review": {"id": 3, "state": state, "body": body, "user": {"login": "maint"},
                       "author_association": association}}  # fmt: skip


def line_comment(body: str, association: str) -> dict[str, Any]:
    return {"action": "created", "pull_request": pull(), "sender": {"login": "maint"},
            "comment": {"id": 4, "body": body, "user": {"login": "maint"},
                        "author_association": association}}  # fmt: skip


def ci_run(conclusion: str, pulls: list[int]) -> dict[str, Any]:
    return {"action": "completed", "workflow_run": {
        "id": 9, "conclusion": conclusion, "head_sha": "c0ffee" * 6 + "c0ff",
        "pull_requests": [{"number": n} for n in pulls]}}  # fmt: skip


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_F04_review_feedback_and_ci_runs_queue_in_their_pull_requests_group(path: Path) -> None:
    item = f"foreman-{REPO}-7"
    # What can start a round (a writer's change request or command, a failed run of the PR)
    # queues behind the PR's run in progress.
    assert (
        group_of(path, "pull_request_review", review("changes_requested", "", "MEMBER"), 1) == item
    )
    assert (
        group_of(path, "pull_request_review", review("commented", "/foreman", "OWNER"), 2) == item
    )
    command = line_comment("/foreman use a dict", "COLLABORATOR")
    assert group_of(path, "pull_request_review_comment", command, 3) == item
    assert group_of(path, "workflow_run", ci_run("failure", [7]), 4) == item
    # A failure on the default branch is keyed on its commit: re-deliveries queue together.
    on_main = group_of(path, "workflow_run", ci_run("failure", []), 5)
    assert on_main == f"foreman-{REPO}-" + "c0ffee" * 6 + "c0ff"
    # What never starts anything gets a group of its own run, so it cannot replace the PR's
    # pending run: an approval, a plain line comment, a green run, an outsider's review.
    assert group_of(path, "pull_request_review", review("approved", "LGTM", "OWNER"), 6) == (
        f"foreman-{REPO}-skip-6"
    )
    plain = line_comment("nit: spacing", "OWNER")
    assert group_of(path, "pull_request_review_comment", plain, 7) == f"foreman-{REPO}-skip-7"
    assert group_of(path, "workflow_run", ci_run("success", [7]), 8) == f"foreman-{REPO}-skip-8"
    outsider = review("changes_requested", "/foreman", "CONTRIBUTOR")
    assert group_of(path, "pull_request_review", outsider, 9) == f"foreman-{REPO}-outsider-9"
    sneaky = line_comment("/foreman rewrite it", "NONE")
    assert group_of(path, "pull_request_review_comment", sneaky, 10) == (
        f"foreman-{REPO}-outsider-10"
    )
