"""Typed access to a webhook payload: every miss or bad value names the field."""

from __future__ import annotations

from typing import Any

from foreman.errors import EventError, Location
from foreman.events.models import Actor
from foreman.names import branch_problem

MAX_NUMBER = 2**31  # issue and pull request numbers are 32-bit on GitHub
MAX_ID = 2**63  # comment ids are 64-bit


class Payload:
    """Typed access to a JSON payload; every miss names the field."""

    def __init__(self, data: dict[str, Any], source: str) -> None:
        self.data = data
        self.source = source

    def get(self, path: str, kind: type | tuple[type, ...], *, required: bool = True) -> Any:
        node: Any = self.data
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node or node[part] is None:
                if required:
                    raise EventError(
                        f"event field '{path}' is missing", location=Location(self.source, key=path)
                    )
                return None
            node = node[part]
        if not isinstance(node, kind) or (isinstance(node, bool) and kind is int):
            want = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise EventError(
                f"event field '{path}' should be {want}, got {type(node).__name__}",
                location=Location(self.source, key=path),
            )
        return node

    def number(self, path: str, limit: int) -> int:
        """A required positive integer below ``limit`` (issue and PR numbers, comment ids)."""
        value: int = self.get(path, int)
        if not 1 <= value < limit:
            raise EventError(
                f"event field '{path}' must be a positive number below {limit}, got {value}",
                location=Location(self.source, key=path),
            )
        return value

    def branch(self, path: str, *, required: bool = True) -> str | None:
        """A branch name git accepts (it reaches git and the API): ``../x`` is no branch."""
        value: str | None = self.get(path, str, required=required)
        if value is not None and (problem := branch_problem(value)):
            raise EventError(
                f"event field '{path}' {problem}", location=Location(self.source, key=path)
            )
        return value

    def text(self, path: str) -> str:
        value = self.get(path, str, required=False)
        return value or ""

    def actor(self, path: str, association_path: str | None = None) -> Actor:
        login = self.get(f"{path}.login", str)
        typ = self.get(f"{path}.type", str, required=False) or "User"
        assoc = self.get(association_path, str, required=False) if association_path else None
        return Actor(login=login, type=typ, association=assoc or "NONE")

    def labels(self, path: str) -> list[str]:
        raw = self.get(path, list, required=False) or []
        out = []
        for i, label in enumerate(raw):
            if isinstance(label, str):
                out.append(label)
            elif isinstance(label, dict) and isinstance(label.get("name"), str):
                out.append(label["name"])
            else:
                raise EventError(
                    f"event field '{path}[{i}].name' is missing",
                    location=Location(self.source, key=f"{path}[{i}].name"),
                )
        return out
