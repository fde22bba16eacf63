"""Safe YAML loading that remembers where every key came from.

``load_yaml`` returns plain Python data plus a map from key paths
(``("routing", "rules", 0, "worker")``) to 1-based line numbers, so config
errors can name the file, the line and the key. It refuses oversized files,
alias bombs, deep nesting and duplicate keys with a :class:`ConfigError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from foreman.errors import ConfigError, Location

MAX_BYTES = 1_000_000
MAX_NODES = 20_000  # after alias expansion; a "billion laughs" file hits this at once
MAX_DEPTH = 50  # foreman.yml needs 6; PyYAML's composer recurses and fails near 300-500

Path_ = tuple[str | int, ...]

if TYPE_CHECKING:
    import yaml


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: dict[Path_, int] = {}
        self.nodes = 0
        import yaml

        self._yaml = yaml
        self._scalars = yaml.SafeLoader("")  # used only to construct scalar values

    def fail(self, node: yaml.Node, message: str, path: Path_) -> ConfigError:
        loc = Location(self.file, node.start_mark.line + 1, dotted(path) or None)
        return ConfigError(message, location=loc)

    def build(self, node: yaml.Node, path: Path_) -> Any:
        yaml = self._yaml
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.fail(
                node, f"document expands to more than {MAX_NODES} nodes (alias bomb?)", path
            )
        self.lines.setdefault(path, node.start_mark.line + 1)
        is_container = isinstance(node, (yaml.MappingNode, yaml.SequenceNode))
        if is_container and len(path) > MAX_DEPTH:
            raise self.fail(node, f"nested too deeply (more than {MAX_DEPTH} levels)", path)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise self.fail(key_node, "YAML merge keys ('<<') are not supported", path)
                key = self.build(key_node, (*path, "<key>"))
                if not isinstance(key, str):
                    # The text as written: `on:` is the key 'on', not 'True' (YAML 1.1 booleans).
                    is_scalar = isinstance(key_node, yaml.ScalarNode)
                    key = key_node.value if is_scalar else str(key)
                if key in out:
                    raise self.fail(key_node, f"duplicate key '{key}'", (*path, key))
                self.lines[(*path, key)] = key_node.start_mark.line + 1
                out[key] = self.build(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        try:
            return self._scalars.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as err:
            raise self.fail(node, f"invalid value: {err.problem}", path) from None


def dotted(path: Path_) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def load_yaml(text: str | bytes, file: str) -> tuple[Any, dict[Path_, int]]:
    """Parse one YAML document. Empty input gives ``None``."""
    size = len(text.encode("utf-8") if isinstance(text, str) else text)
    if size > MAX_BYTES:
        raise ConfigError(
            f"file is {size} bytes; the limit is {MAX_BYTES} bytes", location=Location(file)
        )
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as err:
            raise ConfigError(f"not valid UTF-8 ({err.reason})", location=Location(file)) from None
    # Imported here: PyYAML's import is ~100 M CPU instructions (a tenth of a plan), which a
    # repository without a config file does not need.
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except RecursionError:
        where = Location(file, loader.get_mark().line + 1)
        raise ConfigError(
            f"nested too deeply (more than {MAX_DEPTH} levels)", location=where
        ) from None
    except yaml.MarkedYAMLError as err:
        raise ConfigError(
            _syntax_message(err), location=Location(file, _syntax_line(err))
        ) from None
    except yaml.YAMLError as err:
        raise ConfigError(f"invalid YAML: {err}", location=Location(file)) from None
    finally:
        loader.dispose()
    if node is None:
        return None, {}
    builder = _Builder(file)
    data = builder.build(node, ())
    return data, builder.lines


def _syntax_line(err: yaml.MarkedYAMLError) -> int | None:
    """The line to fix: where an unclosed ``{``/``[`` opened (the parser notices only at the
    next token, often a line later), else where the parser stopped."""
    opened = err.context_mark if _unclosed_flow(err) else None
    mark = opened or err.problem_mark or err.context_mark
    return mark.line + 1 if mark else None


def _syntax_message(err: yaml.MarkedYAMLError) -> str:
    reason = err.problem or err.context or "invalid YAML"
    if _unclosed_flow(err) and err.context_mark and err.problem_mark:
        kind = "mapping '{'" if "mapping" in (err.context or "") else "sequence '['"
        found = err.problem_mark.line + 1
        return (
            f"invalid YAML: the flow {kind} opened on this line is not closed where expected"
            f" ({reason} on line {found})"
        )
    return f"invalid YAML: {reason}"


def _unclosed_flow(err: yaml.MarkedYAMLError) -> bool:
    context = err.context or ""
    return context.startswith("while parsing a flow") and bool(
        err.context_mark and err.problem_mark and err.problem_mark.line > err.context_mark.line
    )
