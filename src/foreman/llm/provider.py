"""One factory for every model call: the Anthropic API, Amazon Bedrock, Google Vertex AI or
Microsoft Foundry, through the anthropic SDK's own client for each (``llm.provider``).

Credentials come from the environment the official auth actions leave behind:

* anthropic: ``ANTHROPIC_API_KEY`` (``FOREMAN_ANTHROPIC_API_KEY`` in a worker job);
* bedrock: ``aws-actions/configure-aws-credentials`` exports ``AWS_ACCESS_KEY_ID``,
  ``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN`` and ``AWS_REGION``; without them boto3's
  own chain (a profile, a web identity token file) is used. ``AWS_BEARER_TOKEN_BEDROCK``
  (a Bedrock API key) works too;
* vertex: ``google-github-actions/auth`` writes a credentials file
  (``GOOGLE_APPLICATION_CREDENTIALS``) and exports the project; an access token in
  ``GOOGLE_OAUTH_ACCESS_TOKEN`` (its ``access_token`` output) is used as is, with no call to
  Google's auth library;
* foundry: ``ANTHROPIC_FOUNDRY_API_KEY`` and ``llm.resource`` (or
  ``ANTHROPIC_FOUNDRY_RESOURCE``).

``ANTHROPIC_BASE_URL`` / ``ANTHROPIC_BEDROCK_BASE_URL`` / ``ANTHROPIC_VERTEX_BASE_URL`` /
``ANTHROPIC_FOUNDRY_BASE_URL`` point a client elsewhere (the tests' fakes).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from foreman.actions import register_secret
from foreman.config.model_ids import provider_model
from foreman.config.models import LLMConfig
from foreman.errors import ConfigError, LLMError
from foreman.llm.faults import RetryGuard
from foreman.settings import first_set as _get

if TYPE_CHECKING:
    from foreman.llm.client import Client

PROJECT_VARS = (
    "ANTHROPIC_VERTEX_PROJECT_ID",
    "GOOGLE_CLOUD_PROJECT",
    "CLOUDSDK_CORE_PROJECT",
    "CLOUDSDK_PROJECT",
    "GCLOUD_PROJECT",
    "GCP_PROJECT",
)
AWS_OTHER_CREDENTIALS = (
    "AWS_BEARER_TOKEN_BEDROCK",
    "AWS_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
)
VERTEX_TOKEN_VARS = ("GOOGLE_OAUTH_ACCESS_TOKEN", "CLOUDSDK_AUTH_ACCESS_TOKEN")
NAMES = {
    "anthropic": "the Anthropic API",
    "bedrock": "Amazon Bedrock",
    "vertex": "Google Vertex AI",
    "foundry": "Microsoft Foundry",
}


class ModelNotAvailable(LLMError):
    """The configured model has no id at the configured provider."""

    title = "model not available"


@dataclass(frozen=True)
class _Common:
    max_retries: int
    timeout: float
    max_retry_wait: float

    def middleware(self) -> list[RetryGuard]:
        return [RetryGuard(self.max_retry_wait)]


@dataclass(frozen=True)
class LLMAccess:
    """The configured provider, and what the environment gives to reach it."""

    settings: LLMConfig
    env: Mapping[str, str]

    @property
    def provider(self) -> str:
        return self.settings.provider

    @property
    def name(self) -> str:
        return NAMES[self.provider]

    @property
    def api_key(self) -> str | None:
        return _get(self.env, "ANTHROPIC_API_KEY", "FOREMAN_ANTHROPIC_API_KEY")

    def region(self) -> str | None:
        if self.provider == "bedrock":
            return self.settings.region or _get(self.env, "AWS_REGION", "AWS_DEFAULT_REGION")
        return self.settings.region or _get(self.env, "CLOUD_ML_REGION")

    def missing(self) -> str | None:
        """Why no call can be made (a sentence), or ``None`` when one can be tried."""
        env, p = self.env, self.provider
        if p == "anthropic":
            return None if self.api_key else "no Anthropic API key"
        if p == "foundry":
            if not _get(env, "ANTHROPIC_FOUNDRY_API_KEY"):
                return "no Foundry key (ANTHROPIC_FOUNDRY_API_KEY not set)"
            if not (self.settings.resource or _get(env, "ANTHROPIC_FOUNDRY_RESOURCE",
                                                    "ANTHROPIC_FOUNDRY_BASE_URL")):  # fmt: skip
                return "no Foundry resource (llm.resource or ANTHROPIC_FOUNDRY_RESOURCE)"
            return None
        if not self.region():
            where = "AWS_REGION" if p == "bedrock" else "CLOUD_ML_REGION"
            return f"no {self.name} region (llm.region or {where})"
        if p == "bedrock":
            keys = _get(env, "AWS_ACCESS_KEY_ID") and _get(env, "AWS_SECRET_ACCESS_KEY")
            other = _get(env, *AWS_OTHER_CREDENTIALS)
            if not (keys or other):
                return "no AWS credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY not set)"
            return None
        if not (self.settings.project or _get(env, *PROJECT_VARS)):
            return "no Google Cloud project (llm.project or GOOGLE_CLOUD_PROJECT)"
        if not _get(env, *VERTEX_TOKEN_VARS, "GOOGLE_APPLICATION_CREDENTIALS"):
            return "no Google credentials (GOOGLE_APPLICATION_CREDENTIALS not set)"
        return None

    @property
    def available(self) -> bool:
        return self.missing() is None

    def model(self, name: str) -> str:
        """The provider's id for ``name``; :class:`ModelNotAvailable` when it has none."""
        try:
            return provider_model(
                self.provider,
                name,
                overrides=self.settings.models,
                bedrock_profile=self.settings.bedrock_profile,
            )
        except ConfigError as err:
            raise ModelNotAvailable(err.message) from None

    def client(
        self, *, max_retries: int = 2, timeout: float = 60.0, max_retry_wait: float = 60.0
    ) -> Client:
        """The SDK client for the provider, with foreman's retry guard."""
        why = self.missing()
        if why is not None:
            raise LLMError(f"cannot call {self.name}: {why}")
        common = _Common(max_retries, timeout, max_retry_wait)
        if self.provider == "anthropic":
            from foreman.llm.client import make_client

            return make_client(
                api_key=self.api_key,
                base_url=_get(self.env, "ANTHROPIC_BASE_URL"),
                max_retries=max_retries,
                timeout=timeout,
                max_retry_wait=max_retry_wait,
            )
        if self.provider == "bedrock":
            return self._bedrock(common)
        if self.provider == "vertex":
            return self._vertex(common)
        return self._foundry(common)

    def _bedrock(self, c: _Common) -> Client:
        env = self.env
        bearer = _get(env, "AWS_BEARER_TOKEN_BEDROCK")
        secret, token = _get(env, "AWS_SECRET_ACCESS_KEY"), _get(env, "AWS_SESSION_TOKEN")
        for value in (bearer, secret, token):
            register_secret(value)
        if not bearer:
            _need("botocore", "bedrock")
        import anthropic

        if bearer:
            return anthropic.AnthropicBedrock(
                api_key=bearer,
                aws_region=self.region(),
                base_url=_get(env, "ANTHROPIC_BEDROCK_BASE_URL"),
                max_retries=c.max_retries,
                timeout=c.timeout,
                middleware=c.middleware(),
            )
        return anthropic.AnthropicBedrock(
            aws_access_key=_get(env, "AWS_ACCESS_KEY_ID"),
            aws_secret_key=secret,
            aws_session_token=token,
            aws_region=self.region(),
            aws_profile=None if secret else _get(env, "AWS_PROFILE"),
            base_url=_get(env, "ANTHROPIC_BEDROCK_BASE_URL"),
            max_retries=c.max_retries,
            timeout=c.timeout,
            middleware=c.middleware(),
        )

    def _vertex(self, c: _Common) -> Client:
        token = _get(self.env, *VERTEX_TOKEN_VARS)
        register_secret(token)
        if not token:
            _need("google.auth", "vertex")
        import anthropic

        return anthropic.AnthropicVertex(
            region=self.region() or "",
            project_id=self.settings.project or _get(self.env, *PROJECT_VARS) or "",
            access_token=token,
            base_url=_get(self.env, "ANTHROPIC_VERTEX_BASE_URL"),
            max_retries=c.max_retries,
            timeout=c.timeout,
            middleware=c.middleware(),
        )

    def _foundry(self, c: _Common) -> Client:
        key = _get(self.env, "ANTHROPIC_FOUNDRY_API_KEY")
        register_secret(key)
        import anthropic

        base_url = _get(self.env, "ANTHROPIC_FOUNDRY_BASE_URL")
        if base_url:
            return anthropic.AnthropicFoundry(
                api_key=key,
                base_url=base_url,
                max_retries=c.max_retries,
                timeout=c.timeout,
                middleware=c.middleware(),
            )
        return anthropic.AnthropicFoundry(
            api_key=key,
            resource=self.settings.resource or _get(self.env, "ANTHROPIC_FOUNDRY_RESOURCE"),
            max_retries=c.max_retries,
            timeout=c.timeout,
            middleware=c.middleware(),
        )


def _need(module: str, extra: str) -> None:
    if importlib.util.find_spec(module.split(".")[0]) is None or (
        "." in module and importlib.util.find_spec(module) is None
    ):
        raise LLMError(
            f"llm.provider is {extra}, but the {extra} extra is not installed: set the action's"
            f" `llm-provider: {extra}` input (or install agent-foreman[{extra}])"
        )
