"""Errors that name the record and field at fault."""

from __future__ import annotations


class RecordError(ValueError):
    """One bad value in one record of an import or a request."""

    def __init__(self, record: str, field: str, message: str):
        self.record = record
        self.field = field
        self.message = message
        super().__init__(f"{record}: {field}: {message}")


class ImportFailed(ValueError):
    """An import was refused; nothing was stored."""

    def __init__(self, errors: list[RecordError], source: str = ""):
        self.errors = errors
        self.source = source
        shown = "\n".join(f"  - {e}" for e in errors[:20])
        more = f"\n  ... and {len(errors) - 20} more" if len(errors) > 20 else ""
        where = f" {source}" if source else ""
        super().__init__(f"import{where} refused, nothing was stored ({len(errors)} error(s)):\n{shown}{more}")


_ALLOWED_CONTROLS = {"\t", "\n", "\r"}


def bad_characters(value: str) -> str | None:
    """Return why ``value`` cannot be stored as text (NUL, control characters, lone surrogates), or None."""
    for ch in value:
        if (ch < " " and ch not in _ALLOWED_CONTROLS) or ch == "\x7f":
            return f"contains a control character (U+{ord(ch):04X})"
        if "\ud800" <= ch <= "\udfff":
            return "contains an invalid character (a lone UTF-16 surrogate)"
    return None
