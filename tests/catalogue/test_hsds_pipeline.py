"""A pipelined HSDS import (a reading process beside the writing one) stores what a serial one stores."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from matcher.catalogue import hsds_import
from matcher.catalogue.errors import ImportFailed
from matcher.catalogue.hsds_import import import_services, read_services
from matcher.catalogue.models import Offer
from tests.catalogue.test_hsds_import import danish_example

# Columns compared between a serial and a pipelined import (not the clock's).
TABLES = {
    "organisations": "id, external_id, name, description, email, website, phone, kind, vulnerable_experience, "
                     "childcert_policy, hsds_source, address, postcode, city, lat, lon, district_id, import_digest",
    "offers": "id, external_id, organisation_id, kind, title, description, age_min, age_max, gender, "
              "monthly_fee_dkk, fee_support, capacity, spots_free, languages, status, verified_at, place_name, "
              "address, postcode, city, lat, lon, district_id, other_attributes, hsds_source, import_digest, version",
    "offer_interests": "offer_id, (SELECT code FROM interest_terms WHERE id = term_id)",
    "offer_schedules": "offer_id, external_id, weekdays, opens_at, closes_at, description",
    "organisation_identifiers": "organisation_id, scheme, identifier",
    "interest_terms": "code, name, needs_mapping",
}
ID_COLUMNS = {"id", "organisation_id", "offer_id"}


def _services(n: int) -> list[dict]:
    """N services of n/3 organisations: some in Copenhagen's districts, some by postcode only, one new term."""
    base = danish_example()
    out = []
    for i in range(n):
        s = copy.deepcopy(base[i % len(base)])
        s["id"], s["name"] = f"s{i}", f"Hold {i}"
        s["organization"] = dict(s["organization"], id=f"o{i % max(1, n // 3)}", name=f"Forening {i % max(1, n // 3)}")
        s["organization"].pop("organization_identifiers", None)
        loc = s["service_at_locations"][0]["location"]
        if i % 4 == 1:
            loc.pop("latitude", None)
            loc.pop("longitude", None)
        elif "latitude" in loc:
            loc["latitude"] += (i % 3) * 0.001
        if i == n - 2:
            s["attributes"] = list(s.get("attributes") or []) + [{"taxonomy_term": {
                "code": "curling", "name": "Curling", "taxonomy": "interest"}}]
        out.append(s)
    # one organisation id per organisation content: the first service of each sets it
    first: dict[str, dict] = {}
    for s in out:
        s["organization"] = first.setdefault(s["organization"]["id"], s["organization"])
    return out


def _write(path: Path, services: list) -> Path:
    path.write_text("[\n" + ",\n".join(json.dumps(s) for s in services) + "\n]\n", encoding="utf-8")
    return path


def _import(session, path: Path, pipeline: bool):
    with path.open("rb") as fh:
        return import_services(session, read_services(fh), pipeline=pipeline)


def _snapshot(session) -> dict[str, list[tuple]]:
    """The imported rows, ids taken relative to the first new one (PostgreSQL sequences move on in a rollback)."""
    base = {
        "organisations": session.scalar(text("SELECT MIN(id) FROM organisations")) or 0,
        "offers": session.scalar(text("SELECT MIN(id) FROM offers")) or 0,
    }
    out = {}
    for table, columns in TABLES.items():
        names = [c.strip() for c in columns.split(", ")]
        rows = session.execute(text(f"SELECT {columns} FROM {table}")).all()  # noqa: S608
        shifted = []
        for row in rows:
            values = []
            for name, value in zip(names, row, strict=True):
                if name in ID_COLUMNS:
                    key = "offers" if (name == "offer_id" or (name == "id" and table == "offers")) else "organisations"
                    value = value - base[key]
                values.append(str(value))
            shifted.append(tuple(values))
        out[table] = sorted(shifted)
    return out


@pytest.fixture
def no_reader_left():
    """Fail when a reading process started by the test is still running at its end."""
    yield
    mine = str(os.getpid())
    left = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        cmdline = (stat.parent / "cmdline").read_bytes() if fields[1] == mine else b""
        if b"hsds_pipeline" in cmdline:
            left.append(stat.parent.name)
    assert left == []


def test_a_pipelined_import_stores_the_rows_and_ids_of_a_serial_one(reference, tmp_path, monkeypatch,
                                                                     no_reader_left):
    monkeypatch.setattr(hsds_import, "CHUNK", 7)  # passed on to the reading process
    path = _write(tmp_path / "services.json", _services(40))
    serial = _import(reference, path, pipeline=False)
    reference.flush()
    expected = _snapshot(reference)
    reference.rollback()
    assert reference.scalar(select(func.count(Offer.id))) == 0
    piped = _import(reference, path, pipeline=True)
    reference.commit()
    assert piped.as_dict() == serial.as_dict() == {"created": 40, "updated": 0, "unchanged": 0, "flagged": 1}
    assert piped.notes == serial.notes
    assert _snapshot(reference) == expected
    assert len(expected["offers"]) == 40 and len(expected["organisations"]) == 13
    assert {row[22] for row in expected["offers"]} != {"None"}  # some offers lie in a district


def test_a_pipelined_re_import_keeps_unchanged_records_and_updates_a_changed_one(reference, tmp_path,
                                                                                no_reader_left):
    services = _services(12)
    path = _write(tmp_path / "services.json", services)
    _import(reference, path, pipeline=True)
    reference.commit()
    again = _import(reference, path, pipeline=True)
    assert again.as_dict() == {"created": 0, "updated": 0, "unchanged": 12, "flagged": 0}
    reference.commit()
    services[5]["capacities"][0]["available"] = 0
    third = _import(reference, _write(path, services), pipeline=True)
    reference.commit()
    assert third.as_dict() == {"created": 0, "updated": 1, "unchanged": 11, "flagged": 0}
    assert reference.scalar(select(Offer.spots_free).where(Offer.external_id == "s5")) == 0


def test_a_bad_record_deep_in_a_pipelined_file_is_named_and_nothing_is_stored(reference, tmp_path, monkeypatch,
                                                                             no_reader_left):
    monkeypatch.setattr(hsds_import, "CHUNK", 4)
    services = _services(30)
    services[25]["status"] = "open"
    services[27]["minimum_age"] = "x"
    services[28]["id"] = "s3"  # a duplicate of an id written in the first chunk
    with pytest.raises(ImportFailed) as err:
        _import(reference, _write(tmp_path / "services.json", services), pipeline=True)
    reference.rollback()
    assert [(e.record, e.field, e.code) for e in err.value.errors] == [
        ("service[25] id=s25", "status", "import.one_of"),
        ("service[27] id=s27", "minimum_age", "import.whole_number"),
        ("service[28] id=s3", "id", "hsds.duplicate_service"),
    ]
    assert err.value.errors[2].params == {"index": 3}
    assert reference.scalar(select(func.count(Offer.id))) == 0


def test_a_document_error_after_written_chunks_is_named_by_a_pipelined_import(reference, tmp_path, monkeypatch,
                                                                              no_reader_left):
    monkeypatch.setattr(hsds_import, "CHUNK", 3)
    path = _write(tmp_path / "services.json", _services(10))
    path.write_bytes(path.read_bytes().rstrip().removesuffix(b"]"))  # the list never closes
    with pytest.raises(ImportFailed) as err:
        _import(reference, path, pipeline=True)
    reference.rollback()
    serial = pytest.raises(ImportFailed, _import, reference, path, False)
    reference.rollback()
    assert [e.line("en") for e in err.value.errors] == [e.line("en") for e in serial.value.errors]
    assert err.value.errors[0].record == "document"
    assert reference.scalar(select(func.count(Offer.id))) == 0


def test_an_interrupted_pipelined_import_stops_its_reader_and_leaves_nothing(reference, tmp_path, monkeypatch,
                                                                             no_reader_left):
    monkeypatch.setattr(hsds_import, "CHUNK", 5)
    path = _write(tmp_path / "services.json", _services(60))
    written: list[int] = []

    def interrupt(n, _total):
        written.append(n)
        if n >= 10:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), path.open("rb") as fh:
        import_services(reference, read_services(fh), pipeline=True, progress=interrupt)
    reference.rollback()
    assert written == [5, 10]
    assert reference.scalar(select(func.count(Offer.id))) == 0


def test_a_failing_reader_is_reported_and_nothing_is_stored(reference, tmp_path, no_reader_left):
    from matcher.catalogue.hsds_pipeline import PipelineError

    path = _write(tmp_path / "services.json", _services(6))
    with path.open("rb") as fh:
        path.unlink()  # this process still reads it; the reading process, which opens it by name, cannot
        with pytest.raises(PipelineError, match="FileNotFoundError"):
            import_services(reference, read_services(fh), pipeline=True)
    reference.rollback()
    assert reference.scalar(select(func.count(Offer.id))) == 0
