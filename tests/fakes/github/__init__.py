"""A stateful fake of GitHub's REST API over HTTP on 127.0.0.1 (test code only).

    with FakeGitHub() as fake:
        fake.add_repo("octo/demo")
        gh = github.Github(base_url=fake.url, auth=github.Auth.Token(fake.write_token))

See :mod:`.seed` for the seed/inspect API and :mod:`.faults` for fault injection.
"""

from __future__ import annotations

from .faults import (
    Fault,
    LoggedRequest,
    primary_rate_limit,
    secondary_rate_limit,
    too_many_requests,
)
from .seed_loops import JobSeed
from .server import FakeGitHub

__all__ = [
    "FakeGitHub",
    "Fault",
    "JobSeed",
    "LoggedRequest",
    "primary_rate_limit",
    "secondary_rate_limit",
    "too_many_requests",
]
