"""Import errors as the Danish screens show them: record name and text from the message catalogue."""

from __future__ import annotations

from dataclasses import dataclass

from matcher.catalogue.errors import RecordError
from matcher.messages import record_label


@dataclass(frozen=True)
class DanishError:
    """One import error as the screens show it."""

    record: str
    field: str
    message: str
    code: str = ""


def danish(error: RecordError) -> DanishError:
    """Return ``error`` with its record name and text in Danish (the CLI prints the English ones)."""
    return DanishError(record_label(error.record), error.field, error.message, error.code)
