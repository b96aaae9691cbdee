"""Strict JSON in: standard JSON only (no NaN or Infinity), nesting bounded, errors naming the path.

Every place where JSON enters the product (HSDS files, API bodies, taxonomy files, a child profile
for ``matcher match``, form fields carrying JSON) reads it through :func:`loads` or :func:`load`.
Python's own parser accepts ``NaN``, ``Infinity`` and ``-Infinity``, turns ``1e400`` into an
infinite float, and recurses once per nesting level (a few thousand ``[`` end in a RecursionError).
Here the depth is checked before parsing without recursion, and numbers that are not finite are
refused with the path of the value (``[3].capacities[0].available``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import IO, Any

__all__ = ["MAX_DEPTH", "JSONInputError", "load", "loads", "render_path"]

#: Deepest nesting of arrays and objects accepted; no document the product reads needs more than 10.
MAX_DEPTH = 64
#: Python refuses to turn longer digit strings into an int (CVE-2020-10735); refuse them as numbers.
MAX_DIGITS = 4300

# Every byte but brackets and quotes, deleted (bytes.translate) before counting brackets.
_NOT_BRACKET_OR_QUOTE = bytes(c for c in range(256) if c not in b'[]{}"')
# What is left of a string that held brackets.
_QUOTED = re.compile(rb'"[^"]*"')
_PAIR = re.compile(rb"\[\]|\{\}")
# Without a 200-digit run or a 3-digit exponent no number exceeds 1e299 or MAX_DIGITS (strings may match too).
_SUSPICIOUS = re.compile(r"[0-9]{200}|[eE][+-]?[0-9]{3}")
# Tokens for the exact scan that finds where the depth was exceeded.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{},:]|"')


class JSONInputError(ValueError):
    """JSON that is refused: not well-formed, not standard, or nested too deeply.

    ``problem`` is ``syntax``, ``encoding``, ``constant`` (NaN/Infinity), ``number`` (not finite
    or too long) or ``depth``; ``path`` the keys and indexes leading to the value (empty when
    unknown); ``line`` and ``column`` where the parser stopped, when known.
    """

    def __init__(self, problem: str, message: str, path: tuple = (), line: int | None = None,
                 column: int | None = None, **params: Any):
        self.problem, self.message, self.path = problem, message, tuple(path)
        self.params = params  # the values in ``message``, for error code ``json.<problem>``
        self.line, self.column = line, column
        where = render_path(self.path)
        at = f" (line {line}, column {column})" if line is not None else ""
        super().__init__(f"{where}: {message}{at}" if where else f"{message}{at}")

    @property
    def field(self) -> str:
        """Return the path as a field name (``capacities[0].available``), or empty."""
        return render_path(self.path)


def render_path(path: tuple, limit: int = 8) -> str:
    """Return ``path`` as ``a.b[0].c``, shortened with ``…`` after ``limit`` steps."""
    out = []
    for step in path[:limit]:
        if isinstance(step, int):
            out.append(f"[{step}]")
        else:
            out.append(("." if out else "") + str(step))
    if len(path) > limit:
        out.append("…")
    return "".join(out)


class _Bad:
    """Stands in for a refused number while parsing, so the path can be found afterwards."""

    __slots__ = ("problem", "text")

    def __init__(self, problem: str, text: str):
        self.problem, self.text = problem, text


def loads(text: str | bytes | bytearray, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse standard JSON; raise JSONInputError for anything else."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode(json.detect_encoding(text), "surrogatepass")
        except UnicodeDecodeError as exc:
            raise JSONInputError("encoding", f"is not UTF-8 text (byte {exc.start}: {exc.reason})",
                                 byte=exc.start, reason=exc.reason) from None
    if not isinstance(text, str):
        raise TypeError(f"JSON text must be str or bytes, not {type(text).__name__}")
    _check_depth(text, max_depth)
    bad: list[_Bad] = []

    def constant(name: str) -> _Bad:
        bad.append(_Bad("constant", name))
        return bad[-1]

    def number(literal: str) -> float | _Bad:
        value = float(literal)
        if math.isfinite(value):
            return value
        bad.append(_Bad("number", literal))
        return bad[-1]

    def integer(literal: str) -> int | _Bad:
        if len(literal) - literal.startswith("-") <= MAX_DIGITS:
            return int(literal)
        bad.append(_Bad("number", literal))
        return bad[-1]

    # Number hooks cost a Python call per number: use them only when a literal could overflow a float
    # (a 3-digit exponent or a 200-digit run) or exceed MAX_DIGITS; otherwise json's C parser reads numbers.
    hooks = {"parse_float": number, "parse_int": integer} if _SUSPICIOUS.search(text) else {}
    try:
        data = json.loads(text, parse_constant=constant, **hooks)
    except json.JSONDecodeError as exc:
        raise JSONInputError("syntax", f"is not valid JSON: {exc.msg}", (), exc.lineno, exc.colno,
                                 detail=exc.msg) from None
    if bad:
        path, found = _find_bad(data)
        if found.problem == "constant":
            raise JSONInputError("constant", f"{found.text} is not a JSON number (only finite numbers are allowed)",
                                 path, text=found.text)
        shown = found.text if len(found.text) <= 40 else found.text[:20] + "…"
        raise JSONInputError("number", f"the number {shown} is too large (not a finite number)", path, text=shown)
    return data


def load(fh: IO, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse standard JSON from an open file; raise JSONInputError for anything else."""
    return loads(fh.read(), max_depth=max_depth)


def _check_depth(text: str, max_depth: int) -> None:
    """Raise JSONInputError when arrays/objects nest deeper than ``max_depth``, without recursion."""
    if text.count("[") + text.count("{") <= max_depth:
        return
    brackets = _brackets(text)
    # Each pass removes the innermost level of pairs; a document no deeper than max_depth is empty
    # after max_depth passes. Anything left is too deep, or unbalanced (then the scan finds out).
    for _ in range(max_depth):
        if not brackets:
            return
        shorter = _PAIR.sub(b"", brackets)
        if len(shorter) == len(brackets):
            break
        brackets = shorter
    if not brackets:
        return
    _scan_depth(text, max_depth)


def _brackets(text: str) -> bytes:
    """Return the brackets of ``text`` outside strings, with C-speed bytes operations only."""
    data = text.encode("utf-8", "surrogatepass")
    # Escaped backslashes first, then escaped quotes: what is left of '"' opens or closes a string.
    data = data.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOT_BRACKET_OR_QUOTE)
    # '""' is an empty string, or the end of one and the start of the next with no bracket between.
    data = data.replace(b'""', b"")
    return _QUOTED.sub(b"", data) if b'"' in data else data


def _scan_depth(text: str, max_depth: int) -> None:
    """Walk the tokens of ``text`` and raise at the first container deeper than ``max_depth``."""
    path: list[Any] = []
    expect_key = False
    key: Any = None
    for match in _TOKEN.finditer(text):
        piece = match.group()
        if piece == '"':
            return  # an unterminated string: the parser reports it before reaching any deeper level
        if piece in "[{":
            if len(path) >= max_depth:
                line = text.count("\n", 0, match.start()) + 1
                column = match.start() - text.rfind("\n", 0, match.start())
                raise JSONInputError("depth", f"is nested deeper than {max_depth} levels", tuple(
                    step for step in path if step is not None), line, column, max=max_depth)
            path.append(0 if piece == "[" else None)
            expect_key = piece == "{"
        elif piece in "]}":
            if not path:
                return  # unbalanced: a syntax error the parser reports
            path.pop()
            expect_key = False
        elif piece == ",":
            if path and isinstance(path[-1], int):
                path[-1] += 1
            elif path:
                expect_key = True
        elif piece == ":":
            if path and not isinstance(path[-1], int):
                path[-1] = key
            expect_key = False
        elif expect_key:
            try:
                key = json.loads(piece)
            except json.JSONDecodeError:
                return  # a bad escape: the parser reports it


def _find_bad(data: Any) -> tuple[tuple, _Bad]:
    """Return the path and value of the first refused number in parsed data, iteratively."""
    for path, value in _walk(data):
        if isinstance(value, _Bad):
            return path, value
    raise AssertionError("a refused number was recorded but not found")  # pragma: no cover


def _walk(data: Any) -> Iterator[tuple[tuple, Any]]:
    """Yield (path, value) for every value in document order, without recursion."""
    stack: list[tuple[tuple, Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        yield path, value
        if isinstance(value, dict):
            stack.extend(reversed([((*path, k), v) for k, v in value.items()]))
        elif isinstance(value, list):
            stack.extend(reversed([((*path, i), v) for i, v in enumerate(value)]))
