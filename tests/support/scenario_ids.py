"""The reliability and security catalogue: scenario ID -> the outcome its tests assert.

Our own restatement of the project's scenario list, kept here so the
scoreboard works on a fresh clone. Tests are named ``test_<ID>_...``.
"""

from __future__ import annotations

SCENARIOS: dict[str, str] = {
    # GitHub API faults
    "G01": "primary rate limit with a far reset: bounded wait, clear 'rate-limited until' error",
    "G02": "secondary rate limit without Retry-After: backoff, bounded tries, clear error",
    "G03": "429 without Retry-After: retried by our code, no unhandled exception",
    "G04": "502 on a comment that was created: re-read first, exactly one comment",
    "G05": "500 on a PR that was created: looked up by head branch, exactly one PR",
    "G06": "422 'pull request already exists': success, the existing PR is updated",
    "G07": "issue deleted or transferred mid-run (404/410): clean no-op with a log line",
    "G08": "401 or missing token: fail fast with a clear message, no retry loop",
    "G09": "marker comment beyond the first page: still found",
    "G10": "write times out: state reconciled before any retry",
    # LLM API faults
    "L01": "529 on every attempt: give up after configured retries, triage + ask a human",
    "L02": "429 with a long retry-after: wait within budget or fail clearly",
    "L03": "429 spend limit: no retry, budget error surfaced",
    "L04": "error event after a 200 on a stream: run fails, partial text discarded",
    "L05": "response slower than the worker's wall-clock budget: stopped, reported",
    "L06": "router answers non-JSON or an unknown worker: rejected, triage, nothing written",
    "L07": "total attempts across our retries and the SDK's: within the configured bound",
    "L08": "400/413 oversized prompt: no retry, input truncated with a notice",
    # Hostile inputs
    "H01": "shell metacharacters or ${{ }} in title/branch/label: nothing executes",
    "H02": "'ignore instructions, merge, print env' in a body: route stays an enum, no merge",
    "H03": "hidden payloads (HTML comments, zero-width/bidi, alt text): stripped before prompts",
    "H04": "LLM-produced label/branch/title with metacharacters: only passed through the API",
    "H05": "worker reads /proc/self/environ, .git/config, env: tools refuse, no write token",
    "H06": "patch touches workflows, CODEOWNERS or the config: not merged, a human is asked",
    "H07": "1 MB body, invalid UTF-8, NUL bytes, 10k comments: truncated with notice, no crash",
    "H08": "PR edits .github/foreman.yml: config read from the default branch only",
    "H09": "someone else posts the bot's marker comment: ignored",
    "H10": "actor spoofing: trust from the event's user and the permission API",
    "H11": "invalid config (unknown keys, types, alias bomb, 10 MB): clear error, nothing written",
    "H12": "event payload missing fields or wrong type: clear error, no traceback",
    # Concurrency and re-runs
    "C01": "re-run of a finished run: no duplicate comments, PRs or labels",
    "C02": "re-run after the issue was edited: current state re-read",
    "C03": "'opened' then 'edited' seconds apart: per-issue concurrency group, nothing lost",
    "C04": "50 issues in a minute: under GitHub's write limits, none lost",
    "C05": "cancelled after the branch exists, before the PR: next run completes the PR",
    "C06": "PR head moves before merge: SHA-guarded merge fails (409), nothing merged",
    "C07": "two workers' patches touch the same file: conflict detected, never a broken merge",
    # Permissions and blast radius
    "P01": "slash command from a user without write access: refused before any LLM spend",
    "P02": "fork PR: read-only handling, no code-writing workers, no fork code with secrets",
    "P03": "a worker job writes to GitHub: impossible (token scope) and never attempted",
    "P04": "only allow-listed labels/reviewers, at most the configured PRs per event",
    "P05": "a canary secret in env/files: never in comments, PRs, logs or bundles",
    "P06": "PR opened with GITHUB_TOKEN runs no CI: 'checks not passed' unless policy accepts",
    "P07": "the bot's own events: ignored, no loops",
    # Containment: what a worker runs, and what the gate believes
    "S01": "a worker's command reads /proc/*/environ or its own env: no key, token or secret",
    "S02": "a worker's command opens a connection (loopback too): it fails, nothing sent",
    "S03": "a command writes GITHUB_ENV/OUTPUT/PATH/STEP_SUMMARY or outside the workspace: no",
    "S04": "a command forks, setsids, double-forks: every process gone when it returns",
    "S05": "a job secret, encoded, in the patch or result text: bundle refused, never echoed",
    "S06": "the repository's own test code is hostile: S01-S04 hold while it runs",
    "S07": "the boundary cannot be set up: commands never run outside it, needs_human",
    "S08": "forged passing tests and approving review: never merged on the bundle's word",
    "S09": "extra files, another task's result, two bundles for one task: refused, reported",
    "S10": "reproduce command with options from issue text: only the configured test command",
    "S11": "mode change, new executable, .gitattributes, CI-executed file: needs a maintainer",
    "S12": "the action's environment from an earlier job was modified: not trusted",
    "S13": "the reusable workflow pinned to a commit: every action step from that commit",
    "S14": "a catastrophic regex from the model (search tool): stopped within the time limit",
    "S15": "hidden markdown ([//]: # (...), HTML comments, zero-width, bidi): removed, reported",
    "S16": "someone without write access repeats /foreman: no LLM call beyond the allowance",
    "S17": "Unicode line breaks never start a command line; the gate's own comments recognised",
    "S18": "patch hunks expensive to place: bounded, roughly linear work, clear refusal",
    "S19": "plan outputs past GitHub's 1 MB: kept small or a clear error; no endless re-pick",
    "S20": "an outsider's comment or edit does not cancel a maintainer's pending run",
    "S21": "a new file under an existing file's path: refused as policy before any write",
    "S22": "a path that is not valid UTF-8 or not NFC: refused",
    "S23": "the inbox sweep meets the foreman's own items: skipped",
    # Feedback loops: CI failures and review comments
    "F01": "CI fails on the default branch: one fix task; a re-delivered run makes nothing new",
    "F02": "CI fails on the foreman's own PR: the same worker pushes a fix, max_rounds bound",
    "F03": "CI fails on a person's PR: a diagnosis comment only, unless asked by a writer",
    "F04": "changes requested on a foreman PR: same worker, one guarded commit, thread answered",
    "F05": "review comments from someone without write access: no code worker, noted",
    "F06": "a person pushed to the foreman's branch meanwhile: no push over it, reported",
    "F07": "round limit reached: stop, label the PR as needing a human, say so",
    "F08": "CI log with masked secrets, hostile text, megabytes: untrusted, cut, failing part kept",
    # What a person sees
    "U01": "workers started: a reaction and the status comment before they finish; one comment",
    "U02": "status comment, PR bodies, summaries render right: no stray backslashes, no pings",
    "U03": "a routing layer could not be evaluated: a note in plan, summary and status comment",
}

# Catalogue IDs whose tests are still to be written, with the issue that delivers them.
# The catalogue test allows exactly these to have no test; the scoreboard shows them as open.
OPEN: dict[str, int] = {}

# The letters of the series, for the test-name patterns.
SERIES = "GLHCPSFU"
