"""Feeds the catalogue follows, and organisations' third-party identifiers (e.g. a CVR number)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.catalogue.models import Organisation
from matcher.db import Base, utcnow


class HsdsFeed(Base):
    """Another directory's HSDS API the catalogue follows, and where its last successful sync ended."""

    __tablename__ = "hsds_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    base_url: Mapped[str] = mapped_column(String(500), unique=True)
    # The publisher's time when the last successful sync started: the next run asks for changes since.
    synced_until: Mapped[dt.datetime | None] = mapped_column()
    last_success_at: Mapped[dt.datetime | None] = mapped_column()
    last_summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class OrganisationIdentifier(Base):
    """A third-party identifier of an organisation (HSDS organization_identifiers): one club, one row."""

    __tablename__ = "organisation_identifiers"
    __table_args__ = (UniqueConstraint("scheme", "identifier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    scheme: Mapped[str] = mapped_column(String(60))
    identifier: Mapped[str] = mapped_column(String(120))

    organisation: Mapped[Organisation] = relationship()
