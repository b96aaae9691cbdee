"""Recognise one club met in several directories by its third-party identifiers (e.g. a CVR number)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.catalogue.feed_models import OrganisationIdentifier
from matcher.catalogue.models import Organisation
from matcher.catalogue.summary import ImportSummary


class OrganisationIdentity:
    """The (scheme, identifier) pairs the catalogue knows, and the organisation each belongs to."""

    def __init__(self, session: Session):
        self.session = session
        self.owners: dict[tuple[str, str], Organisation] = {
            (row.scheme, row.identifier): row.organisation
            for row in session.scalars(select(OrganisationIdentifier).join(OrganisationIdentifier.organisation))}

    def find(self, identifiers: list[tuple[str, str]]) -> Organisation | None:
        """Return the organisation that already holds one of ``identifiers``, or None."""
        return next((self.owners[pair] for pair in identifiers if pair in self.owners), None)

    def remember(self, org: Organisation, identifiers: list[tuple[str, str]], summary: ImportSummary,
                 record: str) -> None:
        """Record ``org``'s identifiers; flag one that already belongs to another organisation."""
        for pair in identifiers:
            owner = self.owners.get(pair)
            if owner is org:
                continue
            if owner is not None:
                summary.flag(f"{record}: identifier {pair[0]} {pair[1]} already belongs to organisation "
                             f"{owner.external_id or owner.id} ({owner.name}); not moved")
                continue
            self.session.add(OrganisationIdentifier(organisation=org, scheme=pair[0], identifier=pair[1]))
            self.owners[pair] = org
