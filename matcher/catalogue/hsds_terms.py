"""The taxonomies and taxonomy terms the catalogue publishes in HSDS (the Danish profile)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.catalogue import hsds_profile as P
from matcher.catalogue.hsds_export import stable_id
from matcher.catalogue.models import InterestTerm

# The order taxonomies are listed in.
TAXONOMIES = (P.INTEREST, P.OFFER_KIND, P.GENDER, P.SUPPORT, P.ORGANISATION_KIND, P.INCLUSION)
# Descriptions as the export writes them on service attributes (hsds_export._attributes).
TERM_DESCRIPTIONS = {
    P.OFFER_KIND: "Tilbudstype: {name}",
    P.INTEREST: "Interessekategori: {name}",
    P.SUPPORT: "Kan dækkes af kommunens kontingentstøtte",
}


@dataclass(frozen=True)
class Term:
    """One published taxonomy term: its taxonomy, code and names, and its umbrella term if any."""

    taxonomy: str
    code: str
    name: str
    description: str
    parent_code: str | None = None

    @property
    def id(self) -> str:
        """Return the term's HSDS id."""
        return stable_id("term", self.taxonomy, self.code)


def taxonomy_id(name: str) -> str:
    """Return the HSDS id of a taxonomy of the Danish profile."""
    return stable_id("taxonomy", name)


def taxonomy_dict(name: str) -> dict[str, Any]:
    """Return the HSDS taxonomy object for ``name``."""
    return {"id": taxonomy_id(name), "name": name, "description": P.TAXONOMY_DESCRIPTIONS[name]}


def term_dict(term: Term) -> dict[str, Any]:
    """Return the HSDS taxonomy_term object for ``term``."""
    out: dict[str, Any] = {"id": term.id, "code": term.code, "name": term.name, "description": term.description,
                           "taxonomy": term.taxonomy, "taxonomy_detail": taxonomy_dict(term.taxonomy),
                           "taxonomy_id": taxonomy_id(term.taxonomy), "language": "da"}
    if term.parent_code:
        out["parent_id"] = stable_id("term", term.taxonomy, term.parent_code)
    return out


def all_terms(session: Session) -> list[Term]:
    """Return every published term: the interest taxonomy from the database, then the fixed ones."""
    rows = list(session.scalars(select(InterestTerm).order_by(InterestTerm.code)))
    codes = {r.code for r in rows}
    terms = [Term(P.INTEREST, r.code, r.name, TERM_DESCRIPTIONS[P.INTEREST].format(name=r.name),
                  # An umbrella term is one whose code names its group ("kampsport" -> karate, judo ...).
                  r.group if r.group and r.group != r.code and r.group in codes else None)
             for r in rows]
    for taxonomy in TAXONOMIES[1:]:
        for code, name in P.TERM_NAMES[taxonomy].items():
            template = TERM_DESCRIPTIONS.get(taxonomy, "{name}")
            terms.append(Term(taxonomy, code, name, template.format(name=name)))
    return terms


def find_term(session: Session, term_id: str) -> Term | None:
    """Return the published term with HSDS id ``term_id``, or None."""
    return next((t for t in all_terms(session) if t.id == term_id), None)


def find_taxonomy(term_or_taxonomy_id: str) -> str | None:
    """Return the name of the profile taxonomy with HSDS id ``term_or_taxonomy_id``, or None."""
    return next((name for name in TAXONOMIES if taxonomy_id(name) == term_or_taxonomy_id), None)
