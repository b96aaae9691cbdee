"""Catalogue models: what the city offers children, and where."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    Time,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.db import Base, utcnow

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class OrganisationKind(str, enum.Enum):
    """Who offers something (forening, klub, virksomhed)."""

    association = "association"
    sports_club = "sports-club"
    youth_club = "youth-club"
    culture_house = "culture-house"
    leisure_job_employer = "leisure-job-employer"
    mentor_programme = "mentor-programme"


class OfferKind(str, enum.Enum):
    """What a child can join."""

    activity = "activity"
    leisure_job = "leisure-job"
    mentoring = "mentoring"


class OfferStatus(str, enum.Enum):
    """Whether an offer takes children now."""

    active = "active"
    paused = "paused"
    closed = "closed"
    # Created by a club and not yet approved by key staff: not public until then.
    pending = "pending"


class GenderRestriction(str, enum.Enum):
    """An offer only for girls or only for boys."""

    girls = "girls"
    boys = "boys"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e],
                native_enum=False, validate_strings=True, length=32)


class Timestamped:
    """Created/updated timestamps in UTC."""

    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Tracked:
    """The catalogue revision of a row's last change, so indexes can be updated by the changed rows."""

    # Set on every write (matcher.catalogue.revision); indexes read rows with a higher value than theirs.
    changed_rev: Mapped[int | None] = mapped_column(Integer, index=True)


class Imported(Tracked):
    """A digest of what an HSDS import wrote, so a re-import skips records that did not change."""

    # Cleared by any other write to the row (matcher.catalogue.revision), so it always describes the row.
    import_digest: Mapped[str | None] = mapped_column(String(32))


class District(Base):
    """One of Copenhagen's administrative districts (bydel)."""

    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    centroid_lat: Mapped[float] = mapped_column(Float)
    centroid_lon: Mapped[float] = mapped_column(Float)
    geometry: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    postcodes: Mapped[list["DistrictPostcode"]] = relationship(
        back_populates="district", cascade="all, delete-orphan", order_by="DistrictPostcode.postcode")


class DistrictPostcode(Base):
    """The share of a postcode's land area that lies in a district."""

    __tablename__ = "district_postcodes"

    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id", ondelete="CASCADE"), primary_key=True)
    postcode: Mapped[str] = mapped_column(String(4), primary_key=True)
    share: Mapped[float] = mapped_column(Float)
    is_main: Mapped[bool] = mapped_column(Boolean, default=False)

    district: Mapped[District] = relationship(back_populates="postcodes")


class InterestTerm(Base):
    """An interest category with a Danish name and synonyms (editable data)."""

    __tablename__ = "interest_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    group: Mapped[str | None] = mapped_column(String(40))
    synonyms: Mapped[list[str]] = mapped_column(JSON, default=list)
    external_id: Mapped[str | None] = mapped_column(String(120))
    # A term met in an import that an administrator has not mapped yet.
    needs_mapping: Mapped[bool] = mapped_column(Boolean, default=False)
    mapped_to_id: Mapped[int | None] = mapped_column(ForeignKey("interest_terms.id", ondelete="SET NULL"))

    mapped_to: Mapped["InterestTerm | None"] = relationship(remote_side=[id])


offer_interests = Table(
    "offer_interests",
    Base.metadata,
    Column("offer_id", ForeignKey("offers.id", ondelete="CASCADE"), primary_key=True),
    Column("term_id", ForeignKey("interest_terms.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Organisation(Imported, Timestamped, Base):
    """An association, club, culture house, employer or mentor programme."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrganisationKind] = mapped_column(_enum(OrganisationKind, "organisation_kind"))
    description: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    website: Mapped[str | None] = mapped_column(String(300))
    address: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(4))
    city: Mapped[str | None] = mapped_column(String(80))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    # Obtains children's certificates (børneattest) for every adult in contact with children.
    childcert_policy: Mapped[bool] = mapped_column(Boolean, default=False)
    # Has experience including vulnerable children.
    vulnerable_experience: Mapped[bool] = mapped_column(Boolean, default=False)
    # The organization object as imported, for faithful HSDS export.
    hsds_source: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    district: Mapped[District | None] = relationship()
    offers: Mapped[list["Offer"]] = relationship(back_populates="organisation", order_by="Offer.title")


class Offer(Imported, Timestamped, Base):
    """Something a child can join: a team, a class, a leisure job, a mentor relation."""

    __tablename__ = "offers"
    __table_args__ = (
        CheckConstraint("age_min IS NULL OR age_max IS NULL OR age_min <= age_max", name="age_range"),
        CheckConstraint("spots_free IS NULL OR spots_free >= 0", name="spots_free_nonneg"),
        CheckConstraint("monthly_fee_dkk IS NULL OR monthly_fee_dkk >= 0", name="fee_nonneg"),
        Index("ix_offers_import_digest", "import_digest"),  # a re-import finds unchanged records by it
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(120), unique=True)
    # What a re-import needs of an unchanged record without decoding it (``hsds_bulk.unchanged_records``):
    # the organisation id in the file and the digest of that organisation's content there. Meaningful
    # only while ``import_digest`` is set.
    import_organisation: Mapped[str | None] = mapped_column(String(120))
    import_organisation_digest: Mapped[str | None] = mapped_column(String(32))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[OfferKind] = mapped_column(_enum(OfferKind, "offer_kind"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    age_min: Mapped[int | None] = mapped_column(Integer)
    age_max: Mapped[int | None] = mapped_column(Integer)
    gender: Mapped[GenderRestriction | None] = mapped_column(_enum(GenderRestriction, "gender_restriction"))
    monthly_fee_dkk: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    fee_support: Mapped[bool] = mapped_column(Boolean, default=False)
    capacity: Mapped[int | None] = mapped_column(Integer)
    spots_free: Mapped[int | None] = mapped_column(Integer)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[OfferStatus] = mapped_column(_enum(OfferStatus, "offer_status"), default=OfferStatus.active,
                                                index=True)
    verified_at: Mapped[dt.date | None] = mapped_column(Date)
    # The place (HSDS location); children are never located by address, offers are.
    place_name: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(4))
    city: Mapped[str | None] = mapped_column(String(80))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    # Leisure jobs: light work only, and whether the workplace serves alcohol.
    light_work: Mapped[bool] = mapped_column(Boolean, default=True)
    serves_alcohol: Mapped[bool] = mapped_column(Boolean, default=False)
    # Attributes of taxonomies the product does not model, kept for export.
    other_attributes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # The service object as imported, for faithful HSDS export.
    hsds_source: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Optimistic locking: concurrent edits are detected, not overwritten.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    organisation: Mapped[Organisation] = relationship(back_populates="offers")
    district: Mapped[District | None] = relationship()
    interests: Mapped[list[InterestTerm]] = relationship(secondary=offer_interests, order_by=InterestTerm.code)
    schedules: Mapped[list["OfferSchedule"]] = relationship(
        back_populates="offer", cascade="all, delete-orphan", order_by="OfferSchedule.id")

    @property
    def weekdays(self) -> list[str]:
        """Return the weekdays the offer meets, Monday first."""
        days = {d for s in self.schedules for d in s.weekdays}
        return [d for d in WEEKDAYS if d in days]


class OfferSchedule(Base):
    """When an offer meets: HSDS byday with opening and closing times."""

    __tablename__ = "offer_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str | None] = mapped_column(String(120))
    weekdays: Mapped[list[str]] = mapped_column(JSON, default=list)
    opens_at: Mapped[dt.time | None] = mapped_column(Time)
    closes_at: Mapped[dt.time | None] = mapped_column(Time)
    description: Mapped[str | None] = mapped_column(Text)

    offer: Mapped[Offer] = relationship(back_populates="schedules")


class Mentor(Tracked, Timestamped, Base):
    """A volunteer adult who can be matched to one or more children."""

    __tablename__ = "mentors"
    __table_args__ = (
        CheckConstraint("age_min IS NULL OR age_max IS NULL OR age_min <= age_max", name="age_range"),
        CheckConstraint("current_children >= 0", name="current_nonneg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    gender: Mapped[str | None] = mapped_column(String(20))
    postcode: Mapped[str | None] = mapped_column(String(4))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    interests: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    weekdays: Mapped[list[str]] = mapped_column(JSON, default=list)
    age_min: Mapped[int | None] = mapped_column(Integer)
    age_max: Mapped[int | None] = mapped_column(Integer)
    max_children: Mapped[int] = mapped_column(Integer, default=1)
    current_children: Mapped[int] = mapped_column(Integer, default=0)
    # Only "obtained, valid until" is stored, never the certificate itself.
    childcert_valid_until: Mapped[dt.date | None] = mapped_column(Date)
    approved: Mapped[bool] = mapped_column(Boolean, default=True)

    district: Mapped[District | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


class ListingChange(Base):
    """One change to a listing's public facts: who changed what, when (shown to key staff)."""

    __tablename__ = "listing_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                        index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    field: Mapped[str] = mapped_column(String(80))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    # Set when a key staff member has seen the change.
    reviewed_at: Mapped[dt.datetime | None] = mapped_column()


class CatalogueRevision(Base):
    """A single row counting catalogue changes, so every process knows when to refit its index."""

    __tablename__ = "catalogue_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The last revision whose change indexes cannot apply row by row (taxonomy edits).
    structure_rev: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class CatalogueDeletion(Base):
    """A deleted offer, mentor or organisation and the catalogue revision that deleted it.

    A deleted row leaves nothing for the indexes to read; this log tells them which rows to drop
    (``matcher.catalogue.revision`` writes it in the deleting transaction).
    """

    __tablename__ = "catalogue_deletions"

    id: Mapped[int] = mapped_column(primary_key=True)
    rev: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(20))  # offer, mentor, organisation
    row_id: Mapped[int] = mapped_column(Integer)
