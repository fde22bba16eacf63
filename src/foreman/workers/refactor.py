"""``refactor``: restructures code; the test command's result must be the same before and after.

A changed result (pass → fail, but also fail → pass) ends as ``needs_human``:
a refactor that changes behaviour is not a refactor.
"""

from __future__ import annotations

from foreman.workers.agentic import AgentWorker

REFACTOR = AgentWorker(check="unchanged")
