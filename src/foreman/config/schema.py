"""JSON Schema of the config file, generated from the pydantic models."""

from __future__ import annotations

import json
from typing import Any

from foreman.config.models import Config

SCHEMA_ID = "https://github.com/agent-foreman/agent-foreman/raw/v1/src/foreman/config/schema.json"


def generate() -> dict[str, Any]:
    schema = Config.model_json_schema(by_alias=True, mode="validation")
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}
    schema["title"] = "agent-foreman configuration (.github/foreman.yml)"
    return schema


def render() -> str:
    return json.dumps(generate(), indent=2, sort_keys=True) + "\n"
