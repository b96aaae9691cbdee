"""A re-import keeps records whose bytes equal their last import without parsing them, and still checks the file."""

from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.catalogue import hsds_bulk, hsds_import, hsds_stream
from matcher.catalogue.errors import ImportFailed
from matcher.catalogue.hsds_hygiene import organisation_digest
from matcher.catalogue.hsds_import import import_services, read_services
from matcher.catalogue.models import Offer, Organisation
from tests.catalogue.test_hsds_import import danish_example


def _services(n: int = 3) -> list[dict]:
    base = danish_example()[0]
    return [dict(copy.deepcopy(base), id=f"s{i}", name=f"Hold {i}") for i in range(n)]


def _bytes(services: list[dict]) -> bytes:
    return ("[\n" + ",\n".join(json.dumps(s) for s in services) + "\n]").encode()


@pytest.fixture
def parsed(monkeypatch):
    """Count the records parse_service validates."""
    calls: list[int] = []
    real = hsds_import.parse_service

    def counting(raw, index, errors, **kwargs):
        calls.append(index)
        return real(raw, index, errors, **kwargs)

    monkeypatch.setattr(hsds_import, "parse_service", counting)
    return calls


def test_unchanged_bytes_are_kept_without_parsing_and_a_changed_record_is_parsed(reference, parsed):
    services = _services()
    assert import_services(reference, read_services(_bytes(services))).as_dict()["created"] == 3
    reference.commit()
    assert parsed == [0, 1, 2]
    parsed.clear()
    again = import_services(reference, read_services(_bytes(services)))
    assert again.as_dict() == {"created": 0, "updated": 0, "unchanged": 3, "flagged": 0}
    assert parsed == []
    services[1]["capacities"][0]["available"] = 0
    third = import_services(reference, read_services(_bytes(services)))
    reference.commit()
    assert third.as_dict() == {"created": 0, "updated": 1, "unchanged": 2, "flagged": 0}
    assert parsed == [1]
    assert reference.scalar(select(Offer.spots_free).where(Offer.external_id == "s1")) == 0


def test_an_edited_row_is_parsed_again(reference, parsed):
    services = _services(2)
    import_services(reference, read_services(_bytes(services)))
    reference.commit()
    offer = reference.scalars(select(Offer).where(Offer.external_id == "s0")).one()
    offer.title = "Ændret i appen"
    reference.commit()
    parsed.clear()
    summary = import_services(reference, read_services(_bytes(services)))
    reference.commit()
    assert parsed == [0] and summary.as_dict()["updated"] == 1
    reference.refresh(offer)
    assert offer.title == "Hold 0"


def test_a_kept_record_given_twice_is_named_as_a_duplicate(reference):
    services = _services(2)
    import_services(reference, read_services(_bytes(services)))
    reference.commit()
    with pytest.raises(ImportFailed) as err:
        import_services(reference, read_services(_bytes([services[0], services[1], services[0]])))
    reference.rollback()
    assert [(e.record, e.field, e.text("en")) for e in err.value.errors] == [
        ("service[2] id=s0", "id", "duplicates service[0]")]


def test_a_changed_record_disagreeing_with_a_kept_one_on_its_organisation_is_refused(reference):
    services = _services(2)
    import_services(reference, read_services(_bytes(services)))
    reference.commit()
    services[1]["organization"]["name"] = "Et andet navn"
    with pytest.raises(ImportFailed) as err:
        import_services(reference, read_services(_bytes(services)))
    reference.rollback()
    assert [(e.record, e.field) for e in err.value.errors] == [("service[1] id=s1", "organization")]
    assert "service[0]" in err.value.errors[0].text("en")


def test_an_organisation_whose_first_service_is_kept_is_not_rewritten_by_a_later_one(reference):
    services = _services(2)
    import_services(reference, read_services(_bytes(services)))
    reference.commit()
    org = reference.scalars(select(Organisation)).one()
    before = (org.address, org.lat, org.lon, org.import_digest)
    loc = services[1]["service_at_locations"][0]["location"]
    loc["latitude"], loc["longitude"] = loc["latitude"] + 0.01, loc["longitude"] + 0.01
    summary = import_services(reference, read_services(_bytes(services)))
    reference.commit()
    assert summary.as_dict()["updated"] == 1
    reference.refresh(org)
    assert (org.address, org.lat, org.lon, org.import_digest) == before
    moved = reference.scalars(select(Offer).where(Offer.external_id == "s1")).one()
    assert moved.lat == pytest.approx(loc["latitude"])


def test_a_kept_record_is_not_decoded(reference, monkeypatch):
    services = _services(3)
    import_services(reference, read_services(_bytes(services)))
    reference.commit()
    decoded: list[str] = []
    real = hsds_stream._decode
    monkeypatch.setattr(hsds_stream, "_decode", lambda text: decoded.append(text) or real(text))
    services[2]["name"] = "Hold 2, nyt navn"
    summary = import_services(reference, read_services(_bytes(services)))
    assert summary.as_dict() == {"created": 0, "updated": 1, "unchanged": 2, "flagged": 0}
    assert [json.loads(t)["id"] for t in decoded] == ["s2"]


def test_two_kept_records_whose_organisation_differs_between_their_imports_are_refused(reference):
    # s0 was last imported with the organisation's old name and s1 with its new one: both are the same
    # bytes as their last import, and a file giving both still names one organisation two ways.
    services = _services(2)
    import_services(reference, read_services(_bytes(services[:1])))
    reference.commit()
    renamed = copy.deepcopy(services[1])
    renamed["organization"]["name"] = "Et nyt navn"
    import_services(reference, read_services(_bytes([renamed])))
    reference.commit()
    with pytest.raises(ImportFailed) as err:
        import_services(reference, read_services(_bytes([services[0], renamed])))
    reference.rollback()
    assert [(e.record, e.field, e.code) for e in err.value.errors] == [
        ("service[1] id=s1", "organization", "hsds.organisation_conflict")]


def test_an_offer_stores_the_organisation_id_and_digest_of_its_record(reference):
    # Not the organisation row's: that may be another directory's twin (joined by CVR) with an id of
    # its own, while a kept record must give the cross-record checks the id in this file.
    services = _services(2)
    import_services(reference, read_services(_bytes(services)))
    reference.commit()
    offer = reference.scalars(select(Offer).where(Offer.external_id == "s0")).one()
    assert offer.import_organisation == services[0]["organization"]["id"].strip()
    assert offer.import_organisation_digest == organisation_digest(services[0]["organization"])


def test_digests_stored_before_the_lookup_columns_are_cleared_by_the_migration(migrated_url):
    from matcher.db import make_engine
    from matcher.migrate import downgrade, upgrade
    from matcher.seeding import load_reference

    engine = make_engine(migrated_url)
    with Session(engine) as session:
        load_reference(session)
        session.commit()
        import_services(session, read_services(_bytes(_services(2))))
        session.commit()
    engine.dispose()
    downgrade(migrated_url, "0012")
    upgrade(migrated_url)
    engine = make_engine(migrated_url)
    with Session(engine) as session:
        assert session.scalars(select(Offer.import_digest)).all() == [None, None]
        again = import_services(session, read_services(_bytes(_services(2))))
        session.commit()
        assert again.as_dict() == {"created": 0, "updated": 0, "unchanged": 2, "flagged": 0}
        assert None not in session.scalars(select(Offer.import_organisation_digest)).all()
        assert import_services(session, read_services(_bytes(_services(2)))).as_dict()["unchanged"] == 2
    engine.dispose()


def test_a_re_import_of_more_tiny_records_than_one_lookup_takes_still_checks_each(reference, monkeypatch):
    monkeypatch.setattr(hsds_bulk, "LOOKUP_BATCH", 2)
    services = _services(5)
    import_services(reference, read_services(_bytes(services)))
    reference.commit()
    services[3]["name"] = "Hold 3, nyt navn"
    summary = import_services(reference, read_services(_bytes(services)))
    assert summary.as_dict() == {"created": 0, "updated": 1, "unchanged": 4, "flagged": 0}
