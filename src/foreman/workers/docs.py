"""``docs``: edits documentation only (its allowed paths are documentation globs); runs no tests."""

from __future__ import annotations

from foreman.workers.agentic import AgentWorker

DOCS = AgentWorker(check="none")
