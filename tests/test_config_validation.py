"""Config mistakes that used to pass validation, or failed with a poor message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from foreman.cli import main
from foreman.config import known_workers, load_config, parse_config, worker_spec
from foreman.errors import ConfigError

FILE = ".github/foreman.yml"


def problems(text: str) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(ConfigError) as info:
        parse_config(text, FILE)
    return [(loc.line, loc.key, msg) for loc, msg in info.value.problems]


def one_problem(text: str) -> tuple[int | None, str | None, str]:
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


def rule(condition: str) -> str:
    return f"routing:\n  rules:\n    - if: {{{condition}}}\n      worker: docs\n"


# --- 1. regexes with nested repetition --------------------------------------------------------

SLOW = [
    r"(a+)+$",
    r"(a*)*",
    r"(\w+\s?)+",
    r"(?:x+y?)*",
    r"(a|a+)+",
    r"(.*a){12}",
    r"(a?){20}",
    r"(a+){2}",
    r"((\.\d+)+)+",
    r"(\.\d*\d*)+",  # a separator does not help when one iteration can split two ways
    r"(\.\d+.)+",  # '.' (any character) can eat the separator
    r"(\.\d+\.?)+",
    r"(x\w+)+",  # \w matches the 'x' too
    r"(X[a-z]+)+",  # [a-z] matches 'X' too: titles are matched case-insensitively
    r"(a+?)+",
    r"(?=(a+)+)b",
    r"crash|(?:b+)*c",
    r"(?P<x>[^.]+\.?)*",
    r"(a{2,5})+",
    r"(?>(a+)+$)",  # an atomic group does not protect what backtracks inside it
    r"(a)(?(1)b+|c)+",
    r"(, ?\w+)*",  # safe, but two repeats in one round: refused (the simple rule)
]

FAST = [
    r"(?:foo|bar)+",
    r"crash|traceback",
    r"a+b+",
    r"\d{1,3}(\.\d+)+",
    r"v(\d+\.)+\d+",
    r"(\w+ )+",
    r"(\.[^.]+)+",
    r"(-\w+)*",
    r"([-_]\d+)+",
    r"(X[0-9]+)+",
    r"(\d{2})+",
    r"(a+)?",
    r"^\[(bug|feat)\]",
    r"(?i)\bsegfault\b",
    r"(?x) crash \s+ report",
    r"^(\w+): ",
    r"(?>\w+\s?)+",  # atomic and possessive inner repeats give back nothing
    r"(\w++\s?+)+",
    r"\w+(?:[-.]\w+)*",
    r"(?:\[[^\]]+\])+",
    r"(?:a{2}){3,}",
]


@pytest.mark.parametrize("pattern", SLOW)
@pytest.mark.parametrize("key", ["title", "body"])
def test_nested_repetition_is_refused(pattern: str, key: str) -> None:
    line, where, msg = one_problem(rule(f"{key}: '{pattern}'"))
    assert (line, where) == (3, f"routing.rules[0].if.{key}")
    assert msg.startswith(
        "nested repetition: can take exponential time on hostile text; rewrite without a"
        " repeated group that contains a repeat"
    )
    assert repr(pattern)[:60] in msg


@pytest.mark.parametrize("pattern", FAST)
def test_regexes_without_nested_repetition_are_accepted(pattern: str) -> None:
    (r,) = parse_config(rule(f"title: '{pattern}'"), FILE).routing.rules
    assert r.when.title == pattern


@pytest.mark.parametrize("pattern", FAST)
def test_accepted_regexes_stay_within_the_plans_time_limit_on_hostile_text(pattern: str) -> None:
    # Exponential patterns never finish on 300 characters (the plan's per-search limit stops
    # them: SlowPattern); polynomial ones take microseconds and give the search's real answer.
    from foreman import timelimit
    from foreman.routing.rules import _search

    assert timelimit.available()  # the limit is live here: a search past it raises SlowPattern
    hostile = ["a" * 300 + "!", "1." * 150 + "!", "x1" * 150 + "!", "foo " * 75 + "!"]
    for text in hostile:
        found = _search(pattern, text, "title")  # bounded first: a slow pattern fails, not hangs
        assert found is (re.search(pattern, text, re.IGNORECASE) is not None), text[:8]


# --- 2. empty condition lists ---------------------------------------------------------------

LIST_CONDITIONS = [
    "event",
    "action",
    "labels_any",
    "labels_all",
    "paths_any",
    "paths_all",
    "author_association",
    "authors",
]


@pytest.mark.parametrize("key", LIST_CONDITIONS)
def test_an_empty_condition_list_is_refused(key: str) -> None:
    line, where, msg = one_problem(rule(f"{key}: []"))
    assert (line, where) == (3, f"routing.rules[0].if.{key}")
    assert msg.startswith("an empty list never matches: remove the key or list values")


def test_every_list_condition_is_covered() -> None:
    from foreman.config.models import Match

    lists = {n for n, f in Match.model_fields.items() if "list" in str(f.annotation)}
    assert lists == set(LIST_CONDITIONS)


def test_schema_says_condition_lists_are_not_empty() -> None:
    from foreman.config.schema import generate

    match = generate()["$defs"]["Match"]["properties"]
    for key in LIST_CONDITIONS:
        (array,) = [s for s in match[key]["anyOf"] if s.get("type") == "array"]
        assert array["minItems"] == 1, key


# --- 3. numbers and booleans given as strings -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "key", "fragment"),
    [
        ("gate:\n  max_files: '20'\n", 2, "gate.max_files", "Input should be a valid integer"),
        ('gate:\n  max_files: "20"\n', 2, "gate.max_files", "(got '20'; remove the quotes)"),
        (
            "routing:\n  classifier:\n    min_confidence: '0.5'\n",
            3,
            "routing.classifier.min_confidence",
            "valid number (got '0.5'; remove the quotes)",
        ),
        ("gate:\n  draft: 'true'\n", 2, "gate.draft", "valid boolean (got 'true'; remove"),
        ("workers:\n  docs: {enabled: 'no'}\n", 2, "workers.docs.enabled", "valid boolean"),
        ("test:\n  timeout_seconds: 60.5\n", 2, "test.timeout_seconds", "valid integer"),
        ("gate:\n  max_files: true\n", 2, "gate.max_files", "valid integer (got True)"),
        ("gate:\n  max_files: nope\n", 2, "gate.max_files", "valid integer (got 'nope')"),
    ],
)
def test_strings_are_not_numbers_or_booleans(text: str, line: int, key: str, fragment: str) -> None:
    found = one_problem(text)
    assert found[:2] == (line, key) and fragment in found[2], found


def test_nope_gets_no_quote_hint() -> None:
    assert "quotes" not in one_problem("gate:\n  max_files: nope\n")[2]


def test_an_int_is_still_a_float_and_yaml_lists_still_work() -> None:
    cfg = parse_config(
        "routing:\n  classifier: {min_confidence: 1}\n  llm: {timeout_seconds: 30}\n"
        "gate:\n  ask: [a, b]\n  max_files: 5\n  draft: false\n",
        FILE,
    )
    assert cfg.routing.classifier.min_confidence == 1.0
    assert cfg.routing.llm.timeout_seconds == 30.0
    assert cfg.gate.ask == ["a", "b"] and cfg.gate.max_files == 5 and cfg.gate.draft is False


def test_bundled_example_configs_still_validate() -> None:
    root = Path(__file__).resolve().parents[1]
    examples = sorted(root.glob("workflows-examples/foreman*.yml"))
    assert examples
    for path in examples:
        load_config(path)


# --- 4. invalid worker names ------------------------------------------------------------------


def test_an_invalid_worker_name_names_the_worker_key() -> None:
    line, key, msg = one_problem("workers:\n  Docs: {max_turns: 3}\n")
    assert (line, key) == (2, "workers.Docs")
    assert msg == (
        "invalid worker name 'Docs' (did you mean 'docs'?): a worker name is 1-40 lowercase"
        " letters, digits and '-', starting with a letter"
    )


def test_an_invalid_worker_name_in_a_rule() -> None:
    line, key, msg = one_problem(
        "routing:\n  rules:\n    - if: {labels_any: [x]}\n      worker: x_y\n"
    )
    assert (line, key) == (4, "routing.rules[0].worker")
    assert msg.startswith("invalid worker name 'x_y' (did you mean 'x-y'?): a worker name is 1-40")


# --- 5. keys YAML reads as booleans -----------------------------------------------------------


def test_on_at_the_top_level_says_what_yaml_did() -> None:
    line, key, msg = one_problem("on:\n  issues: {}\n")
    assert (line, key) == (1, "on")
    assert msg == (
        "unknown key 'on' (YAML reads an unquoted on/off/yes/no as true/false; foreman.yml has"
        " no such key — event triggers belong in the workflow file)"
    )


def test_other_boolean_looking_keys_keep_their_text() -> None:
    line, key, msg = one_problem("gate:\n  Yes: 1\n")
    assert (line, key) == (2, "gate.Yes")
    assert msg.startswith("unknown key 'Yes' (YAML reads an unquoted on/off/yes/no as true/false")
    cfg = parse_config("routing:\n  classifier:\n    learn_labels: {no: question, 1: bug}\n", FILE)
    assert cfg.routing.classifier.learn_labels == {"no": "question", "1": "bug"}


# --- 6. deeply nested documents ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("depth", "key"),
    [(60, "a" + "[0]" * 50), (800, None)],  # 800: PyYAML runs out of stack, before any key
)
def test_deep_nesting_is_a_config_error(depth: int, key: str | None) -> None:
    text = "version: 1\n\na: " + "[" * depth + "]" * depth + "\n"
    assert one_problem(text) == (3, key, "nested too deeply (more than 50 levels)")


def test_deep_block_nesting_names_the_line_and_key() -> None:
    text = "".join(" " * i + f"k{i}:\n" for i in range(60)) + " " * 60 + "x\n"
    line, key, msg = one_problem(text)
    assert (line, msg) == (52, "nested too deeply (more than 50 levels)")
    assert key == ".".join(f"k{i}" for i in range(51))


def test_deep_nesting_via_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deep = tmp_path / "deep.yml"
    deep.write_text("a: " + "[" * 800 + "]" * 800 + "\n")
    assert main(["validate", str(deep)]) == 3
    err = capsys.readouterr().err
    assert f"{deep}:1" in err and "nested too deeply" in err and "Traceback" not in err


def test_ordinary_nesting_is_fine() -> None:
    cfg = parse_config(
        "routing:\n  rules:\n    - if: {labels_any: [a, b]}\n      worker: docs\n", FILE
    )
    assert cfg.routing.rules[0].when.labels_any == ["a", "b"]


# --- 7. disabled workers that defaults use ----------------------------------------------------


def test_disabling_the_fallback_worker_gives_one_error_at_its_key() -> None:
    line, key, msg = one_problem("version: 1\nworkers:\n  triage: {enabled: false}\n")
    assert (line, key) == (3, "workers.triage.enabled")
    assert msg == (
        "worker 'triage' is disabled, but the defaults routing.classifier.classes.feature,"
        " routing.classifier.classes.question and routing.fallback use it: set"
        " routing.fallback to another enabled worker that does not write code and map those"
        " classes to enabled workers in routing.classifier.classes, or keep 'triage' enabled"
    )


def test_disabling_debug_names_only_the_class_default() -> None:
    line, key, msg = one_problem("workers:\n  debug:\n    enabled: false\n")
    assert (line, key) == (3, "workers.debug.enabled")
    assert msg.startswith(
        "worker 'debug' is disabled, but the default routing.classifier.classes.bug uses it:"
        " map that class to an enabled worker in routing.classifier.classes, or keep"
    )


def test_disabled_workers_in_unused_or_harmless_defaults_are_fine() -> None:
    cfg = parse_config("workers:\n  lint-fix: {enabled: false}\n", FILE)  # gate.merge.workers
    assert cfg.gate.merge.workers == ["lint-fix"]
    parse_config(
        "routing:\n  classifier: {enabled: false}\nworkers:\n  debug: {enabled: false}\n", FILE
    )


def test_a_written_reference_to_a_disabled_worker_says_so() -> None:
    text = "routing:\n  fallback: triage\nworkers:\n  triage: {enabled: false}\n"
    found = problems(text)
    assert (
        2,
        "routing.fallback",
        "worker 'triage' is disabled (workers.triage.enabled: false, line 4)",
    ) in found


SUGGESTED_FIX = (
    "workers:\n  triage: {enabled: false}\n"
    "  sorter: {kind: triage, prompt: Label it., writes_code: false}\n"
    "routing:\n  fallback: sorter\n"
    "  classifier:\n    classes: {bug: debug, feature: sorter, question: sorter}\n"
)


def test_the_suggested_fix_validates() -> None:
    """What the message above says to do (another enabled worker that does not write code as
    the fallback, the classes mapped to enabled workers) is accepted, and routes there."""
    assert problems("workers:\n  triage: {enabled: false}\n")  # refused before the fix
    cfg = parse_config(SUGGESTED_FIX, FILE)
    assert cfg.routing.fallback == "sorter"
    assert cfg.routing.classifier.classes == {
        "bug": "debug",
        "feature": "sorter",
        "question": "sorter",
    }
    assert "sorter" in known_workers(cfg) and "triage" not in known_workers(cfg)
    sorter = worker_spec(cfg, "sorter")
    assert (sorter.kind, sorter.writes_code) == ("triage", False)
    # each half of the advice matters: a fallback that writes code is still refused
    assert one_problem(SUGGESTED_FIX.replace("writes_code: false", "writes_code: true")) == (
        5,
        "routing.fallback",
        "the fallback worker must not write code (it runs when routing is unsure)",
    )


# --- 8. branch prefixes and non-finite numbers -----------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "says"),
    [
        ("../", "holds '..'"),
        ("x.lock/..//", "holds '..'"),
        ("a/.b/", "starts with '.' or ends with '.lock'"),
        ("x" * 101 + "/", "at most 100 characters"),
    ],
)
def test_a_branch_prefix_that_makes_invalid_branches_is_refused(prefix: str, says: str) -> None:
    line, where, msg = one_problem(f"gate:\n  branch_prefix: '{prefix}'\n")
    assert (line, where) == (2, "gate.branch_prefix") and says in msg


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_non_finite_numbers_are_refused(value: str) -> None:
    line, where, msg = one_problem(f"routing:\n  classifier:\n    min_confidence: {value}\n")
    assert (line, where) == (3, "routing.classifier.min_confidence") and "finite number" in msg
