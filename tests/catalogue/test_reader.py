"""One catalogue reader feeds the search listings and the match candidates: the same offers, interests, schedules."""

from __future__ import annotations

from sqlalchemy import select

from matcher.catalogue.models import InterestTerm, Offer
from matcher.catalogue.search import load_listings
from matcher.catalogue.taxonomy import mapped_codes, match_terms
from matcher.matching.interests import InterestMatcher
from matcher.services.matching import load_candidates
from tests.services.orm_candidates import offer_candidate
from tests.services.conftest import example_catalogue  # noqa: F401 - the fixture


def _tag_with_chain(session) -> Offer:
    """Tag the first offer with 'a-chain', mapped onto 'b-chain', which is mapped onto 'tennis'; commit."""
    tennis = session.scalars(select(InterestTerm).where(InterestTerm.code == "tennis")).one()
    b = InterestTerm(code="b-chain", name="B-kæde", synonyms=["bee"], mapped_to=tennis)
    a = InterestTerm(code="a-chain", name="A-kæde", synonyms=["ay"], mapped_to=b)
    offer = session.scalars(select(Offer).order_by(Offer.id)).first()
    offer.interests.append(a)
    session.commit()
    session.expire_all()  # Offer.interests reloads in its own order
    return offer


def test_a_term_mapped_onto_a_mapped_term_matches_as_where_the_chain_ends(example_catalogue):  # noqa: F811
    offer = _tag_with_chain(example_catalogue)
    terms, aliases = match_terms(example_catalogue)
    assert {"a-chain", "b-chain"} <= aliases["tennis"]
    assert "a-chain" not in {t.code for t in terms} and "b-chain" not in {t.code for t in terms}
    assert {"A-kæde", "ay", "B-kæde", "bee"} <= set(next(t for t in terms if t.code == "tennis").synonyms)
    assert mapped_codes(aliases)["a-chain"] == "tennis"
    found = {c.id: c for c in load_candidates(example_catalogue, InterestMatcher(terms)) if c.kind != "mentor"}
    assert "tennis" in found[offer.id].interests
    assert not {"a-chain", "b-chain"} & set(found[offer.id].interests)
    assert found[offer.id] == offer_candidate(offer, mapped_codes(aliases))


def test_a_cycle_of_mappings_is_no_term_and_breaks_nothing(example_catalogue):  # noqa: F811
    a = InterestTerm(code="cyc-a", name="Cyklus A", synonyms=[])
    b = InterestTerm(code="cyc-b", name="Cyklus B", synonyms=[], mapped_to=a)
    example_catalogue.add_all([a, b])
    example_catalogue.flush()
    a.mapped_to = b
    example_catalogue.commit()
    terms, aliases = match_terms(example_catalogue)
    assert not {"cyc-a", "cyc-b"} & ({t.code for t in terms} | set(mapped_codes(aliases)))


def test_listings_and_candidates_are_the_same_offers_read_once(example_catalogue):  # noqa: F811
    _tag_with_chain(example_catalogue)
    terms, aliases = match_terms(example_catalogue)
    mapped = mapped_codes(aliases)
    listings = {x.id: x for x in load_listings(example_catalogue)}
    candidates = {c.id: c for c in load_candidates(example_catalogue, InterestMatcher(terms)) if c.kind != "mentor"}
    assert candidates and set(candidates) <= set(listings)
    for offer_id, c in candidates.items():
        x = listings[offer_id]
        assert tuple(dict.fromkeys(mapped.get(code, code) for code in x.interests)) == c.interests
        assert (x.weekdays, x.title, x.spots_free, x.lat, x.lon) == (c.weekdays, c.name, c.spots_free, c.lat, c.lon)
    for offer in example_catalogue.scalars(select(Offer)):
        if offer.id in candidates:
            assert candidates[offer.id] == offer_candidate(offer, mapped)
