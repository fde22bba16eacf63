"""Process start-up tweaks of the ``foreman`` command (never applied on import).

pydantic looks for plugins through package metadata the first time it builds a
validator: its loader imports ``importlib.metadata`` (with ``email``, ``zipfile``
and ``csv``), about 40 to 70 ms of every ``foreman`` process on the build machine, and
then scans every installed distribution. foreman uses no pydantic plugin and
runs in its own locked environment, so the command puts a loader that finds
none in the loader's place before pydantic imports the real one. Libraries
importing foreman are untouched: only :func:`foreman.cli.main` calls this.
"""

from __future__ import annotations

import sys
from types import ModuleType

PLUGIN_LOADER = "pydantic.plugin._loader"


def _no_plugins() -> tuple[()]:
    return ()


def skip_pydantic_plugin_scan() -> None:
    """No-op when the loader is already imported (e.g. in a test process)."""
    if PLUGIN_LOADER in sys.modules:
        return
    loader = ModuleType(PLUGIN_LOADER, "foreman: pydantic plugins are not used")
    loader.get_plugins = _no_plugins  # type: ignore[attr-defined]
    sys.modules[PLUGIN_LOADER] = loader
