"""FakeAnthropic behind a cloud front: FakeBedrock, FakeVertex, FakeFoundry.

Scripted exactly like FakeAnthropic (``script(...)``, ``message_requests``); each
knows the credentials it accepts and gives the environment a foreman job would have
(``env()``: what the official auth actions export, plus the base URL of the fake).
"""

from __future__ import annotations

import secrets
from typing import Any

from .cloud_server import BedrockHandler, FoundryHandler, VertexHandler
from .fake_anthropic import FakeAnthropic


class FakeBedrock(FakeAnthropic):
    handler_class = BedrockHandler

    def __init__(self, *, region: str = "us-east-1", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.region = region
        self.access_key = "ASIA" + secrets.token_hex(8).upper()
        self.secret_key = secrets.token_urlsafe(30)
        self.session_token = "IQoJb3JpZ2luX2Vj" + secrets.token_urlsafe(60)

    def env(self) -> dict[str, str]:
        """What aws-actions/configure-aws-credentials (role-to-assume) leaves behind."""
        return {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_SESSION_TOKEN": self.session_token,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "ANTHROPIC_BEDROCK_BASE_URL": self.url,
        }


class FakeVertex(FakeAnthropic):
    handler_class = VertexHandler

    def __init__(
        self, *, project: str = "foreman-fake-1", region: str = "us-east5", **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.project, self.region = project, region
        self.access_token = "ya29.fake-" + secrets.token_urlsafe(40)

    def env(self) -> dict[str, str]:
        """What google-github-actions/auth (an access token) and the job's settings leave."""
        return {
            "GOOGLE_OAUTH_ACCESS_TOKEN": self.access_token,
            "GOOGLE_CLOUD_PROJECT": self.project,
            "CLOUDSDK_CORE_PROJECT": self.project,
            "CLOUD_ML_REGION": self.region,
            "ANTHROPIC_VERTEX_BASE_URL": f"{self.url}/v1",
        }


class FakeFoundry(FakeAnthropic):
    handler_class = FoundryHandler

    def env(self) -> dict[str, str]:
        return {
            "ANTHROPIC_FOUNDRY_API_KEY": self.api_key,
            "ANTHROPIC_FOUNDRY_BASE_URL": f"{self.url}/anthropic/",
        }


CLOUDS: dict[str, type[FakeAnthropic]] = {
    "bedrock": FakeBedrock,
    "vertex": FakeVertex,
    "foundry": FakeFoundry,
}
