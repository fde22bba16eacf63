"""Who the gate writes as, learned from the token it writes with (S17).

Everything the gate writes is authored by the token's account, and the gate must
recognise it again (its status comment, its PRs) whatever that account is:

* a user's token (a person's or a machine account's personal access token, an app's
  user-to-server token): ``GET /user`` names the user;
* an installation token (a GitHub App's, and the workflow's ``GITHUB_TOKEN``, which is the
  GitHub Actions app's): ``GET /user`` answers 403 "Resource not accessible by
  integration", as GitHub documents; GraphQL's ``viewer`` names the app's bot account,
  ``<app-slug>[bot]``, the author of what the token writes.

One request (two for an installation token) per token and process: the answer is
cached. Imports PyGithub: callers import this module lazily.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from github import GithubException

from foreman import actions
from foreman.errors import AuthError, ForemanError, RateLimitedError

if TYPE_CHECKING:
    from github import Github

VIEWER_QUERY = "query { viewer { login } }"
_CACHE: dict[str, str | None] = {}


def cache_key(token: str | None, base_url: str | None) -> str:
    """The token is never kept: only a digest of it, with the API it belongs to."""
    raw = f"{base_url or ''}\0{(token or '').strip()}"
    return hashlib.sha256(raw.encode()).hexdigest()


def own_login(gh: Github, key: str) -> str | None:
    """The login of the account ``gh``'s token writes as; None when GitHub would not say."""
    if key in _CACHE:
        return _CACHE[key]
    login = _ask(gh)
    _CACHE[key] = login
    return login


def _ask(gh: Github) -> str | None:
    from foreman.github.client import github_errors

    requester = gh.requester
    try:
        with github_errors():
            try:
                _, data = requester.requestJsonAndCheck("GET", "/user")
                return _login(data)
            except GithubException as err:
                if err.status != 403:
                    raise
            # An installation token: not a user. GraphQL's viewer is the app's bot account.
            _, answer = requester.graphql_query(VIEWER_QUERY, {})
            viewer = (answer.get("data") or {}).get("viewer") or {}
            return _login(viewer)
    except (AuthError, RateLimitedError):
        raise
    except (ForemanError, GithubException) as err:
        text = err.message if isinstance(err, ForemanError) else f"HTTP {err.status}"
        actions.annotate(
            "warning",
            f"could not learn the login the gate writes as ({text}); only "
            "triggers.bot_logins are recognised as the foreman's own",
        )
        return None


def _login(data: Any) -> str | None:
    login = data.get("login") if isinstance(data, dict) else None
    return login if isinstance(login, str) and login else None


class Identities:
    """The foreman's own logins: ``triggers.bot_logins``, then, on first use, the token's.

    Iterating it is what costs the look-up, so a run that never needs it (an item with
    no comments) asks nothing.
    """

    def __init__(self, configured: Iterable[str], learn: Callable[[], str | None]) -> None:
        self._configured = list(configured)
        self._learn = learn
        self._all: list[str] | None = None

    def __iter__(self) -> Iterator[str]:
        if self._all is None:
            own = self._learn()
            known = {x.lower() for x in self._configured}
            extra = [own] if own and own.lower() not in known else []
            self._all = [*self._configured, *extra]
        return iter(self._all)
