"""From assessments to proposals: one write unit per branch, conflicts resolved.

Bundles for the same item whose patches touch the same files are combined
into one PR when they apply one after the other (in plan order, else in the
reverse order); one that does not apply on top of the others is left for a
maintainer. Never two PRs that cannot both be merged (C07).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from foreman.config.models import Config
from foreman.contracts import ItemRef
from foreman.gate.base import BaseFiles, materialize
from foreman.gate.codeowners import OwnerRule, Owners, owners_for
from foreman.gate.model import Assessment, Decision, FileChange, Proposal, Target
from foreman.gate.patch import PatchError
from foreman.gate.texts import commit_message, digest, pr_body, pr_title

Unit = tuple[list[Assessment], dict[str, FileChange]]  # bundles written together, their files
Held = dict[str, tuple[Decision, str]]  # task id -> (decision, reason) instead of a write


@dataclass
class Planned:
    proposals: list[Proposal] = field(default_factory=list)
    held: Held = field(default_factory=dict)


def target_for(item: ItemRef | None, config: Config) -> Target:
    if item is None or item.kind != "pull_request":
        return "new-pr"
    if item.is_fork or not item.head_ref:
        return "suggest"
    if item.head_ref.startswith(config.gate.branch_prefix) or item.push_requested:
        return "pr-branch"  # the foreman's own PR (a round), or a writer's `/foreman fix`
    return "pr-branch" if config.gate.fix_pr_branch else "suggest"


def branch_name(config: Config, item: ItemRef | None, workers: Sequence[str], task: str) -> str:
    prefix = config.gate.branch_prefix
    if item is None or item.number is None:
        return f"{prefix}task-{task}"
    kind = "pr" if item.kind == "pull_request" else "issue"
    return f"{prefix}{kind}-{item.number}-{'+'.join(workers)}"


def _overlap_groups(changes: list[Assessment]) -> list[list[Assessment]]:
    """Bundles linked by shared files, each group in plan order."""
    groups: list[list[Assessment]] = []
    for a in changes:
        mine = {p for fp in a.patches for p in fp.paths}
        joined = [
            g for g in groups if any(mine & {p for fp in m.patches for p in fp.paths} for m in g)
        ]
        merged = [m for g in joined for m in g] + [a]
        groups = [g for g in groups if all(g is not j for j in joined)] + [merged]
    order = {id(a): n for n, a in enumerate(changes)}
    return sorted(
        (sorted(g, key=lambda m: order[id(m)]) for g in groups), key=lambda g: order[id(g[0])]
    )


def _stack(
    order: list[Assessment], reader: BaseFiles
) -> tuple[list[Assessment], dict[str, FileChange]]:
    """Greedily apply patches in ``order``; the ones that do not apply are left out."""
    taken: list[Assessment] = []
    files: dict[str, FileChange] = {}
    for a in order:
        try:
            files = materialize(a.patches, reader, files)
        except PatchError:
            continue
        taken.append(a)
    return taken, files


def combine(changes: list[Assessment], reader: BaseFiles) -> tuple[list[Unit], Held]:
    """Overlapping bundles stacked into one unit each; the ones that cannot join are held."""
    units: list[Unit] = []
    held: Held = {}
    for group in _overlap_groups(changes):
        if len(group) == 1:
            units.append((group, group[0].files))
            continue
        forward = _stack(group, reader)
        backward = _stack(list(reversed(group)), reader)
        taken, files = backward if len(backward[0]) > len(forward[0]) else forward
        units.append((taken, files))
        for a in group:
            if all(a is not t for t in taken):
                shared = sorted({p for fp in a.patches for p in fp.paths} & set(files))
                others = ", ".join(t.task_id for t in taken)
                held[a.task_id] = (
                    "ask-human",
                    f"its patch conflicts with {others} on {', '.join(shared[:5])}; "
                    "a maintainer should pick one",
                )
    return units, held


def reviewers(config: Config, rules: list[OwnerRule], files: Sequence[str]) -> Owners:
    policy = config.gate.reviewers
    bots = {b.lower() for b in config.triggers.bot_logins}
    users = list(policy.users)
    teams = [t.split("/")[-1] for t in policy.teams]
    if policy.from_codeowners:
        owners = owners_for(rules, files)
        users += owners.users
        teams += [t.split("/")[-1] for t in owners.teams]
    out = Owners()
    for name in dict.fromkeys(users):
        if name.lower() not in bots and len(out.users) < policy.max:
            out.users.append(name)
    for slug in dict.fromkeys(teams):
        if len(out.users) + len(out.teams) < policy.max:
            out.teams.append(slug)
    return out


def item_proposals(
    item: ItemRef | None,
    assessments: list[Assessment],
    config: Config,
    reader: BaseFiles,
    rules: list[OwnerRule],
) -> Planned:
    """The proposals for one item's change bundles, capped at gate.max_prs_per_event."""
    out = Planned()
    changes = [a for a in assessments if a.action == "change"]
    target = target_for(item, config)
    if target == "new-pr":
        units, out.held = combine(changes, reader)
    else:
        units = [([a], a.files) for a in changes]
    cap = config.gate.max_prs_per_event
    opened = 0
    for members, files in units:
        if target == "new-pr":
            if opened >= cap:
                for m in members:
                    out.held[m.task_id] = (
                        "skipped",
                        f"gate.max_prs_per_event ({cap}) PRs already proposed for this item",
                    )
                continue
            opened += 1
        out.proposals.append(_proposal(item, members, files, target, config, rules))
    return out


def _proposal(
    item: ItemRef | None,
    members: list[Assessment],
    files: dict[str, FileChange],
    target: Target,
    config: Config,
    rules: list[OwnerRule],
) -> Proposal:
    workers = [m.worker for m in members]
    branch = branch_name(config, item, workers, members[0].task_id)
    if target == "pr-branch" and item is not None and item.head_ref:
        branch = item.head_ref
    draft_reasons = [r for m in members for r in m.draft_reasons]
    blocks = [m.merge_block for m in members if m.merge_block]
    patch_digest = digest([m.bundle.patch for m in members], branch)
    title = pr_title(members, item)
    labels = list(dict.fromkeys(label for m in members for label in m.labels))
    return Proposal(
        item=item,
        members=members,
        target=target,
        branch=branch,
        files=files,
        title=title,
        body=pr_body(members, item, draft_reasons=draft_reasons),
        message=commit_message(title, members, patch_digest),
        digest=patch_digest,
        labels=labels,
        reviewers=reviewers(config, rules, sorted(files)),
        draft=bool(draft_reasons) or (config.gate.draft and bool(blocks)),
        draft_reasons=draft_reasons,
        merge_block=blocks[0] if blocks else None,
        needs_green=not all(m.reproduced for m in members),
    )
