"""Config of the two loops: CI failures to a fixer, review feedback back to the PR's worker."""

# No ``from __future__ import annotations`` in the model modules (see models.py).

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, defer_build=True, strict=True, allow_inf_nan=False
    )


class CILoop(_Strict):
    enabled: bool = Field(True, description="Handle failed workflow_run events.")
    workflows: list[str] = Field(
        default=[],
        description="Workflows whose failures are handled, by name or path"
        " (.github/workflows/ci.yml); empty: all except the foreman's own.",
    )
    exclude: list[str] = Field(default=[], description="Workflows never handled, by name or path.")
    max_jobs: int = Field(
        3, ge=1, le=20, description="Failed jobs whose logs are read per run (the first ones)."
    )
    max_log_bytes: int = Field(
        2_000_000,
        ge=10_000,
        le=50_000_000,
        description="Bytes read of each job's log (the end of a longer log is kept).",
    )
    excerpt_chars: int = Field(
        6000,
        ge=500,
        le=50_000,
        description="Characters of each failing job's log in the brief (the failing part kept).",
    )
    on_default_branch: bool = Field(
        True, description="A failure on the default branch becomes a ci-fix pull request."
    )


class ReviewLoop(_Strict):
    enabled: bool = Field(
        True, description="Review feedback on the foreman's own PRs runs its worker again."
    )
    max_comments: int = Field(
        30, ge=1, le=200, description="Review comments carried into one round's brief."
    )


class LoopsConfig(_Strict):
    ci: CILoop = Field(default_factory=CILoop, description="CI failures to a fixer.")
    review: ReviewLoop = Field(
        default_factory=ReviewLoop, description="Review comments back to the PR's worker."
    )
    max_rounds: int = Field(
        3,
        ge=1,
        le=20,
        description="Rounds (pushes after the first commit) per foreman PR, from reviews and"
        " CI together; at the cap the PR is labelled for a human and the foreman stops.",
    )
    human_label: str = Field(
        "foreman:needs-human",
        min_length=1,
        max_length=50,
        description="Label the gate puts on a foreman PR at the round limit.",
    )
