"""The match index: candidates read as columns, and refits that never make a request wait once slow."""

import threading
import time

import pytest
from sqlalchemy import select

from matcher.catalogue.models import InterestTerm, Mentor, Offer, OfferKind, OfferSchedule
from matcher.catalogue.search import database_key
from matcher.matching.geo import default_geocoder
from matcher.matching.interests import InterestMatcher
from matcher.services.matching import MatchService, load_candidates, load_terms
from tests.services.orm_candidates import mentor_candidate, offer_candidate
from tests.services.conftest import GIRL


@pytest.fixture
def example_catalogue(example_catalogue):
    """The example catalogue plus a mapped term on an offer and a schedule without times."""
    reference = example_catalogue
    football = reference.scalars(select(InterestTerm).where(InterestTerm.code == "fodbold")).one()
    street = InterestTerm(code="street-soccer", name="Gadefodbold", synonyms=[], mapped_to=football)
    offer = reference.scalars(select(Offer).where(Offer.title == "Pigefodbold U12")).one()
    offer.interests = [*offer.interests, street]
    offer.schedules.append(OfferSchedule(weekdays=["sat"], description="efter aftale"))  # no times
    reference.commit()
    return reference


def test_loaded_candidates_equal_those_built_from_orm_objects(example_catalogue):
    matcher = InterestMatcher(load_terms(example_catalogue))
    mapped = {t.code: t.mapped_to.code for t in example_catalogue.scalars(select(InterestTerm)) if t.mapped_to}
    centroids = {pc: (lat, lon) for pc, (lat, lon, _) in default_geocoder().postcodes().items()}
    offers = example_catalogue.scalars(select(Offer).where(Offer.kind != OfferKind.mentoring).order_by(Offer.id)).all()
    mentors = example_catalogue.scalars(select(Mentor).order_by(Mentor.id)).all()
    expected = [offer_candidate(o, mapped) for o in offers] + [mentor_candidate(m, matcher, centroids) for m in mentors]
    got = load_candidates(example_catalogue, matcher)
    assert got == expected
    football = next(c for c in got if c.name == "Pigefodbold U12")
    assert football.interests.count("fodbold") == 1 and "street-soccer" not in football.interests
    assert "sat" in football.weekdays and all(day != "sat" for day, _, _ in football.schedule)


def wait_for(predicate, seconds: float = 120.0) -> bool:
    """Poll ``predicate`` until it holds; the limit only stops a hung test, it is no speed goal."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_a_slow_index_answers_from_the_previous_fit_while_it_refits(example_catalogue):
    service = MatchService(learn=False)
    assert service.match(example_catalogue, GIRL).results
    indexes = service.indexes
    indexes.slow_seconds, indexes.refresh_interval, indexes.max_busy = 0.0, 0.0, 0.0  # as if the fit took a minute
    offer = example_catalogue.scalars(select(Offer).where(Offer.title == "Pigefodbold U12")).one()
    offer.spots_free = 0
    offer.title = "Pigefodbold U12 (fuldt hold)"  # applied at once; its TF-IDF weights wait for a refit
    example_catalogue.commit()
    fitted = threading.Event()
    fit = service.fit

    def slow_fit(session):
        try:
            return fit(session)
        finally:
            fitted.set()

    service.fit = slow_fit
    before = indexes.builds
    # No waiting: the index at hand, updated by the changed rows, answers (the full team is left out) ...
    assert service.match(example_catalogue, GIRL).excluded.get("no_free_spots") == 1
    assert indexes.peek(database_key(example_catalogue)).stale
    # ... while the exact refit runs in the background, and then answers the same way.
    assert fitted.wait(120)
    assert wait_for(lambda: not indexes.peek(database_key(example_catalogue)).stale)
    assert indexes.builds == before + 1
    assert service.match(example_catalogue, GIRL).excluded.get("no_free_spots") == 1
