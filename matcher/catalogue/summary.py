"""Counts that end every import and export."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def assign_changed(obj: Any, values: dict[str, Any]) -> bool:
    """Set the attributes whose value differs; return whether any did."""
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


@dataclass
class ImportSummary:
    """What an import did: created, updated, unchanged and flagged records."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    flagged: int = 0
    notes: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> None:
        """Add one record with ``outcome`` (created, updated or unchanged)."""
        setattr(self, outcome, getattr(self, outcome) + 1)

    def flag(self, note: str) -> None:
        """Record something an administrator should look at."""
        self.flagged += 1
        self.notes.append(note)

    def as_dict(self) -> dict[str, int]:
        """Return the counts as a plain dict."""
        return {"created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "flagged": self.flagged}

    def __str__(self) -> str:
        return (f"created {self.created}, updated {self.updated}, "
                f"unchanged {self.unchanged}, flagged {self.flagged}")
