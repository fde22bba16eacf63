"""The package's import graph, read from the source: no circles, no stage importing another,
no layer importing one above it. Imports inside functions and under ``TYPE_CHECKING`` count
too: a circle hidden in a function is still a circle for the reader."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

# Top to bottom. A module may import its own unit (the package or module named here) and any
# unit of a lower layer. Units of one layer may import each other only where the layer says
# so; the three stages never do: what two of them share lives below them.
LAYERS: list[tuple[str, bool, set[str]]] = [
    # (name, units of this layer may import each other, units)
    ("entry", True, {"foreman.__main__", "foreman.cli", "foreman.startup"}),
    (
        "commands",
        True,
        {
            "foreman.commands",
            "foreman.doctor",
            "foreman.doctor_run",
            "foreman.local_run",
            "foreman.local_report",
        },
    ),
    ("stages", False, {"foreman.routing", "foreman.workers", "foreman.gate"}),
    ("classifier", False, {"foreman.classifier"}),
    ("adapters", False, {"foreman.github", "foreman.llm", "foreman.terminal"}),
    ("events", False, {"foreman.events"}),
    ("runner", False, {"foreman.actions"}),
    ("config", False, {"foreman.config"}),
    ("contracts", False, {"foreman.contracts"}),
    (
        "base",
        True,
        {
            "foreman",
            "foreman.doctor_finding",
            "foreman.errors",
            "foreman.event_names",
            "foreman.jsontext",
            "foreman.lintcount",
            "foreman.mdtext",
            "foreman.names",
            "foreman.paths",
            "foreman.progress",
            "foreman.sanitize",
            "foreman.secrets",
            "foreman.timelimit",
        },
    ),
]


def _modules(src: Path = SRC) -> dict[str, tuple[Path, bool]]:
    found: dict[str, tuple[Path, bool]] = {}
    for path in sorted((src / "foreman").rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if package else parts)] = (path, package)
    return found


def _imported(module: str, package: bool, tree: ast.AST, known: set[str]) -> Iterator[str]:
    """Every foreman module ``tree`` imports, wherever the import statement stands."""
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                steps = module.split(".") if package else module.split(".")[:-1]
                steps = steps[: len(steps) - (node.level - 1)]
                base = ".".join([*steps, *([node.module] if node.module else [])])
            # `from foreman.x import y` imports the module foreman.x.y when there is one
            names = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
            ]
        for name in names:  # the longest known prefix: a module, else its package
            while name not in known and "." in name:
                name = name.rsplit(".", 1)[0]
            if name in known and name != module:
                yield name


def import_graph(src: Path = SRC) -> dict[str, set[str]]:
    modules = _modules(src)
    known = set(modules)
    return {
        module: set(_imported(module, package, ast.parse(path.read_text()), known))
        for module, (path, package) in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle (as a path back to its start) per strongly connected group of modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan; the package is small enough for recursion
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while (member := stack.pop()) != node:
                group.append(member)
            if group:
                groups.append(sorted([*group, node]))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_circle(graph, group) for group in groups]


def _circle(graph: dict[str, set[str]], group: list[str]) -> list[str]:
    """A shortest path from the group's first module back to itself, inside the group."""
    start, members = group[0], set(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node] & members):
                if target == start:
                    return [*paths[node], start]
                if target not in paths:
                    paths[target] = [*paths[node], target]
                    following.append(target)
        frontier = following
    return group


def _place(module: str) -> tuple[int, str]:
    """The layer (its position, top = 0) and the unit a module belongs to."""
    best: tuple[int, str] | None = None
    for position, (_, _, units) in enumerate(LAYERS):
        for unit in units:
            inside = module == unit or module.startswith(unit + ".")
            if inside and (best is None or len(unit) > len(best[1])):
                best = (position, unit)
    assert best is not None, f"{module} is in no layer: add it to LAYERS"
    return best


def crossings(graph: dict[str, set[str]]) -> list[str]:
    found = []
    for module in sorted(graph):
        here, unit = _place(module)
        for target in sorted(graph[module]):
            there, other = _place(target)
            if other == unit or there > here or (there == here and LAYERS[here][1]):
                continue
            why = "a layer above" if there < here else f"another of the {LAYERS[here][0]}"
            found.append(f"{module} -> {target} ({why})")
    return found


def test_the_graph_is_read_from_the_source(tmp_path: Path) -> None:
    package = tmp_path / "foreman"
    (package / "gate").mkdir(parents=True)
    files = {
        "__init__.py": "",
        "names.py": "import foreman.paths\n",
        "paths.py": "",
        "gate/__init__.py": "from . import run\n",
        "gate/run.py": "from ..names import x\n\ndef f():\n    from foreman.gate import model\n",
        "gate/model.py": "if TYPE_CHECKING:\n    from .run import f\n",
    }
    for name, text in files.items():
        (package / name).write_text(text)
    assert import_graph(tmp_path) == {
        "foreman": set(),
        "foreman.names": {"foreman.paths"},
        "foreman.paths": set(),
        "foreman.gate": {"foreman.gate.run"},  # `from . import run`: the module
        "foreman.gate.run": {"foreman.names", "foreman.gate.model"},  # in a function too
        "foreman.gate.model": {"foreman.gate.run"},  # under TYPE_CHECKING too
    }
    assert all(_place(module) for module in import_graph())  # every real module has a layer


def test_no_import_circles() -> None:
    found = cycles(import_graph())
    assert not found, "import circles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_no_stage_crossings_and_no_import_upwards() -> None:
    found = crossings(import_graph())
    assert not found, "imports across stages or up a layer:\n" + "\n".join(found)


# CamelCase names (classes, type aliases) the package defines more than once, on purpose.
# `Model`: the contracts' pydantic base and the classifier's model; `Prediction`: the
# classifier's answer and the shape routing expects of it (both in the classifier's move).
SHARED_NAMES: set[str] = set()  # none: every class or alias name means one thing


def test_one_meaning_per_type_name() -> None:
    """A class or type alias is defined in one module: two meanings for one name make a reader
    stop and search (issue #25)."""
    where: dict[str, list[str]] = {}
    for module, (path, _) in _modules().items():
        for node in ast.parse(path.read_text()).body:
            names = []
            if isinstance(node, ast.ClassDef):
                names = [node.name]
            elif isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            for name in names:
                if name[:1].isupper() and not name.isupper():
                    where.setdefault(name, []).append(module)
    twice = {n: m for n, m in where.items() if len(m) > 1 and n not in SHARED_NAMES}
    assert not twice, f"names defined in more than one module: {twice}"


def test_the_checks_see_a_circle_and_a_crossing() -> None:
    graph = {
        "foreman.routing.a": {"foreman.routing.b", "foreman.gate.c"},
        "foreman.routing.b": {"foreman.routing.a"},
        "foreman.gate.c": set(),
        "foreman.names": {"foreman.config"},
        "foreman.config": set(),
    }
    assert cycles(graph) == [["foreman.routing.a", "foreman.routing.b", "foreman.routing.a"]]
    assert crossings(graph) == [
        "foreman.names -> foreman.config (a layer above)",
        "foreman.routing.a -> foreman.gate.c (another of the stages)",
    ]
