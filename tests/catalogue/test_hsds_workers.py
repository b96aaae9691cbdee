"""An HSDS import whose records worker processes decode and validate stores what one without workers stores."""

from __future__ import annotations

import copy
import json
import os
import signal
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from matcher.catalogue import hsds_import
from matcher.catalogue.errors import ImportFailed
from matcher.catalogue.hsds_import import import_services, read_services
from matcher.catalogue.hsds_bulk import BulkWriter
from matcher.catalogue.hsds_workers import Behind, WorkerError, ordered_map
from matcher.catalogue.models import Offer
from tests.catalogue.test_hsds_import import danish_example

# Columns compared between an import with workers and one without (not the clock's).
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


def _import(session, path: Path, workers: int, progress=None):
    with path.open("rb") as fh:
        return import_services(session, read_services(fh), workers=workers, progress=progress)


class Workers:
    """A progress callback that records how many worker processes were running at each call."""

    def __init__(self):
        self.seen: list[int] = []

    def __call__(self, _n, _total):
        self.seen.append(len(_workers()))


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


def _workers() -> list[int]:
    """The worker processes (``multiprocessing`` spawn children) this process is running."""
    mine = str(os.getpid())
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes() if fields[1] == mine else b""
        except OSError:
            continue
        if b"spawn_main" in cmdline and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


@pytest.fixture
def no_worker_left():
    """Fail when a worker process started by the test is still running at its end."""
    yield
    assert _workers() == []


def test_an_import_with_workers_stores_the_rows_and_ids_of_one_without(reference, tmp_path, monkeypatch,
                                                                        no_worker_left):
    monkeypatch.setattr(hsds_import, "CHUNK", 7)
    path = _write(tmp_path / "services.json", _services(40))
    serial = _import(reference, path, workers=0)
    reference.flush()
    expected = _snapshot(reference)
    reference.rollback()
    assert reference.scalar(select(func.count(Offer.id))) == 0
    running = Workers()
    parallel = _import(reference, path, workers=2, progress=running)
    reference.commit()
    assert max(running.seen) == 2  # the records were checked by two worker processes
    assert parallel.as_dict() == serial.as_dict() == {"created": 40, "updated": 0, "unchanged": 0, "flagged": 1}
    assert parallel.notes == serial.notes
    assert _snapshot(reference) == expected
    assert len(expected["offers"]) == 40 and len(expected["organisations"]) == 13
    assert {row[22] for row in expected["offers"]} != {"None"}  # some offers lie in a district


def test_a_small_import_starts_no_worker(reference, tmp_path, no_worker_left):
    running = Workers()
    summary = _import(reference, _write(tmp_path / "services.json", _services(5)), workers=2, progress=running)
    assert summary.created == 5
    assert running.seen == [0]  # one batch of records: checked here, no pool started for it


def test_a_re_import_with_workers_keeps_unchanged_records_and_updates_a_changed_one(reference, tmp_path,
                                                                                   monkeypatch, no_worker_left):
    monkeypatch.setattr(hsds_import, "CHUNK", 3)
    services = _services(12)
    path = _write(tmp_path / "services.json", services)
    _import(reference, path, workers=2)
    reference.commit()
    again = _import(reference, path, workers=2)
    assert again.as_dict() == {"created": 0, "updated": 0, "unchanged": 12, "flagged": 0}
    reference.commit()
    services[5]["capacities"][0]["available"] = 0
    services[9]["capacities"][0]["available"] = 0
    third = _import(reference, _write(path, services), workers=2)
    reference.commit()
    assert third.as_dict() == {"created": 0, "updated": 2, "unchanged": 10, "flagged": 0}
    assert reference.scalars(select(Offer.external_id).where(Offer.spots_free == 0)
                             .order_by(Offer.external_id)).all() == ["s5", "s9"]


def test_bad_records_checked_by_workers_are_named_in_order_and_nothing_is_stored(reference, tmp_path, monkeypatch,
                                                                                 no_worker_left):
    monkeypatch.setattr(hsds_import, "CHUNK", 4)
    services = _services(30)
    services[25]["status"] = "open"
    services[27]["minimum_age"] = "x"
    services[28]["id"] = "s3"  # a duplicate of an id written in the first chunk
    path = _write(tmp_path / "services.json", services)
    with pytest.raises(ImportFailed) as err:
        _import(reference, path, workers=2)
    reference.rollback()
    assert [(e.record, e.field, e.code) for e in err.value.errors] == [
        ("service[25] id=s25", "status", "import.one_of"),
        ("service[27] id=s27", "minimum_age", "import.whole_number"),
        ("service[28] id=s3", "id", "hsds.duplicate_service"),
    ]
    assert err.value.errors[2].params == {"index": 3}
    serial = pytest.raises(ImportFailed, _import, reference, path, 0)
    reference.rollback()
    assert [e.line("en") for e in serial.value.errors] == [e.line("en") for e in err.value.errors]
    assert reference.scalar(select(func.count(Offer.id))) == 0


def test_a_record_that_is_not_json_is_named_as_without_workers(reference, tmp_path, monkeypatch, no_worker_left):
    monkeypatch.setattr(hsds_import, "CHUNK", 3)
    path = _write(tmp_path / "services.json", _services(10))
    text = path.read_bytes()
    path.write_bytes(text.replace(b'"name": "Hold 7"', b'"name" "Hold 7"'))  # record 7, on line 9, is not JSON
    with pytest.raises(ImportFailed) as err:
        _import(reference, path, workers=2)
    reference.rollback()
    serial = pytest.raises(ImportFailed, _import, reference, path, 0)
    reference.rollback()
    assert [e.line("en") for e in err.value.errors] == [e.line("en") for e in serial.value.errors]
    assert err.value.errors[0].record == "document" and "(line 9, column 21)" in err.value.errors[0].line("en")
    assert reference.scalar(select(func.count(Offer.id))) == 0


def test_a_document_error_after_written_chunks_is_named_by_an_import_with_workers(reference, tmp_path, monkeypatch,
                                                                                  no_worker_left):
    monkeypatch.setattr(hsds_import, "CHUNK", 3)
    path = _write(tmp_path / "services.json", _services(10))
    path.write_bytes(path.read_bytes().rstrip().removesuffix(b"]"))  # the list never closes
    with pytest.raises(ImportFailed) as err:
        _import(reference, path, workers=2)
    reference.rollback()
    serial = pytest.raises(ImportFailed, _import, reference, path, 0)
    reference.rollback()
    assert [e.line("en") for e in err.value.errors] == [e.line("en") for e in serial.value.errors]
    assert err.value.errors[0].record == "document"
    assert reference.scalar(select(func.count(Offer.id))) == 0


def test_an_interrupted_import_stops_its_workers_and_leaves_nothing(reference, tmp_path, monkeypatch,
                                                                    no_worker_left):
    monkeypatch.setattr(hsds_import, "CHUNK", 5)
    path = _write(tmp_path / "services.json", _services(60))
    written: list[int] = []

    def interrupt(n, _total):
        written.append(n)
        if n >= 10:
            assert len(_workers()) == 2
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _import(reference, path, workers=2, progress=interrupt)
    reference.rollback()
    assert written == [5, 10]
    assert reference.scalar(select(func.count(Offer.id))) == 0


def _square_unless_seven(x: int) -> int:
    """Run in a worker process: item 7 ends the process, as the kernel's out-of-memory killer would."""
    if x == 7:
        os._exit(9)
    return x * x


def test_ordered_map_gives_results_in_order_and_names_a_worker_that_died(no_worker_left):
    assert list(ordered_map(_square_unless_seven, [1, 2, 3, 4, 5, 6], workers=2, ahead=3)) == [1, 4, 9, 16, 25, 36]
    results = []
    with pytest.raises(WorkerError, match="a worker process stopped"):
        for r in ordered_map(_square_unless_seven, [1, 2, 3, 7, 5, 6, 8, 9], workers=2):
            results.append(r)
    # The first item is computed here; of those the pool had, any may be lost with the broken pool
    # (CPython fails every pending future), but no result comes out of order or after the loss.
    assert results[:1] == [1] and results == [1, 4, 9][:len(results)]


def test_behind_applies_items_in_order_in_lists_a_write_ends_at_once():
    applied: list[list[int]] = []
    behind = Behind(applied.append, batch=3)
    for i in range(8):
        behind.add(i, now=i == 4)
    behind.finish()
    assert applied == [[0, 1, 2], [3, 4], [5, 6, 7]]
    assert not behind.thread.is_alive()


def test_behind_raises_the_error_of_apply_and_applies_nothing_after_it():
    applied: list[list[int]] = []

    def apply(items):
        if 3 in items:
            raise RuntimeError("the database went away")
        applied.append(items)

    behind = Behind(apply, batch=2)
    with pytest.raises(RuntimeError, match="went away"):
        for i in range(1000):
            behind.add(i)
        behind.finish()
    behind.stop()
    assert applied == [[0, 1]]
    assert not behind.thread.is_alive()


def test_behind_stopped_drops_what_is_not_applied_and_waits_for_the_thread():
    started, release = threading.Event(), threading.Event()
    applied: list[list[int]] = []

    def apply(items):
        started.set()
        release.wait(5)
        applied.append(items)

    behind = Behind(apply, batch=1, depth=2)
    behind.add(0)
    started.wait(5)
    behind.add(1)
    behind.add(2)
    threading.Timer(0.2, release.set).start()
    behind.stop()  # returns once the item being applied is done
    assert applied == [[0]]
    assert not behind.thread.is_alive()


def test_a_write_that_fails_in_the_writing_thread_is_raised_and_nothing_is_stored(reference, tmp_path,
                                                                                   monkeypatch):
    monkeypatch.setattr(hsds_import, "CHUNK", 5)
    calls = []
    create = BulkWriter._create_offers

    def second_fails(self, rows):
        calls.append(len(rows))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        create(self, rows)

    monkeypatch.setattr(BulkWriter, "_create_offers", second_fails)
    with pytest.raises(RuntimeError, match="disk full"):
        _import(reference, _write(tmp_path / "services.json", _services(40)), workers=0)
    assert [t.name for t in threading.enumerate() if t.name == "import-writer"] == []
    reference.rollback()
    assert calls == [5, 5]  # nothing written after the failed chunk
    assert reference.scalar(select(func.count(Offer.id))) == 0
