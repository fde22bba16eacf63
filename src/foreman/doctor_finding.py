"""One line of ``foreman doctor``'s answer: a level, what was checked, what was found, the fix.
Below both the checks (:mod:`foreman.doctor`) and the run (:mod:`foreman.doctor_run`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FindingLevel = Literal["ok", "warn", "fail"]


@dataclass(frozen=True)
class Finding:
    level: FindingLevel
    what: str
    text: str
    fix: str = ""

    def line(self) -> str:
        mark = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}[self.level]
        fix = f"\n        fix: {self.fix}" if self.fix else ""
        return f"{mark}  {self.what}: {self.text}{fix}"
