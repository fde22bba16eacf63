"""Anthropic model names -> the ids Amazon Bedrock and Google Vertex AI know them by.

Bedrock ids are ``anthropic.<name>[-<date>-v1:0]``, called through a cross-region
inference profile (``global.``, ``us.``, ...) for the newer models; Vertex ids are
``<name>@<date>`` (current models: the bare name). Foundry deployments are named
by their owner and take the Anthropic name as is. ``llm.models`` in the config
adds or overrides ids (an inference profile ARN, a deployment name).
"""

from __future__ import annotations

from collections.abc import Mapping

from foreman.errors import ConfigError

# name: (bedrock id without a profile prefix, vertex id)
KNOWN: dict[str, tuple[str, str]] = {
    "claude-haiku-4-5": ("anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5@20251001"),
    "claude-sonnet-4-5": (
        "anthropic.claude-sonnet-4-5-20250929-v1:0",
        "claude-sonnet-4-5@20250929",
    ),
    "claude-opus-4-5": ("anthropic.claude-opus-4-5-20251101-v1:0", "claude-opus-4-5@20251101"),
    "claude-opus-4-1": ("anthropic.claude-opus-4-1-20250805-v1:0", "claude-opus-4-1@20250805"),
    "claude-sonnet-4-6": ("anthropic.claude-sonnet-4-6", "claude-sonnet-4-6"),
    "claude-opus-4-6": ("anthropic.claude-opus-4-6-v1", "claude-opus-4-6"),
}
# Dated names say the same model as the undated ones above.
ALIASES = {
    "claude-haiku-4-5-20251001": "claude-haiku-4-5",
    "claude-sonnet-4-5-20250929": "claude-sonnet-4-5",
    "claude-opus-4-5-20251101": "claude-opus-4-5",
    "claude-opus-4-1-20250805": "claude-opus-4-1",
}


def _native(provider: str, model: str) -> bool:
    """``model`` is already written the provider's way (used as given)."""
    if provider == "bedrock":
        return model.startswith("arn:") or ".anthropic." in model or model.startswith("anthropic.")
    if provider == "vertex":
        return "@" in model
    return True


def provider_model(
    provider: str, model: str, *, overrides: Mapping[str, str], bedrock_profile: str | None
) -> str:
    """The id ``provider`` knows ``model`` by; ``ConfigError`` naming the model if none."""
    if model in overrides:
        return overrides[model]
    if provider in ("anthropic", "foundry") or _native(provider, model):
        return model
    ids = KNOWN.get(ALIASES.get(model, model))
    if ids is None:
        known = ", ".join(sorted(KNOWN))
        raise ConfigError(
            f"model '{model}' is not known for llm.provider {provider}: use one of {known},"
            f" or give its {provider} id under llm.models (e.g. llm.models: {{{model}: <id>}})"
        )
    bedrock, vertex = ids
    if provider == "vertex":
        return vertex
    return f"{bedrock_profile}.{bedrock}" if bedrock_profile else bedrock
