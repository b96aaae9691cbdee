"""Errors that name the record and field at fault."""

from __future__ import annotations

import re

from matcher.jsonio import JSONInputError, render_path


class RecordError(ValueError):
    """One bad value in one record of an import or a request."""

    def __init__(self, record: str, field: str, message: str):
        self.record = record
        self.field = field
        self.message = message
        super().__init__(f"{record}: {field}: {message}")


class ImportFailed(ValueError):
    """An import was refused; nothing was stored."""

    def __init__(self, errors: list[RecordError], source: str = "", total: int | None = None):
        self.errors = errors
        self.source = source
        self.total = max(total or 0, len(errors))  # errors found; a huge file keeps only the first ones
        shown = "\n".join(f"  - {e}" for e in errors[:20])
        more = f"\n  ... and {self.total - 20} more" if self.total > 20 else ""
        where = f" {source}" if source else ""
        super().__init__(f"import{where} refused, nothing was stored ({self.total} error(s)):\n{shown}{more}")


def json_record_error(exc: JSONInputError, label: str) -> RecordError:
    """Name the record and field a refused JSON value lies in (``service[3]``, ``capacities[0].available``)."""
    path = exc.path[1:] if exc.path[:1] == ("contents",) else exc.path
    where = f" (line {exc.line}, column {exc.column})" if exc.line is not None else ""
    if path and isinstance(path[0], int):
        return RecordError(f"{label}[{path[0]}]", render_path(path[1:]) or "-", exc.message + where)
    return RecordError("document", render_path(path) or "-", exc.message + where)


# Control characters other than tab, newline and carriage return; DEL; lone UTF-16 surrogates.
# U+FFFF is a noncharacter; the HSDS reader also puts it where a file had a lone surrogate escape.
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\uffff]")


def bad_characters(value: str) -> str | None:
    """Return why ``value`` cannot be stored as text (NUL, control characters, lone surrogates), or None."""
    found = _BAD.search(value)
    if found is None:
        return None
    ch = found.group()
    if "\ud800" <= ch <= "\udfff":
        return "contains an invalid character (a lone UTF-16 surrogate)"
    if ch == "\uffff":
        return "contains an invalid character (a lone UTF-16 surrogate or U+FFFF)"
    return f"contains a control character (U+{ord(ch):04X})"
