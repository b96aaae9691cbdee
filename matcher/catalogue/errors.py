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
