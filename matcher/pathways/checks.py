"""Checks shared by the pathway operations: free text without CPR numbers, and permissions."""

from __future__ import annotations

import re

from matcher.accounts.models import Role, User
from matcher.catalogue.errors import RecordError, bad_characters

# ddmmyy-xxxx (dash, space or nothing), not part of a longer number.
CPR_LIKE = re.compile(r"(?<!\d)(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d{2}[-\s]?\d{4}(?!\d)")
#: Longest free text (notes, goals, interests) a child's record takes.
MAX_TEXT = 5000


class NotAllowed(PermissionError):
    """The acting user may not do this to this child."""

    def __init__(self, user: User | None, message: str, field: str | None = None):
        self.user = user
        self.message = message
        self.field = field
        super().__init__(message)


def check_free_text(field: str, text: str | None, record: str = "barn") -> str | None:
    """Refuse free text that looks like it holds a CPR number; return the stripped text."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise RecordError(record, field, "text.not_text")
    if len(text) > MAX_TEXT:
        raise RecordError(record, field, "too_long", max=MAX_TEXT)
    if bad_characters(text):
        raise RecordError(record, field, "text.unstorable")
    if CPR_LIKE.search(text):
        raise RecordError(record, field, "text.cpr")
    return text.strip()


def can_follow(user: User | None, child) -> bool:
    """Return whether ``user`` may log and change things for ``child``."""
    if user is None or not user.active:
        return False
    if user.role is Role.admin:
        return True
    if user.role is Role.key_staff:
        # Key staff see their own district's children; without a district they see none (never "all").
        return user.district_id is not None and user.district_id == child.district_id
    if user.role is Role.contact_person:
        return child.contact_person_id == user.id
    return False


def require_follow(user: User | None, child) -> None:
    """Raise ``NotAllowed`` unless ``user`` may follow ``child``."""
    if not can_follow(user, child):
        raise NotAllowed(user, "Du kan kun registrere for de børn, du selv følger")
