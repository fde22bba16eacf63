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
values to redact. The groups are plain read-only classes: defining them costs a process ~2 M
instructions, where frozen dataclasses cost ~29 M (2 % of the whole plan) and named tuples ~7 M.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

# The GitHub token: the alias action.yml sets (read first: it is the input), then the name.
GITHUB_TOKEN_NAMES = ("FOREMAN_GITHUB_TOKEN", "GITHUB_TOKEN")
# The Anthropic API key: the name, then the alias action.yml sets.
ANTHROPIC_KEY_NAMES = ("ANTHROPIC_API_KEY", "FOREMAN_ANTHROPIC_API_KEY")
# Names a token may hold that a run without GitHub (``foreman run``) must not pass on.
TOKEN_NAMES = ("GITHUB_TOKEN", "FOREMAN_GITHUB_TOKEN", "GH_TOKEN")
_PROVIDER_PREFIXES = ("ANTHROPIC_", "AWS_", "GOOGLE_", "CLOUDSDK_", "CLOUD_ML_", "GCLOUD_", "GCP_")
_EMPTY: Mapping[str, str] = MappingProxyType({})


class _Group:
    """Values set once, read-only after; the ``_hidden`` ones never shown by ``repr``."""

    __slots__: ClassVar[tuple[str, ...]] = ()
    _hidden: ClassVar[tuple[str, ...]] = ()

    def _set(self, **values: Any) -> None:
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __repr__(self) -> str:
        parts = [
            f"{n}=***" if n in self._hidden else f"{n}={getattr(self, n)!r}" for n in self.__slots__
        ]
        return f"{type(self).__name__}({', '.join(parts)})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and all(
            getattr(self, n) == getattr(other, n) for n in self.__slots__
        )

    __hash__ = None  # type: ignore[assignment]  # a mapping inside: not hashable


def first_set(env: Mapping[str, str], *names: str) -> str | None:
    """The first of ``names`` set to something other than blanks, stripped."""
    for name in names:
        value = env.get(name, "").strip()
        if value:
            return value
    return None


class GitHubSettings(_Group):
    """Where foreman runs on GitHub and how it reaches the API."""

    __slots__ = (
        "api_url",
        "event_name",
        "event_path",
        "ref",
        "repository",
        "run_id",
        "server_url",
        "throttle",
        "token",
        "token_is_job_token",
        "workflow_ref",
    )  # fmt: skip
    _hidden = ("token",)
    token: str | None  # GITHUB_TOKEN (alias FOREMAN_GITHUB_TOKEN)
    api_url: str | None  # GITHUB_API_URL; None: the public API
    repository: str  # GITHUB_REPOSITORY, owner/name
    event_path: str | None  # GITHUB_EVENT_PATH
    event_name: str | None  # GITHUB_EVENT_NAME
    workflow_ref: str  # GITHUB_WORKFLOW_REF: owner/name/.github/workflows/x.yml@ref
    server_url: str  # GITHUB_SERVER_URL
    run_id: str  # GITHUB_RUN_ID
    ref: str  # GITHUB_REF
    throttle: bool  # FOREMAN_GITHUB_THROTTLE=0 turns PyGithub's pacing off (tests)
    token_is_job_token: bool  # FOREMAN_TOKEN_IS_JOB_TOKEN: the gate's PRs run no CI

    def __init__(
        self,
        *,
        token: str | None = None,
        api_url: str | None = None,
        repository: str = "",
        event_path: str | None = None,
        event_name: str | None = None,
        workflow_ref: str = "",
        server_url: str = "https://github.com",
        run_id: str = "",
        ref: str = "",
        throttle: bool = True,
        token_is_job_token: bool = False,
    ) -> None:
        self._set(token=token, api_url=api_url, repository=repository, event_path=event_path,
                  event_name=event_name, workflow_ref=workflow_ref, server_url=server_url,
                  run_id=run_id, ref=ref, throttle=throttle,
                  token_is_job_token=token_is_job_token)  # fmt: skip

    @property
    def own_workflow(self) -> str | None:
        """The path of the workflow running the foreman, if known."""
        parts = self.workflow_ref.split("@", 1)[0].split("/", 2)
        return parts[2] if len(parts) == 3 and parts[2] else None

    def without_token(self) -> GitHubSettings:
        return GitHubSettings(**{n: getattr(self, n) for n in self.__slots__ if n != "token"})


class LLMSettings(_Group):
    """The model provider's credentials and endpoints (``llm.provider`` picks which)."""

    __slots__ = ("api_key", "provider_env")
    _hidden = ("api_key", "provider_env")
    api_key: str | None  # ANTHROPIC_API_KEY (alias FOREMAN_ANTHROPIC_API_KEY)
    # The provider variables (ANTHROPIC_*, AWS_*, GOOGLE_*, CLOUDSDK_*, ...), read by
    # foreman.llm.provider.LLMAccess; hidden: most of them are credentials.
    provider_env: Mapping[str, str]

    def __init__(
        self, *, api_key: str | None = None, provider_env: Mapping[str, str] = _EMPTY
    ) -> None:
        self._set(api_key=api_key, provider_env=provider_env)


class RunnerSettings(_Group):
    """The runner's files and flags (absent outside GitHub Actions)."""

    __slots__ = ("in_actions", "output", "step_summary", "temp")
    in_actions: bool  # GITHUB_ACTIONS=true
    output: str | None  # GITHUB_OUTPUT
    step_summary: str | None  # GITHUB_STEP_SUMMARY
    temp: str | None  # RUNNER_TEMP

    def __init__(
        self,
        *,
        in_actions: bool = False,
        output: str | None = None,
        step_summary: str | None = None,
        temp: str | None = None,
    ) -> None:
        self._set(in_actions=in_actions, output=output, step_summary=step_summary, temp=temp)


class ForemanOptions(_Group):
    """foreman's own variables (the action sets them from its inputs)."""

    __slots__ = ("config", "plan", "task")
    config: str | None  # FOREMAN_CONFIG: the config file, relative to the checkout
    task: str  # FOREMAN_TASK: the work command's task JSON
    plan: str  # FOREMAN_PLAN: the plan JSON when no --plan file is given

    def __init__(self, *, config: str | None = None, task: str = "", plan: str = "") -> None:
        self._set(config=config, task=task, plan=plan)


class Settings(_Group):
    """Every variable foreman reads, in groups (see the module's docstring)."""

    __slots__ = ("environ", "foreman", "github", "llm", "runner")
    _hidden = ("environ",)
    github: GitHubSettings
    llm: LLMSettings
    runner: RunnerSettings
    foreman: ForemanOptions
    # The whole environment, read only to build a child's allow-listed environment and to
    # collect the values to redact. Hidden: it holds every secret above.
    environ: Mapping[str, str]

    def __init__(
        self,
        *,
        github: GitHubSettings | None = None,
        llm: LLMSettings | None = None,
        runner: RunnerSettings | None = None,
        foreman: ForemanOptions | None = None,
        environ: Mapping[str, str] = _EMPTY,
    ) -> None:
        self._set(github=github or GitHubSettings(), llm=llm or LLMSettings(),
                  runner=runner or RunnerSettings(), foreman=foreman or ForemanOptions(),
                  environ=environ)  # fmt: skip

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings of this process (``environ``: ``os.environ`` unless given)."""
        env: Mapping[str, str] = MappingProxyType(dict(os.environ if environ is None else environ))
        github = GitHubSettings(
            token=first_set(env, *GITHUB_TOKEN_NAMES),
            api_url=first_set(env, "GITHUB_API_URL"),
            repository=env.get("GITHUB_REPOSITORY", "").strip(),
            event_path=first_set(env, "GITHUB_EVENT_PATH"),
            event_name=first_set(env, "GITHUB_EVENT_NAME"),
            workflow_ref=env.get("GITHUB_WORKFLOW_REF", ""),
            server_url=first_set(env, "GITHUB_SERVER_URL") or "https://github.com",
            run_id=env.get("GITHUB_RUN_ID", "").strip(),
            ref=env.get("GITHUB_REF", ""),
            throttle=env.get("FOREMAN_GITHUB_THROTTLE", "1") != "0",
            token_is_job_token=env.get("FOREMAN_TOKEN_IS_JOB_TOKEN", "").strip().lower() == "true",
        )
        api_key = first_set(env, *ANTHROPIC_KEY_NAMES)
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
        return Settings(github=self.github.without_token(), llm=self.llm, runner=self.runner,
                        foreman=self.foreman, environ=MappingProxyType(env))  # fmt: skip
