"""The process environment, read once: every variable foreman reads, typed and grouped.

The command layer builds one :class:`Settings` (``Settings.from_env(os.environ)``) and passes
it (or the group a stage needs) down; nothing below the commands reads ``os.environ``
(``tests/test_settings.py`` scans ``src/`` for it). The table of the variables, who sets
them and what they mean is in the guide (docs/guide.md, "Environment variables").

Where two spellings exist, one is the name and the other an alias kept for action.yml:
``scripts/action_run.py`` moves the action's ``FOREMAN_GITHUB_TOKEN`` and
``FOREMAN_ANTHROPIC_API_KEY`` inputs to ``GITHUB_TOKEN`` and ``ANTHROPIC_API_KEY``, and a
worker job that is started without that script still finds its key under the alias.

Secrets are left out of ``repr``/``str``: a settings object printed in a log or a traceback
shows none of them. ``environ`` (the whole environment, also hidden) is kept for the two jobs
that need every name: building a child process's allow-listed environment and collecting the
values to redact. The groups are named tuples, not dataclasses: read-only, and defining them
costs the plan's process nothing measurable (five frozen dataclasses cost it ~27 M
instructions, 2 % of the whole plan).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

# The GitHub token: the name, then the alias action.yml sets (read first: it is the input).
GITHUB_TOKEN_NAMES = ("FOREMAN_GITHUB_TOKEN", "GITHUB_TOKEN")
# The Anthropic API key: the name, then the alias action.yml sets.
ANTHROPIC_KEY_NAMES = ("ANTHROPIC_API_KEY", "FOREMAN_ANTHROPIC_API_KEY")
# Names a token may hold that a run without GitHub (``foreman run``) must not pass on.
TOKEN_NAMES = ("GITHUB_TOKEN", "FOREMAN_GITHUB_TOKEN", "GH_TOKEN")


_EMPTY: Mapping[str, str] = MappingProxyType({})


def _shown(group: Any, hidden: tuple[str, ...]) -> str:
    """``Name(field=value, ...)`` without the ``hidden`` fields' values."""
    parts = [
        f"{name}=***" if name in hidden else f"{name}={value!r}"
        for name, value in zip(group._fields, group, strict=True)
    ]
    return f"{type(group).__name__}({', '.join(parts)})"


def _first(env: Mapping[str, str], *names: str) -> str | None:
    """The first of ``names`` set to something other than blanks, stripped."""
    for name in names:
        value = env.get(name, "").strip()
        if value:
            return value
    return None


class GitHubSettings(NamedTuple):
    """Where foreman runs on GitHub and how it reaches the API."""

    token: str | None = None  # GITHUB_TOKEN (alias FOREMAN_GITHUB_TOKEN)
    api_url: str | None = None  # GITHUB_API_URL; None: the public API
    repository: str = ""  # GITHUB_REPOSITORY, owner/name
    event_path: str | None = None  # GITHUB_EVENT_PATH
    event_name: str | None = None  # GITHUB_EVENT_NAME
    workflow_ref: str = ""  # GITHUB_WORKFLOW_REF: owner/name/.github/workflows/x.yml@ref
    server_url: str = "https://github.com"  # GITHUB_SERVER_URL
    run_id: str = ""  # GITHUB_RUN_ID
    ref: str = ""  # GITHUB_REF
    throttle: bool = True  # FOREMAN_GITHUB_THROTTLE=0 turns PyGithub's pacing off (tests)
    token_is_job_token: bool = False  # FOREMAN_TOKEN_IS_JOB_TOKEN: the gate's PRs run no CI

    def __repr__(self) -> str:
        return _shown(self, ("token",))

    @property
    def own_workflow(self) -> str | None:
        """The path of the workflow running the foreman, if known."""
        parts = self.workflow_ref.split("@", 1)[0].split("/", 2)
        return parts[2] if len(parts) == 3 and parts[2] else None


class LLMSettings(NamedTuple):
    """The model provider's credentials and endpoints (``llm.provider`` picks which)."""

    api_key: str | None = None  # ANTHROPIC_API_KEY (alias FOREMAN_ANTHROPIC_API_KEY)
    # The provider variables (ANTHROPIC_*, AWS_*, GOOGLE_*, CLOUDSDK_*, ...), read by
    # foreman.llm.provider.LLMAccess; hidden: most of them are credentials.
    provider_env: Mapping[str, str] = _EMPTY

    def __repr__(self) -> str:
        return _shown(self, ("api_key", "provider_env"))


class RunnerSettings(NamedTuple):
    """The runner's files and flags (absent outside GitHub Actions)."""

    in_actions: bool = False  # GITHUB_ACTIONS=true
    output: str | None = None  # GITHUB_OUTPUT
    step_summary: str | None = None  # GITHUB_STEP_SUMMARY
    temp: str | None = None  # RUNNER_TEMP


class ForemanOptions(NamedTuple):
    """foreman's own variables (the action sets them from its inputs)."""

    config: str | None = None  # FOREMAN_CONFIG: the config file, relative to the checkout
    task: str = ""  # FOREMAN_TASK: the work command's task JSON
    plan: str = ""  # FOREMAN_PLAN: the plan JSON when no --plan file is given


_PROVIDER_PREFIXES = ("ANTHROPIC_", "AWS_", "GOOGLE_", "CLOUDSDK_", "CLOUD_ML_", "GCLOUD_", "GCP_")


class Settings(NamedTuple):
    github: GitHubSettings = GitHubSettings()
    llm: LLMSettings = LLMSettings()
    runner: RunnerSettings = RunnerSettings()
    foreman: ForemanOptions = ForemanOptions()
    # The whole environment, read only to build a child's allow-listed environment and to
    # collect the values to redact. Hidden: it holds every secret above.
    environ: Mapping[str, str] = _EMPTY

    def __repr__(self) -> str:
        return _shown(self, ("environ",))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings of this process (``environ``: ``os.environ`` unless given)."""
        env: Mapping[str, str] = MappingProxyType(dict(os.environ if environ is None else environ))
        github = GitHubSettings(
            token=_first(env, *GITHUB_TOKEN_NAMES),
            api_url=_first(env, "GITHUB_API_URL"),
            repository=env.get("GITHUB_REPOSITORY", "").strip(),
            event_path=_first(env, "GITHUB_EVENT_PATH"),
            event_name=_first(env, "GITHUB_EVENT_NAME"),
            workflow_ref=env.get("GITHUB_WORKFLOW_REF", ""),
            server_url=_first(env, "GITHUB_SERVER_URL") or "https://github.com",
            run_id=env.get("GITHUB_RUN_ID", "").strip(),
            ref=env.get("GITHUB_REF", ""),
            throttle=env.get("FOREMAN_GITHUB_THROTTLE", "1") != "0",
            token_is_job_token=env.get("FOREMAN_TOKEN_IS_JOB_TOKEN", "").strip().lower() == "true",
        )
        api_key = _first(env, *ANTHROPIC_KEY_NAMES)
        provider = {k: v for k, v in env.items() if k.startswith(_PROVIDER_PREFIXES)}
        if api_key:  # the alias resolved once: the provider reads the one name
            provider["ANTHROPIC_API_KEY"] = api_key
        llm = LLMSettings(api_key=api_key, provider_env=MappingProxyType(provider))
        runner = RunnerSettings(
            in_actions=env.get("GITHUB_ACTIONS") == "true",
            output=env.get("GITHUB_OUTPUT") or None,
            step_summary=env.get("GITHUB_STEP_SUMMARY") or None,
            temp=env.get("RUNNER_TEMP") or None,
        )
        foreman = ForemanOptions(
            config=env.get("FOREMAN_CONFIG") or None,
            task=env.get("FOREMAN_TASK", ""),
            plan=env.get("FOREMAN_PLAN", ""),
        )
        return cls(github=github, llm=llm, runner=runner, foreman=foreman, environ=env)

    def without_github_token(self) -> Settings:
        """These settings with no GitHub token anywhere (``foreman run`` reads nothing from
        GitHub, and its workers must find no token)."""
        env = {k: v for k, v in self.environ.items() if k not in TOKEN_NAMES}
        offline = self.github._replace(token=None)
        return self._replace(github=offline, environ=MappingProxyType(env))
