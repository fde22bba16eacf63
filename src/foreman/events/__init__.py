"""Events: webhook payloads in, one typed :class:`WorkItem` out."""

from __future__ import annotations

from foreman.event_names import HANDLED
from foreman.events.models import Actor, Comment, Dispatch, PullInfo, WorkItem
from foreman.events.parse import Unsupported, load_event, parse_event, read_payload

__all__ = [
    "HANDLED",
    "Actor",
    "Comment",
    "Dispatch",
    "PullInfo",
    "Unsupported",
    "WorkItem",
    "load_event",
    "parse_event",
    "read_payload",
]
