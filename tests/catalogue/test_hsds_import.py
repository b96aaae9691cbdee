"""HSDS 3.1 import: the Danish profile, the official examples, broken files, idempotency."""

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from matcher.catalogue.errors import ImportFailed
from matcher.catalogue.hsds_import import import_services, load_services
from matcher.catalogue.models import (
    GenderRestriction,
    InterestTerm,
    Offer,
    OfferKind,
    OfferStatus,
    OrganisationKind,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "hsds-3.1"


def danish_example():
    return json.loads((DATA / "danish-profile-example.json").read_text(encoding="utf-8"))


def table_counts(session):
    from matcher.models import metadata

    return {name: session.execute(select(func.count()).select_from(table)).scalar()
            for name, table in metadata.tables.items()}


def test_danish_profile_maps_to_catalogue_fields(reference):
    session = reference
    summary = import_services(session, danish_example())
    session.commit()
    assert summary.as_dict() == {"created": 2, "updated": 0, "unchanged": 0, "flagged": 0}

    football = session.scalars(select(Offer).where(Offer.title == "Pigefodbold U12")).one()
    assert football.external_id == "c1404959-d3aa-5da2-a02e-03e34d695e1c"
    assert (football.age_min, football.age_max) == (10, 12)
    assert football.gender is GenderRestriction.girls
    assert football.kind is OfferKind.activity
    assert football.fee_support is True
    assert football.monthly_fee_dkk == Decimal("120")
    assert (football.capacity, football.spots_free) == (20, 5)
    assert football.weekdays == ["tue", "thu"]
    assert football.schedules[0].opens_at.isoformat() == "16:30:00"
    assert [t.code for t in football.interests] == ["fodbold"]
    assert football.postcode == "2500"
    assert football.district.name == "Valby"
    assert football.verified_at.isoformat() == "2026-09-01"
    assert football.organisation.external_id == "412cf209-21e4-597d-bf75-0cad7a07263b"

    job = session.scalars(select(Offer).where(Offer.kind == OfferKind.leisure_job)).one()
    assert job.organisation.kind is OrganisationKind.leisure_job_employer
    assert job.monthly_fee_dkk == 0
    assert job.district.name == "Østerbro"


def test_reimport_is_idempotent_and_updates(reference):
    session = reference
    services = danish_example()
    import_services(session, services)
    session.commit()
    again = import_services(session, services)
    assert again.as_dict() == {"created": 0, "updated": 0, "unchanged": 2, "flagged": 0}
    changed = copy.deepcopy(services)
    changed[0]["capacities"][0]["available"] = 0
    third = import_services(session, changed)
    session.commit()
    assert (third.updated, third.unchanged) == (1, 1)
    assert session.scalar(select(func.count(Offer.id))) == 2
    assert session.scalars(select(Offer).where(Offer.title == "Pigefodbold U12")).one().spots_free == 0


def test_unknown_interest_term_is_created_and_flagged(reference):
    session = reference
    services = danish_example()[:1]
    services[0]["attributes"][0]["taxonomy_term"].update(code="padel", name="Padel")
    summary = import_services(session, services)
    session.commit()
    assert summary.flagged == 1
    term = session.scalars(select(InterestTerm).where(InterestTerm.code == "padel")).one()
    assert term.needs_mapping is True and term.name == "Padel"


def test_official_examples_import_leniently(reference):
    session = reference
    services = load_services((DATA / "service_full.json").read_bytes())
    summary = import_services(session, services, strict=False)
    session.commit()
    assert summary.created == 1
    assert any("outside Denmark" in n for n in summary.notes)
    offer = session.scalars(select(Offer)).one()
    assert offer.status is OfferStatus.active
    assert offer.lat is None and offer.postcode is None
    assert offer.other_attributes[0]["taxonomy_term"]["code"] == "code"


def _break(mutate):
    services = danish_example()
    mutate(services)
    return services


BROKEN = {
    "ages min>max": (lambda s: s[0].update(minimum_age=14, maximum_age=9), "minimum_age"),
    "missing id": (lambda s: s[1].pop("id"), "id: is required"),
    "wrong type": (lambda s: s[0].update(minimum_age="ten"), "minimum_age: must be a whole number"),
    "outside Denmark": (lambda s: s[0]["service_at_locations"][0]["location"].update(latitude=51.5, longitude=-0.1),
                        "outside Denmark"),
    "term without code or name": (lambda s: s[0]["attributes"][0]["taxonomy_term"].update(code="", name=""),
                                  "neither code nor name"),
    "duplicate id": (lambda s: s[1].update(id=s[0]["id"]), "duplicates service[0]"),
    "bad status": (lambda s: s[0].update(status="open"), "status"),
    "organisation missing": (lambda s: s[0].pop("organization"), "organization: is required"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_file_is_refused_and_database_unchanged(reference, case):
    session = reference
    import_services(session, danish_example()[1:])  # something already there
    session.commit()
    before = table_counts(session)
    mutate, expected = BROKEN[case]
    with pytest.raises(ImportFailed) as err:
        import_services(session, _break(mutate))
    session.rollback()
    assert expected in str(err.value)
    assert "service[" in str(err.value)  # names the record
    assert table_counts(session) == before


@pytest.mark.parametrize("text", [b"{not json", b"\xff\xfe\x00garbage", b"42"])
def test_not_json_is_refused(text):
    with pytest.raises(ImportFailed, match="document"):
        load_services(text)
