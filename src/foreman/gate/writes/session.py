"""One gate run's connection to the repository, and the base branches it has read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from foreman.gate.base import Checkout
from foreman.gate.model import GateOptions
from foreman.gate.writes.git_data import Base, resolve_base
from foreman.github.identity import Identities

if TYPE_CHECKING:
    from github.Repository import Repository


@dataclass
class Session:
    repo: Repository
    name: str  # "owner/repo"
    opts: GateOptions
    checkout: Checkout
    identities: Identities  # bot_logins + the login the token writes as (looked up once)
    bases: dict[str, Base] = field(default_factory=dict)

    @property
    def owner(self) -> str:
        return self.name.split("/")[0]

    def base(self, branch: str) -> Base:
        if branch not in self.bases:
            self.bases[branch] = resolve_base(self.repo, branch, self.checkout)
        return self.bases[branch]
