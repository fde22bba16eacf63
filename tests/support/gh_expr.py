"""The part of GitHub Actions' expression language the workflows' ``concurrency.group`` uses,
evaluated the way GitHub does, so tests can compute the group of a real payload.

Literals ('text' with '' for a quote, numbers, true/false/null), property paths
(``github.event.issue.number``, ``x.list[0]``), ``!``, ``==``/``!=``, ``&&``/``||`` (which return an
operand, as in JavaScript), parentheses and ``contains``/``startsWith``/``endsWith``/
``format``. String comparisons ignore case, as GitHub's do.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<op>&&|\|\||==|!=|!|\(|\)|\[|\]|,|\.)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))"
)
Combine = Callable[[str, Any, Any], Any]  # (operator, left, right) -> value
_EXPR = re.compile(r"\$\{\{(.*?)\}\}", re.S)


class ExprError(ValueError):
    pass


def truthy(value: Any) -> bool:
    return value not in (None, False, 0, "") and value == value  # NaN is falsy


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    return bool(a == b)


def _format(template: Any, *args: Any) -> str:
    return re.sub(r"\{(\d+)\}", lambda m: _text(args[int(m.group(1))]), _text(template))


FUNCTIONS = {
    "contains": lambda hay, needle: _text(needle).lower() in _text(hay).lower(),
    "startswith": lambda text, start: _text(text).lower().startswith(_text(start).lower()),
    "endswith": lambda text, end: _text(text).lower().endswith(_text(end).lower()),
    "format": _format,
}


class _Parser:
    def __init__(self, source: str, context: dict[str, Any]) -> None:
        self.tokens: list[tuple[str, str]] = []
        pos, source = 0, source.strip()
        while pos < len(source):
            m = _TOKEN.match(source, pos)
            if m is None or m.end() == pos:
                raise ExprError(f"cannot read {source[pos:]!r}")
            kind = m.lastgroup or ""
            self.tokens.append((kind, m.group(kind)))
            pos = m.end()
        self.at = 0
        self.context = context

    def peek(self) -> str:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else ""

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.at >= len(self.tokens):
            raise ExprError(f"expression ends early (expected {expected or 'more'})")
        token = self.tokens[self.at]
        if expected is not None and token[1] != expected:
            raise ExprError(f"expected {expected!r}, got {token[1]!r}")
        self.at += 1
        return token

    def parse(self) -> Any:
        value = self.either()
        if self.at != len(self.tokens):
            raise ExprError(f"unexpected {self.peek()!r}")
        return value

    def either(self) -> Any:
        return self.chain(("||",), self.both, lambda _, a, b: a if truthy(a) else b)

    def both(self) -> Any:
        return self.chain(("&&",), self.compare, lambda _, a, b: b if truthy(a) else a)

    def compare(self) -> Any:
        return self.chain(("==", "!="), self.unary, lambda op, a, b: _equal(a, b) == (op == "=="))

    def chain(self, ops: tuple[str, ...], operand: Callable[[], Any], combine: Combine) -> Any:
        """``operand (op operand)*``, left to right."""
        value = operand()
        while self.peek() in ops:
            op = self.take()[1]
            value = combine(op, value, operand())
        return value

    def unary(self) -> Any:
        if self.peek() == "!":
            self.take()
            return not truthy(self.unary())
        return self.atom()

    def atom(self) -> Any:
        kind, text = self.take()
        if text == "(":
            value = self.either()
            self.take(")")
            return value
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "num":
            return float(text) if "." in text else int(text)
        if kind != "name":
            raise ExprError(f"unexpected {text!r}")
        if text in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[text]
        if self.peek() == "(":
            return self.call(text)
        node: Any = self.context.get(text)
        while self.peek() in (".", "["):
            if self.take()[1] == "[":  # an index: list[0] (a missing one is null)
                index = self.either()
                self.take("]")
                ok = isinstance(node, list) and isinstance(index, int) and 0 <= index < len(node)
                node = node[index] if ok else None
                continue
            key = self.take()[1]
            node = node.get(key) if isinstance(node, dict) else None
        return node

    def call(self, name: str) -> Any:
        fn = FUNCTIONS.get(name.lower())
        if fn is None:
            raise ExprError(f"function {name}() is not supported here")
        self.take("(")
        args = []
        while self.peek() != ")":
            args.append(self.either())
            if self.peek() == ",":
                self.take()
        self.take(")")
        return fn(*args)


def evaluate(expression: str, context: dict[str, Any]) -> Any:
    """The value of one expression (the text inside ``${{ }}``)."""
    return _Parser(expression, context).parse()


def render(template: str, context: dict[str, Any]) -> str:
    """A string with ``${{ }}`` parts, as GitHub renders it (``concurrency.group`` etc.)."""
    return _EXPR.sub(lambda m: _text(evaluate(m.group(1), context)), template)
