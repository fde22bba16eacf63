"""The GitHub adapter: reads (:mod:`.reads`, :mod:`.loop_reads`), a configured PyGithub
client and its error mapping (:mod:`.client`), reconciled writes (:mod:`.reconcile`).

Importing this package imports nothing: :mod:`.client` imports PyGithub (about a second), so
the plan and the gate import it inside the functions that talk to GitHub, and the reads
(which the plan imports at once) take it only when a call is made.
"""
