"""The stored first answer to a request sent with an idempotency key, so that a retry changes nothing twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from matcher.db import Base, utcnow

#: The longest key a client may send (the ``Idempotency-Key`` header or the form's hidden field).
MAX_KEY_LENGTH = 64


class IdempotentRequest(Base):
    """One user's key for one request: what was asked (method, path, body hash) and the first answer.

    The row is inserted before the change, in the same transaction, so the unique (user, key) index makes a
    concurrent retry wait for the first request and then read its answer. ``child_id`` names the child the
    answer is about, so that erasing the child also deletes the copy of its data held in ``response_body``.
    """

    __tablename__ = "idempotent_requests"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotent_requests_user_id_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(200))
    body_sha256: Mapped[str] = mapped_column(String(64))
    child_id: Mapped[int | None] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    # Empty until the request has succeeded; an error answer is rolled back together with the row.
    response_status: Mapped[int | None]
    response_body: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)

    @property
    def answered(self) -> bool:
        """Return whether the first request's answer is stored."""
        return self.response_status is not None
