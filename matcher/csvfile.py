"""The one CSV writer of the product: every cell a spreadsheet would run as a formula is neutralised.

Every CSV the product writes (mentor export, audit-log export, indicators) goes through
:func:`writer`. A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab, a line break or NUL is
prefixed with an apostrophe (OWASP's advice against CSV injection), unless it is a plain number
such as ``-3`` or ``0.25``, which no spreadsheet runs. :func:`unquote_cell` undoes the prefix on
import, so an exported file reads back as it was.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def safe_cell(value: Any) -> str:
    """Return ``value`` as CSV cell text that no spreadsheet runs as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START) and not NUMBER.match(text):
        return "'" + text
    return text


def unquote_cell(text: str) -> str:
    """Undo :func:`safe_cell`'s apostrophe on a cell read back from an exported file."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START) and not NUMBER.match(text[1:]):
        return text[1:]
    return text


class SafeWriter:
    """A ``csv.writer`` whose every cell passes :func:`safe_cell`."""

    def __init__(self, out: TextIO, **kwargs: Any):
        self._writer = csv.writer(out, lineterminator=kwargs.pop("lineterminator", "\n"), **kwargs)

    def writerow(self, row: Iterable[Any]) -> None:
        """Write one row, every cell neutralised."""
        self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        """Write several rows, every cell neutralised."""
        for row in rows:
            self.writerow(row)


def writer(out: TextIO, **kwargs: Any) -> SafeWriter:
    """Return the product's CSV writer on ``out`` (keyword arguments as for ``csv.writer``)."""
    return SafeWriter(out, **kwargs)
