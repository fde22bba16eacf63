"""The gate: the only stage that writes to GitHub.

bundles (load) -> policy (checks per bundle) -> proposals (one write unit per
branch) -> execute (serial, reconciled writes) -> status (sticky comment) and
report (step summary). Everything before ``execute`` is pure.
"""
