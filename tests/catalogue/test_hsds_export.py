"""HSDS 3.1 export: schema-valid, and what was imported comes back out."""

import json
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import select

from matcher.catalogue.hsds_export import iter_services, merge
from matcher.catalogue.hsds_import import import_services, load_services
from matcher.catalogue.models import Offer, OfferStatus

DATA = Path(__file__).resolve().parent.parent / "data" / "hsds-3.1"


@pytest.fixture(scope="module")
def validator():
    schema = json.loads((DATA / "schema" / "service_with_definitions.json").read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)


def roundtrip(session, services, strict=True):
    import_services(session, services, strict=strict)
    session.commit()
    return list(iter_services(session))


def test_danish_example_round_trips_exactly(reference, validator):
    original = json.loads((DATA / "danish-profile-example.json").read_text(encoding="utf-8"))
    exported = roundtrip(reference, original)
    by_id = {s["id"]: s for s in exported}
    for service in original:
        assert by_id[service["id"]] == service
        assert not list(validator.iter_errors(by_id[service["id"]]))


@pytest.mark.parametrize("name", ["service_full.json", "service_list.json"])
def test_official_examples_round_trip(reference, validator, name):
    original = load_services((DATA / name).read_bytes())
    exported = roundtrip(reference, original, strict=False)
    assert exported == original
    for service in exported:
        assert not list(validator.iter_errors(service))


def test_edits_show_in_export_and_unknown_fields_survive(reference, validator):
    original = load_services((DATA / "service_full.json").read_bytes())
    roundtrip(reference, original, strict=False)
    offer = reference.scalars(select(Offer)).one()
    offer.title = "Ny titel"
    offer.status = OfferStatus.paused
    offer.spots_free = 3
    reference.commit()
    service = next(iter_services(reference))
    assert service["name"] == "Ny titel"
    assert service["status"] == "temporarily closed"
    assert service["capacities"][0]["available"] == 3
    assert service["alert"] == original[0]["alert"]  # an unmodelled field is kept
    assert not list(validator.iter_errors(service))


def test_merge_overlays_lists_by_id():
    source = {"a": 1, "schedules": [{"id": "s1", "dtstart": "2020-01-01", "byday": "MO"}]}
    generated = {"a": 2, "schedules": [{"id": "s1", "byday": "TU"}, {"id": "s2", "byday": "WE"}]}
    assert merge(source, generated) == {
        "a": 2, "schedules": [{"id": "s1", "dtstart": "2020-01-01", "byday": "TU"}, {"id": "s2", "byday": "WE"}]}


def test_export_never_contains_mentors(reference):
    from matcher.catalogue.mentors_import import import_mentors

    import_mentors(reference, (Path(__file__).parent.parent / "data" / "mentors-example.csv").read_text())
    reference.commit()
    assert list(iter_services(reference)) == []
