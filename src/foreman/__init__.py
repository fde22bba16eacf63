"""agent-foreman: route issue and PR traffic to narrow AI specialists behind a write gate."""

from __future__ import annotations

__version__ = "0.1.0"
