"""Errors that name the record and field at fault."""

from __future__ import annotations

import re
from typing import Any

from matcher.jsonio import JSONInputError, render_path
from matcher.messages import Problem, is_code, render

__all__ = ["ImportFailed", "Invalid", "Problem", "RecordError", "bad_characters", "json_record_error"]


class Invalid(ValueError):
    """A field parser's refusal: an error code and its parameters, named in a record by the caller."""

    def __init__(self, code: str, /, **params: Any):
        self.problem = Problem(code, params)
        super().__init__(render(code, params, "en"))


class RecordError(ValueError):
    """One bad value in one record of an import or a request: a code from ``matcher.error_texts``.

    ``message`` is the Danish text (from the gettext catalogue, no request needed), ``text("en")`` the
    English one; ``str(exc)`` is ``record: field: English text`` (what the CLI prints).
    """

    def __init__(self, record: str, field: str, code: str, /, **params: Any):
        self.record, self.field = record, field
        if is_code(code):
            self.code, self.params = code, params
            self._legacy = None
        else:  # a free text from code not yet migrated to a code; tests/test_messages.py lists such sites
            self.code, self.params, self._legacy = "", {}, code
        super().__init__(f"{record}: {field}: {self.text('en')}")

    @property
    def message(self) -> str:
        """Return the Danish text of the error (without record and field)."""
        return self.text("da")

    def text(self, lang: str = "da") -> str:
        """Return the text of the error in ``lang`` (``da`` or ``en``)."""
        return self._legacy if self._legacy is not None else render(self.code, self.params, lang)

    def line(self, lang: str = "da") -> str:
        """Return ``record: field: text`` in ``lang``."""
        return f"{self.record}: {self.field}: {self.text(lang)}"

    def at(self, record: str, field: str | None = None) -> RecordError:
        """Return the same error named in another record (and field)."""
        _, _, code, params = self.plain()
        return RecordError(record, field or self.field, code, **params)

    def plain(self) -> tuple[str, str, str, dict[str, Any]]:
        """Return record, field, code (or a free text) and parameters: ``RecordError(record, field, code, **params)``.

        Plain values cross a pipe to another process (an exception with keyword parameters does not pickle).
        """
        return self.record, self.field, self.code or self._legacy or "", self.params

    @classmethod
    def of(cls, record: str, field: str, problem: Problem) -> RecordError:
        """Return the error for ``problem`` found in ``record``'s ``field``."""
        return cls(record, field, problem.code, **problem.params)


class ImportFailed(ValueError):
    """An import was refused; nothing was stored."""

    def __init__(self, errors: list[RecordError], source: str = "", total: int | None = None, lang: str = "en"):
        self.errors = errors
        self.source = source
        self.total = max(total or 0, len(errors))  # errors found; a huge file keeps only the first ones
        shown = "\n".join(f"  - {e.line(lang)}" for e in errors[:20])
        more = f"\n  ... and {self.total - 20} more" if self.total > 20 else ""
        where = f" {source}" if source else ""
        super().__init__(f"import{where} refused, nothing was stored ({self.total} error(s)):\n{shown}{more}")


def json_record_error(exc: JSONInputError, label: str) -> RecordError:
    """Name the record and field a refused JSON value lies in (``service[3]``, ``capacities[0].available``)."""
    path = exc.path[1:] if exc.path[:1] == ("contents",) else exc.path
    problem = Problem(f"json.{exc.problem}", exc.params)
    if exc.line is not None:
        problem = Problem("json.at", {"problem": problem, "line": exc.line, "column": exc.column})
    if path and isinstance(path[0], int):
        return RecordError.of(f"{label}[{path[0]}]", render_path(path[1:]) or "-", problem)
    return RecordError.of("document", render_path(path) or "-", problem)


# Control characters other than tab, newline and carriage return; DEL; lone UTF-16 surrogates.
# U+FFFF is a noncharacter; the HSDS reader also puts it where a file had a lone surrogate escape.
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\uffff]")


def bad_characters(value: str) -> Problem | None:
    """Return why ``value`` cannot be stored as text (NUL, control characters, lone surrogates), or None."""
    found = _BAD.search(value)
    if found is None:
        return None
    ch = found.group()
    if "\ud800" <= ch <= "\udfff":
        return Problem("text.surrogate", {})
    if ch == "\uffff":
        return Problem("text.noncharacter", {})
    return Problem("text.control", {"char": f"U+{ord(ch):04X}"})
