"""The repository's own environment: ``setup`` (run before the worker) and ``instructions``
(the repository's agent instructions file, added to agent workers' system prompts)."""

# No ``from __future__ import annotations`` in the model modules (see models.py).

from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_INSTRUCTIONS = ("AGENTS.md", "CLAUDE.md", ".github/copilot-instructions.md")


class _Strict(BaseModel):
    # As models.Strict (which imports this module): unknown keys refused, YAML types strict.
    model_config = ConfigDict(
        extra="forbid", frozen=True, defer_build=True, strict=True, allow_inf_nan=False
    )


class SetupConfig(_Strict):
    commands: list[str] = Field(
        default=[],
        max_length=20,
        description=(
            "Commands run by `foreman setup` before the worker, in the workspace, with the"
            " network and without any key or token (e.g. 'python -m venv .venv',"
            " '.venv/bin/pip install -e .[test]'). Default branch only."
        ),
    )
    timeout_seconds: int = Field(
        900, ge=10, le=3600, description="Time limit of all setup commands together."
    )

    @field_validator("commands")
    @classmethod
    def _not_blank(cls, commands: list[str]) -> list[str]:
        for i, command in enumerate(commands):
            if not command.strip():
                raise ValueError(f"commands[{i}] is empty")
        return commands


class InstructionsConfig(_Strict):
    enabled: bool = Field(
        True, description="Add the repository's instructions file to agent workers' prompts."
    )
    file: str | None = Field(
        None,
        description=(
            "The instructions file, relative to the repository root. Default: the first of"
            " AGENTS.md, CLAUDE.md, .github/copilot-instructions.md."
        ),
    )
    max_chars: int = Field(
        8000, ge=500, le=50_000, description="At most this many characters of instructions."
    )
    nested: bool = Field(
        True,
        description=(
            "Also add the nearest AGENTS.md above each path the worker may change"
            " (a subdirectory's own conventions)."
        ),
    )

    @field_validator("file")
    @classmethod
    def _relative(cls, value: str | None) -> str | None:
        if value is not None:
            parts = value.replace("\\", "/").split("/")
            if not value.strip() or value.startswith("/") or ".." in parts:
                raise ValueError("must be a path inside the repository (relative, no '..')")
        return value
