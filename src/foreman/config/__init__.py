"""Configuration: ``.github/foreman.yml`` models, loading and validation."""

from __future__ import annotations

from foreman.config.load import DEFAULT_PATHS, find_config, load_config, parse_config
from foreman.config.models import Config
from foreman.config.workers import BUILTINS, WorkerSpec, known_workers, worker_spec

__all__ = [
    "BUILTINS",
    "DEFAULT_PATHS",
    "Config",
    "WorkerSpec",
    "find_config",
    "known_workers",
    "load_config",
    "parse_config",
    "worker_spec",
]
