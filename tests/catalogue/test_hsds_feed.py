"""The HSDS feed queries on SQLite and PostgreSQL: every filter, paging, streaming and look-ups by id."""

import datetime as dt
import json
from pathlib import Path

from matcher.catalogue.hsds_export import service_dict
from matcher.catalogue.hsds_feed import (
    FeedFilter,
    Near,
    find_organisation,
    find_service,
    find_service_at_location,
    iter_services,
    page_organisations,
    page_services,
)
from matcher.catalogue.hsds_import import import_services
from matcher.catalogue.hsds_terms import all_terms, taxonomy_id
from matcher.catalogue.models import Offer, Organisation, OrganisationKind

DATA = Path(__file__).resolve().parent.parent / "data" / "hsds-3.1"


def loaded(session):
    services = json.loads((DATA / "danish-profile-example.json").read_text(encoding="utf-8"))
    import_services(session, services)
    # One offer made in the product, without an imported id or source.
    org = session.query(Organisation).first()
    session.add(Offer(organisation=org, kind=org.offers[0].kind, title="Lektiecafé 100% gratis_",
                      description="", lat=55.70, lon=12.55, place_name="Biblioteket"))
    session.commit()
    return services


def ids(page):
    return [service_dict(o)["id"] for o in page.rows]


def test_filters_paging_and_lookups(reference):
    s = reference
    services = loaded(s)
    everything = page_services(s, FeedFilter(), 1, 50)
    assert everything.total == 3 and len(everything.rows) == 3
    assert [o.id for o in iter_services(s, FeedFilter(), batch=1)] == [o.id for o in everything.rows]
    assert page_services(s, FeedFilter(), 2, 2).total == 3 and len(page_services(s, FeedFilter(), 2, 2).rows) == 1

    assert ids(page_services(s, FeedFilter(search="PIGEFODBOLD"), 1, 50)) == [services[0]["id"]]
    assert page_services(s, FeedFilter(search="100%"), 1, 50).total == 1  # LIKE wildcards are literal
    assert page_services(s, FeedFilter(search="10_%"), 1, 50).total == 0
    assert page_services(s, FeedFilter(search="gratis_"), 1, 50).total == 1

    terms = {(t.taxonomy, t.code): t for t in all_terms(s)}
    assert ids(page_services(s, FeedFilter(taxonomy_term_id=terms["gender", "girls"].id), 1, 50)) == \
        [services[0]["id"]]
    assert page_services(s, FeedFilter(taxonomy_id=taxonomy_id("gender")), 1, 50).total == 1
    assert page_services(s, FeedFilter(taxonomy_term_id=terms["interest", "fodbold"].id), 1, 50).total == 1
    assert page_services(s, FeedFilter(taxonomy_term_id="unknown"), 1, 50).total == 0

    org_id = services[0]["organization"]["id"]
    assert page_services(s, FeedFilter(organization_id=org_id), 1, 50).total >= 1
    future = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    assert page_services(s, FeedFilter(modified_after=future), 1, 50).total == 0
    past = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
    assert page_services(s, FeedFilter(modified_after=past), 1, 50).total == 3

    near = page_services(s, FeedFilter(near=Near(55.70, 12.55, 100)), 1, 50, located=True)
    assert [o.title for o in near.rows] == ["Lektiecafé 100% gratis_"]
    assert page_services(s, FeedFilter(postcode="2500"), 1, 50, located=True).total >= 1

    made_here = next(o for o in everything.rows if o.external_id is None)
    generated = service_dict(made_here)["id"]
    assert find_service(s, generated).id == made_here.id
    assert find_service(s, services[1]["id"]).external_id == services[1]["id"]
    assert find_service(s, "nope") is None
    assert find_organisation(s, org_id).external_id == org_id
    sal_id = service_dict(made_here)["service_at_locations"][0]["id"]
    assert find_service_at_location(s, sal_id)[0].id == made_here.id
    imported_sal = services[0]["service_at_locations"][0]["id"]
    assert find_service_at_location(s, imported_sal)[1]["id"] == imported_sal

    orgs = page_organisations(s, FeedFilter(), 1, 50)
    assert orgs.total == s.query(Organisation).filter(Organisation.offers.any()).count()
    # A default organisation kind is not published (nor matched) unless the source stated it.
    kind = terms["organisation-kind", OrganisationKind.leisure_job_employer.value]
    assert page_organisations(s, FeedFilter(taxonomy_term_id=kind.id), 1, 50).total == 0
    assert page_organisations(s, FeedFilter(taxonomy_term_id=terms["support", "fee-support"].id), 1, 50).total == 1


def test_a_schedule_or_interest_change_counts_as_modified(reference):
    """Followers ask for modified_after: a change to only an offer's schedules or interests must show."""
    from matcher.catalogue.models import InterestTerm, OfferSchedule

    s = reference
    loaded(s)
    offer = s.query(Offer).filter(Offer.external_id.is_not(None)).order_by(Offer.id).first()
    mark = dt.datetime.now(dt.timezone.utc)
    assert page_services(s, FeedFilter(modified_after=mark), 1, 50).total == 0
    offer.schedules[0].opens_at = dt.time(18, 0)
    s.commit()
    assert ids(page_services(s, FeedFilter(modified_after=mark), 1, 50)) == [offer.external_id]
    mark = dt.datetime.now(dt.timezone.utc)
    offer.schedules.append(OfferSchedule(weekdays=["sat"]))
    s.commit()
    assert page_services(s, FeedFilter(modified_after=mark), 1, 50).total == 1
    mark = dt.datetime.now(dt.timezone.utc)
    offer.interests = [s.query(InterestTerm).filter(InterestTerm.code == "karate").one()]
    s.commit()
    assert ids(page_services(s, FeedFilter(modified_after=mark), 1, 50)) == [offer.external_id]
    mark = dt.datetime.now(dt.timezone.utc)
    s.commit()
    assert page_services(s, FeedFilter(modified_after=mark), 1, 50).total == 0
