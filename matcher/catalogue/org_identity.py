"""Recognise one club met in several directories by its third-party identifiers (e.g. a CVR number).

Works on organisation ids, names and external ids read with SQL (no ORM objects), so the bulk
HSDS import can use it; it is consulted once per organisation of an import, not per offer.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from matcher.catalogue.feed_models import OrganisationIdentifier
from matcher.catalogue.models import Organisation
from matcher.catalogue.summary import ImportSummary


class OrgLike(Protocol):
    id: int
    external_id: str | None
    name: str


class OrgRef(NamedTuple):
    """An organisation as the identity table needs it."""

    id: int
    external_id: str | None
    name: str


class OrganisationIdentity:
    """The (scheme, identifier) pairs the catalogue knows, and the organisation each belongs to."""

    def __init__(self, session: Session):
        self.session = session
        self.pending: list[dict] = []
        t = OrganisationIdentifier.__table__
        rows = session.connection().execute(
            select(t.c.scheme, t.c.identifier, Organisation.id, Organisation.external_id, Organisation.name)
            .join(Organisation, Organisation.id == t.c.organisation_id))
        self.owners: dict[tuple[str, str], OrgLike] = {(r[0], r[1]): OrgRef(r[2], r[3], r[4]) for r in rows}

    def find(self, identifiers: list[tuple[str, str]]) -> OrgLike | None:
        """Return the organisation that already holds one of ``identifiers``, or None."""
        return next((self.owners[pair] for pair in identifiers if pair in self.owners), None)

    def remember(self, org: OrgLike, identifiers: list[tuple[str, str]], summary: ImportSummary,
                 record: str) -> None:
        """Record ``org``'s identifiers (written by ``flush``); flag one that already belongs to another organisation."""
        for pair in identifiers:
            owner = self.owners.get(pair)
            if owner is not None and owner.id == org.id:
                continue
            if owner is not None:
                summary.flag(f"{record}: identifier {pair[0]} {pair[1]} already belongs to organisation "
                             f"{owner.external_id or owner.id} ({owner.name}); not moved")
                continue
            self.pending.append(dict(organisation_id=org.id, scheme=pair[0], identifier=pair[1]))
            self.owners[pair] = org

    def flush(self) -> None:
        """Insert the identifiers remembered since the last flush (their organisations must exist)."""
        if self.pending:
            self.session.connection().execute(insert(OrganisationIdentifier.__table__), self.pending)
            self.pending = []
