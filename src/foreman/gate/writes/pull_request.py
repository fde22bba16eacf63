"""One proposal's writes: branch + commit, PR, labels, reviewers, merge — or a push
onto the item's own PR branch. Every step is recorded on the task's outcome, so
a write that fails half-way is reported as exactly that.
"""

from __future__ import annotations

from foreman.errors import GitHubError
from foreman.gate.base import BaseFiles, already_applied, materialize
from foreman.gate.model import Decision, FileChange, GateOutcome, ItemWork, Proposal
from foreman.gate.patch import FilePatch, PatchError
from foreman.gate.texts import pr_body, trailer
from foreman.gate.writes.git_data import Base, RemoteTree, push_fix, read_head, sync_branch
from foreman.gate.writes.pulls import (
    Pull,
    add_labels,
    checks,
    find_pull,
    merge,
    open_pull,
    request_reviewers,
    update_pull,
)
from foreman.gate.writes.replies import answer_threads
from foreman.gate.writes.session import Session
from foreman.github.client import github_errors


class PRWriter:
    def __init__(self, session: Session, work: ItemWork) -> None:
        self.s = session
        self.work = work
        self.repo = session.repo
        self.sleep = session.opts.wait

    # -- outcome bookkeeping ---------------------------------------------------------------
    def _outs(self, p: Proposal) -> list[GateOutcome]:
        return [self.work.outcome(m.task_id) for m in p.members]

    def _step(self, p: Proposal, text: str) -> None:
        for o in self._outs(p):
            o.steps.append(text)

    def _finish(
        self, p: Proposal, decision: Decision, reason: str, pull: Pull | None = None
    ) -> None:
        for o in self._outs(p):
            o.set(decision, reason)
            if pull is not None:
                o.pr_number = pull.number

    def failed(self, p: Proposal, err: GitHubError) -> None:
        for o in self._outs(p):
            done = f" (done before the failure: {'; '.join(o.steps)})" if o.steps else ""
            o.set("error", f"{err.message}{done}")

    def write(self, p: Proposal) -> None:
        if p.target == "new-pr":
            self._new_pr(p)
        elif p.target == "pr-branch":
            self._push(p)

    # -- a new branch and PR against the default branch ---------------------------------------
    def _new_pr(self, p: Proposal) -> None:
        with github_errors():
            default = p.item.default_branch if p.item is not None else self.repo.default_branch
        pull = find_pull(self.repo, self.s.owner, p.branch)
        if pull is not None and pull.merged:
            self._finish(p, "merged", "merged by the gate", pull)
            return
        if pull is not None and pull.state != "open":
            self._finish(
                p, "skipped", f"PR #{pull.number} for this branch was closed without merging; "
                "the gate does not reopen it", pull,
            )  # fmt: skip
            return

        def content() -> tuple[Base, dict[str, FileChange]]:
            base = self.s.base(default)
            if base.local:
                return base, p.files
            return base, _materialize_all([m.patches for m in p.members], base.reader)

        head = pull.head_sha if pull is not None else None
        try:
            branch = sync_branch(
                self.repo, p.branch, content, p.message, p.digest, head=head, sleep=self.sleep
            )
        except PatchError as err:
            self._finish(p, "ask-human", f"the patch no longer applies to {default}: {err}")
            return
        if branch.state == "foreign":
            self._finish(
                p, "ask-human", f"branch {p.branch} has commits the foreman did not make; "
                "it was left as it is", pull,
            )  # fmt: skip
            return
        self._step(p, f"branch {p.branch}: {branch.state} at {branch.sha[:7]}")
        body = pr_body(
            p.members, p.item, current_title=self.work.current_title, draft_reasons=p.draft_reasons
        )
        created = False
        if pull is None:
            pull, created = open_pull(
                self.repo, self.s.owner, p.branch, default, p.title, body, draft=p.draft,
                sleep=self.sleep,
            )  # fmt: skip
            self._step(p, f"PR #{pull.number}: {'opened' if created else 'found open'}")
            if not created and update_pull(pull, p.title, body, self.sleep):
                self._step(p, f"PR #{pull.number}: title/body updated")
        elif branch.state == "updated" and update_pull(pull, p.title, body, self.sleep):
            self._step(p, f"PR #{pull.number}: title/body updated")
        have = {x.lower() for x in pull.labels}
        labels = [x for x in p.labels if x.lower() not in have]
        if labels:
            add_labels(self.repo, pull.number, labels, self.sleep)
            self._step(p, f"PR #{pull.number}: labels {', '.join(labels)}")
        if created or branch.state == "created":
            note = request_reviewers(pull, p.reviewers, self.sleep)
            who = [*p.reviewers.users, *(f"team {t}" for t in p.reviewers.teams)]
            self._step(
                p, note or (f"reviewers requested: {', '.join(who)}" if who else "no reviewer")
            )
        decision, reason = self._merge(p, pull, branch.sha)
        self._finish(p, decision, reason, pull)

    def _merge(self, p: Proposal, pull: Pull, sha: str) -> tuple[Decision, str]:
        policy = self.s.opts.config.gate.merge
        drafted = f"draft: {'; '.join(dict.fromkeys(p.draft_reasons))}" if p.draft_reasons else ""
        if p.merge_block is not None:
            return "pull-request", "; ".join(
                x for x in (drafted, f"not merged: {p.merge_block}") if x
            )
        if pull.draft:
            return "pull-request", "not merged: the PR is a draft"
        detail = "checks not required (gate.merge.checks: none)"
        if policy.checks != "none" or p.needs_green:
            state, detail = checks(self.repo, sha)
            # A worker's own tests are evidence only when the gate made the same change (S08).
            lenient = policy.checks == "worker-tests" and not p.needs_green
            if not (state == "green" or (state == "none" and lenient)):
                why = " (the gate cannot check the worker's evidence: it needs them green)"
                return (
                    "pull-request",
                    f"not merged: checks {state}{why if p.needs_green else ''}: {detail}",
                )
            if state == "none":
                detail = "no CI on this commit; the gate re-ran the fixers and got this change"
        refused = merge(pull, sha, policy.method, self.sleep)
        if refused is not None:
            return "pull-request", refused
        self._step(p, f"PR #{pull.number}: merged at {sha[:7]} ({detail})")
        return "merged", "merged by the gate"

    # -- a fix commit on the item's own (same-repository) PR branch -----------------------------
    def _push(self, p: Proposal) -> None:
        item = p.item
        assert item is not None and item.number is not None
        with github_errors():
            raw = self.repo.get_pull(item.number).raw_data
        head_repo = (raw.get("head") or {}).get("repo") or {}
        if raw.get("state") != "open":
            self._finish(p, "skipped", f"#{item.number} is no longer open")
            return
        if str(head_repo.get("full_name", "")).lower() != self.s.name.lower():
            self._finish(p, "suggested", "fork PRs only get comments")
            return
        ref, head = str(raw["head"]["ref"]), read_head(self.repo, str(raw["head"]["sha"]))
        done = f"fix commit on {ref}"
        if trailer(head.message) == p.digest:
            self._finish(p, "pushed", done)
            return
        if item.head_sha and head.sha != item.head_sha:  # F06: never over someone's push
            self._finish(
                p, "ask-human", f"{ref} moved from {item.head_sha[:7]} (what the worker changed)"
                f" to {head.sha[:7]} since the plan: someone pushed; nothing pushed over it",
            )  # fmt: skip
            return
        patches = [fp for m in p.members for fp in m.patches]
        reader = RemoteTree(self.repo, head.tree)
        try:
            files = materialize(patches, reader)
        except PatchError as err:
            if already_applied(patches, reader):
                self._finish(p, "pushed", done)
            else:
                self._finish(p, "ask-human", f"the patch does not apply to the PR head: {err}")
            return
        try:
            sha = push_fix(self.repo, ref, head, files, p.message, self.sleep)
        except PatchError:
            self._finish(p, "pushed", done)
            return
        except GitHubError as err:
            cause = getattr(err.__cause__, "status", None)
            if cause != 422:
                raise
            self._finish(p, "ask-human", "the PR head moved while the gate pushed; nothing pushed")
            return
        self._step(p, f"pushed {sha[:7]} onto {ref}")
        self._finish(p, "pushed", done)
        answer_threads(self.repo, item.number, p, sha, self._step, self.sleep)


def _materialize_all(groups: list[list[FilePatch]], reader: BaseFiles) -> dict[str, FileChange]:
    files: dict[str, FileChange] = {}
    for patches in groups:
        files = materialize(patches, reader, files)
    return files
