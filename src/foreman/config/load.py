"""Load and validate ``.github/foreman.yml`` once, at the boundary.

Every problem is reported with the file, the line and the dotted key, and all
problems are reported at once.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from foreman.config.models import WORKER_NAME, WORKER_NAME_RULE, Config, Match
from foreman.config.workers import BUILTINS, known_workers, worker_spec
from foreman.config.yamlload import Path_, dotted, load_yaml
from foreman.errors import ConfigError, Location, UsageError
from foreman.event_names import HANDLED, LOOP_EVENTS

DEFAULT_PATHS = (".github/foreman.yml", ".github/foreman.yaml")
YAML_BOOLS = {"on", "off", "yes", "no", "true", "false"}  # YAML 1.1 (PyYAML) booleans


def find_config(root: Path, explicit: str | None = None) -> Path | None:
    """The config file to use: ``explicit`` (``--config``, else ``FOREMAN_CONFIG``: the
    command passes whichever is set), or the default location."""
    if not root.is_dir():
        raise UsageError("repository root is not a directory", location=Location(str(root)))
    chosen = explicit or None
    if chosen:
        path = Path(chosen)
        path = path if path.is_absolute() else root / path
        if not path.is_file():
            tried = (
                ""
                if Path(chosen).is_absolute()
                else f" (a relative path is read from --root {root})"
            )
            raise ConfigError(
                f"config file not found: {path}{tried}", location=Location(str(chosen))
            )
        return path
    for rel in DEFAULT_PATHS:
        if (root / rel).is_file():
            return root / rel
    return None


def load_config(path: Path | None, *, display: str | None = None) -> Config:
    """Parse and validate a config file; ``None`` gives the defaults."""
    if path is None:
        return Config()
    name = display or str(path)
    try:
        size = path.stat().st_size
        if size > 1_000_000:
            raise ConfigError(
                f"file is {size} bytes; the limit is 1000000 bytes", location=Location(name)
            )
        raw = path.read_bytes()
    except OSError as err:
        raise ConfigError(f"cannot read config: {err.strerror}", location=Location(name)) from None
    return parse_config(raw, name)


def parse_config(text: str | bytes, file: str) -> Config:
    data, lines = load_yaml(text, file)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            "the top level must be a mapping (key: value)", location=Location(file, 1)
        )
    try:
        config = Config.model_validate(data)
    except ValidationError as err:
        problems = [_problem(e, lines, file) for e in err.errors()]
        raise ConfigError(f"{len(problems)} problem(s) in {file}", problems=problems) from None
    problems = _cross_check(config, lines, file)
    if problems:
        raise ConfigError(f"{len(problems)} problem(s) in {file}", problems=problems)
    return config


def _line_for(path: Path_, lines: dict[Path_, int]) -> int | None:
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def _problem(error: Any, lines: dict[Path_, int], file: str) -> tuple[Location, str]:
    # pydantic reports a bad dict key (a worker name) as a "[key]" segment after the key.
    loc: Path_ = tuple(p for p in error["loc"] if isinstance(p, (str, int)) and p != "[key]")
    key = dotted(loc)
    kind = error["type"]
    given = error.get("input")
    if kind == "extra_forbidden":
        msg = _unknown_key(loc)
    elif kind == "missing":
        msg = f"missing required key '{loc[-1]}'"
    elif kind == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == WORKER_NAME:
        name = str(given)
        hint = name.lower().replace("_", "-")
        extra = f" (did you mean '{hint}'?)" if re.match(WORKER_NAME, hint) else ""
        msg = f"invalid worker name {name!r}{extra}: {WORKER_NAME_RULE}"
    else:
        text = str(error["msg"]).removeprefix("Value error, ")
        msg = f"{text} (got {given!r:.60}{_quoted_hint(kind, given)})"
    return Location(file, _line_for(loc, lines), key or None), msg


def _unknown_key(loc: Path_) -> str:
    name = str(loc[-1])
    if name.lower() in YAML_BOOLS:
        top_on = loc == (name,) and name.lower() == "on"
        trigger = " — event triggers belong in the workflow file" if top_on else ""
        return (
            f"unknown key '{name}' (YAML reads an unquoted on/off/yes/no as true/false;"
            f" foreman.yml has no such key{trigger})"
        )
    allowed = _allowed_keys(loc[:-1])
    hint = difflib.get_close_matches(name, allowed, n=1)
    msg = f"unknown key '{name}'" + (f" (did you mean '{hint[0]}'?)" if hint else "")
    if allowed and not hint:
        msg += f"; allowed here: {', '.join(sorted(allowed))}"
    return msg


def _quoted_hint(kind: str, given: object) -> str:
    """For '20' where a number is wanted: validation is strict, a YAML string is no number."""
    if not isinstance(given, str):
        return ""
    text = given.strip().lower()
    number = kind in ("int_type", "float_type") and re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)", text)
    boolean = kind == "bool_type" and text in YAML_BOOLS
    return "; remove the quotes" if number or boolean else ""


def _allowed_keys(path: Path_) -> list[str]:
    """Keys a mapping at ``path`` accepts, read from the models (for "did you mean")."""
    ann: Any = Config
    for part in path:
        model = _first_model(ann)
        origin = getattr(ann, "__origin__", None)
        if isinstance(part, int) or origin is dict:
            args = getattr(ann, "__args__", ()) or ()
            ann = args[-1] if args else None
        elif model is not None:
            field = next((f for n, f in model.model_fields.items() if part in (n, f.alias)), None)
            ann = field.annotation if field is not None else None
        else:
            return []
    model = _first_model(ann)
    return [f.alias or n for n, f in model.model_fields.items()] if model else []


def _first_model(ann: Any) -> Any:
    """The pydantic model in an annotation like ``Foo | None`` (not inside containers)."""
    if hasattr(ann, "model_fields"):
        return ann
    if getattr(ann, "__origin__", None) in (list, dict):
        return None
    for arg in getattr(ann, "__args__", ()) or ():
        if hasattr(arg, "model_fields"):
            return arg
    return None


def _never_matches(when: Match, at: Path_) -> list[tuple[Path_, str]]:
    """Conditions of one rule that no event foreman routes can meet (typos, contradictions)."""
    out: list[tuple[Path_, str]] = []
    events: list[str] = list(when.event or (e for e in HANDLED if e not in LOOP_EVENTS))
    routed = sorted({a for e in events for a in (HANDLED.get(e) or ())})
    for j, action in enumerate(when.action or ()):
        if action not in routed:
            hint = difflib.get_close_matches(action, routed, n=1)
            extra = f" (did you mean '{hint[0]}'?)" if hint else ""
            out.append(
                (
                    (*at, "action", j),
                    f"action '{action}' never reaches routing{extra}; foreman routes"
                    f" {'; '.join(_routed_actions(events)) or 'no action of these events'}",
                )
            )
    wants_pr = when.is_pull_request or when.paths_any is not None or when.paths_all is not None
    if wants_pr and when.is_pull_request is False:
        contradiction = (
            "paths_any / paths_all look at a pull request's files, but is_pull_request is false"
        )
    elif wants_pr and set(events) <= {"issues"}:
        contradiction = "the rule needs a pull request, but an issues event never is one"
    elif when.is_pull_request is False and set(events) <= {"pull_request"}:
        contradiction = "is_pull_request is false, but a pull_request event always is one"
    else:
        return out
    out.append((at, f"{contradiction}: the rule never matches"))
    return out


def _routed_actions(events: Sequence[str]) -> list[str]:
    return [f"{e}: {'/'.join(sorted(HANDLED[e] or ()))}" for e in events if HANDLED.get(e)]


def _cross_check(config: Config, lines: dict[Path_, int], file: str) -> list[tuple[Location, str]]:
    known = known_workers(config)
    problems = _worker_refs(config, known, lines, file)
    for i, rule in enumerate(config.routing.rules):
        for at, message in _never_matches(rule.when, ("routing", "rules", i, "if")):
            problems.append((Location(file, _line_for(at, lines), dotted(at)), message))
    rules = config.routing.rules
    if config.routing.mode == "first":
        for i, rule in enumerate(rules[:-1]):
            if not rule.when.model_dump(exclude_none=True):
                where: Path_ = ("routing", "rules", i, "if")
                problems.append(
                    (
                        Location(file, _line_for(where, lines), dotted(where)),
                        f"rule #{i + 1} has no conditions, so it matches every event and, with"
                        f" routing.mode: first, the {len(rules) - i - 1} rule(s) after it never"
                        " run",
                    )
                )
                break
    problems += _trigger_labels(config, lines, file)
    problems += _merge_evidence(config, known, lines, file)
    problems += _provider_models(config, known, lines, file)
    fallback = config.routing.fallback
    if fallback in known and worker_spec(config, fallback).writes_code:
        problems.append(
            (
                Location(file, _line_for(("routing", "fallback"), lines), "routing.fallback"),
                "the fallback worker must not write code (it runs when routing is unsure)",
            )
        )
    for name, w in config.workers.items():
        if name not in BUILTINS and w.enabled and not w.prompt and w.kind in (None, "agent"):
            path: Path_ = ("workers", name)
            problems.append(
                (
                    Location(file, _line_for(path, lines), dotted(path)),
                    f"custom worker '{name}' needs a 'prompt' (or kind: command with 'commands')",
                )
            )
        if name not in BUILTINS and w.kind == "command" and not w.commands:
            path = ("workers", name, "commands")
            problems.append(
                (
                    Location(file, _line_for(path, lines), dotted(path)),
                    f"command worker '{name}' needs 'commands'",
                )
            )
    return problems


def _trigger_labels(
    config: Config, lines: dict[Path_, int], file: str
) -> list[tuple[Location, str]]:
    """A label the gate may apply must not start a worker: a triage worker proposing
    ``foreman:debug`` would otherwise start ``debug`` in the gate's name (S17)."""
    prefix = config.triggers.label_prefix.lower()
    markers = {x.lower() for x in (config.gate.labels.handled, *config.inbox.exclude_labels)}
    problems: list[tuple[Location, str]] = []
    for i, label in enumerate(config.gate.labels.allowed):
        if label.lower().startswith(prefix) and label.lower() not in markers:
            path: Path_ = ("gate", "labels", "allowed", i)
            problems.append(
                (
                    Location(file, _line_for(path, lines), dotted(path)),
                    f"'{label}' is a trigger label (triggers.label_prefix '{prefix}'): if the"
                    " gate applied it, a worker would start in the gate's name; remove it",
                )
            )
    return problems


def _worker_refs(
    config: Config, known: set[str], lines: dict[Path_, int], file: str
) -> list[tuple[Location, str]]:
    """Every worker the config names must exist and be enabled."""
    classifier = config.routing.classifier
    # (name, key, whether an unwritten default naming a disabled worker is a problem)
    refs: list[tuple[str, Path_, bool]] = [
        (r.worker, ("routing", "rules", i, "worker"), True)
        for i, r in enumerate(config.routing.rules)
    ]
    refs += [
        (w, ("routing", "classifier", "classes", label), classifier.enabled)
        for label, w in classifier.classes.items()
    ]
    refs.append((config.routing.fallback, ("routing", "fallback"), True))
    # A disabled worker opens no PRs, so the default merge list may keep naming it.
    refs += [
        (n, ("gate", "merge", "workers", i), False) for i, n in enumerate(config.gate.merge.workers)
    ]
    refs += [
        (n, ("gate", "allow_protected", i), False)
        for i, n in enumerate(config.gate.allow_protected)
    ]
    problems: list[tuple[Location, str]] = []
    defaults: dict[str, list[Path_]] = {}  # disabled worker -> unwritten defaults naming it
    for name, path, default_matters in refs:
        if name in known:
            continue
        if name in config.workers and path not in lines:
            if default_matters:
                defaults.setdefault(name, []).append(path)
            continue
        problems.append(
            (
                Location(file, _line_for(path, lines), dotted(path)),
                _missing(name, config, known, lines),
            )
        )
    for name, paths in defaults.items():
        switch: Path_ = ("workers", name, "enabled")
        problems.append(
            (Location(file, _line_for(switch, lines), dotted(switch)), _disabled(name, paths))
        )
    return problems


def _missing(name: str, config: Config, known: set[str], lines: dict[Path_, int]) -> str:
    if name in config.workers:
        switch: Path_ = ("workers", name, "enabled")
        line = _line_for(switch, lines)
        return f"worker '{name}' is disabled ({dotted(switch)}: false, line {line})"
    hint = difflib.get_close_matches(name, sorted(known), n=1)
    extra = f" (did you mean '{hint[0]}'?)" if hint else ""
    return f"unknown worker '{name}'{extra}; known workers: {', '.join(sorted(known))}"


def _disabled(name: str, paths: list[Path_]) -> str:
    """Why defaults the user never wrote fail once ``name`` is disabled, and the fix."""
    keys = [dotted(p) for p in paths]
    listed = ", ".join(keys[:-1]) + " and " + keys[-1] if len(keys) > 1 else keys[0]
    classes = sum(p[:3] == ("routing", "classifier", "classes") for p in paths)
    fixes = []
    if ("routing", "fallback") in paths:
        fixes.append("set routing.fallback to another enabled worker that does not write code")
    if classes:
        those = (
            "those classes to enabled workers" if classes > 1 else "that class to an enabled worker"
        )
        fixes.append(f"map {those} in routing.classifier.classes")
    plural = len(keys) > 1
    return (
        f"worker '{name}' is disabled, but the default{'s' if plural else ''} {listed}"
        f" use{'' if plural else 's'} it: {' and '.join(fixes)}, or keep '{name}' enabled"
    )


def _merge_evidence(
    config: Config, known: set[str], lines: dict[Path_, int], file: str
) -> list[tuple[Location, str]]:
    """An agent worker's patch merges only on the repository's green checks (S08): its own
    test results come from the job that ran the code under test, so they prove nothing."""
    merge = config.gate.merge
    agents = [n for n in merge.workers if n in known and worker_spec(config, n).kind == "agent"]
    if merge.checks == "green" or not agents:
        return []
    at: Path_ = ("gate", "merge", "checks")
    return [
        (
            Location(file, _line_for(at, lines), dotted(at)),
            f"checks: {merge.checks} cannot merge agent worker(s) {', '.join(agents)}"
            " (gate.merge.workers): their own test results are not evidence the gate can"
            " check; use checks: green (the repository's CI on the PR head), or list only"
            " command workers such as lint-fix",
        )
    ]


def _provider_models(
    config: Config, known: set[str], lines: dict[Path_, int], file: str
) -> list[tuple[Location, str]]:
    """Every model the foreman would call has an id at llm.provider (or llm.models gives one)."""
    from foreman.config.model_ids import provider_model

    llm = config.llm
    used: list[tuple[Path_, str]] = [(("routing", "llm", "model"), config.routing.llm.model)]
    for name in sorted(known):
        spec = worker_spec(config, name)
        if spec.kind in ("agent", "triage", "review"):
            used.append((("workers", name, "model"), spec.model))
    problems: list[tuple[Location, str]] = []
    seen: set[str] = set()
    for at, model in used:
        if model in seen:
            continue
        seen.add(model)
        try:
            provider_model(llm.provider, model, overrides=llm.models,
                           bedrock_profile=llm.bedrock_profile)  # fmt: skip
        except ConfigError as err:
            where = at if at in lines else ("llm", "provider")
            problems.append((Location(file, _line_for(where, lines), dotted(where)), err.message))
    return problems
