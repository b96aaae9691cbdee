"""The bulk HSDS import keeps what issue 15 added to the ORM import: organisations recognised by
their identifiers (twins joined, not overwritten), identifiers recorded, and ``updated_at`` moved
when only an offer's schedules change (the HSDS API's ``modified_after`` reads it)."""

import copy
import datetime as dt
import json
from pathlib import Path

from sqlalchemy import func, select, update

from matcher.catalogue.feed_models import OrganisationIdentifier
from matcher.catalogue.hsds_import import import_services
from matcher.catalogue.models import Offer, Organisation

DATA = Path(__file__).resolve().parent.parent / "data" / "hsds-3.1"


def danish_example():
    return json.loads((DATA / "danish-profile-example.json").read_text(encoding="utf-8"))


def cvr(number):
    return [{"id": f"cvr-{number}", "identifier_scheme": "DK-CVR", "identifier_type": "CVR-nummer",
             "identifier": number}]


def test_two_new_organisations_with_one_cvr_in_one_file_are_one(reference):
    services = danish_example()
    for s in services:
        s["organization"]["organization_identifiers"] = cvr("12345678")
    summary = import_services(reference, services)
    assert summary.created == 2
    assert reference.scalar(select(func.count(Organisation.id))) == 1
    first = services[0]["organization"]
    assert any(n.startswith(f"organisation {services[1]['organization']['id']} ") and
               f"is {first['id']} ({first['name']})" in n and n.endswith("DK-CVR 12345678: merged")
               for n in summary.notes)
    rows = reference.execute(select(OrganisationIdentifier.scheme, OrganisationIdentifier.identifier,
                                    Organisation.external_id).join(Organisation)).all()
    assert rows == [("DK-CVR", "12345678", first["id"])]


def test_an_organisation_known_before_gets_its_identifiers_recorded(reference):
    services = danish_example()
    import_services(reference, services)
    for s in services:
        s["organization"]["organization_identifiers"] = cvr("1234567" + str(services.index(s)))
    import_services(reference, services)
    assert reference.scalar(select(func.count(OrganisationIdentifier.id))) == 2
    twin = copy.deepcopy(services[0])
    twin["id"] = "00000000-0000-4000-8000-000000000009"
    twin["organization"]["id"] = "11111111-0000-4000-8000-000000000009"
    twin["organization"]["name"] = "Deres navn"
    summary = import_services(reference, [twin])
    assert summary.created == 1 and any(n.endswith(": merged") for n in summary.notes)
    names = set(reference.scalars(select(Organisation.name)))
    assert "Deres navn" not in names and len(names) == 2  # the twin's details are not overwritten


def test_a_schedule_only_change_moves_updated_at_and_the_revision(reference):
    services = danish_example()
    import_services(reference, services)
    old = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
    reference.execute(update(Offer).values(updated_at=old, changed_rev=0))
    services[0]["schedules"][0]["closes_at"] = "18:00:00"
    summary = import_services(reference, services)
    assert summary.updated == 1 and summary.unchanged == 1
    rows = {e: (u, r) for e, u, r in reference.execute(select(Offer.external_id, Offer.updated_at, Offer.changed_rev))}
    moved, kept = rows[services[0]["id"]], rows[services[1]["id"]]
    assert moved[0].replace(tzinfo=dt.timezone.utc) > old and moved[1] > 0
    assert kept[1] == 0
