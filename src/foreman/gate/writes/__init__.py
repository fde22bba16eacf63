"""The gate's writes: the only code that changes anything on GitHub.

:mod:`.execute` walks the prepared items; :mod:`.pull_request` writes one
proposal (branch, PR, labels, reviewers, merge, or a push to a PR branch);
:mod:`.git_data` makes branches and commits; :mod:`.pulls` handles pull
requests. Imported only when the gate really writes.
"""
