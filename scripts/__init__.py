"""The project's scripts: the action's launchers (run by path) and the maintainers' tools
(``python -m scripts.soak``, ``python -m scripts.scenarios``, run from the repository root)."""
