"""``infra``: dependency bumps and CI/config migrations.

Its allowed paths include ``.github/workflows/**``, but workflows are protected
paths: the fence refuses them unless ``gate.allow_protected`` lists ``infra``.
A passing test suite must still pass afterwards.
"""

from __future__ import annotations

from foreman.workers.agentic import AgentWorker

INFRA = AgentWorker(check="no_regression")
