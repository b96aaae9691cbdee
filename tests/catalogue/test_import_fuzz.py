"""Hostile input to the importers: nothing crashes, and nothing is stored half."""

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matcher.catalogue.errors import ImportFailed
from matcher.catalogue.hsds_import import import_services, load_services
from matcher.catalogue.hsds_parse import parse_service
from matcher.catalogue.mentors_import import HEADER, import_mentors
from matcher.db import make_engine
from matcher.migrate import upgrade
from matcher.models import metadata
from matcher.seeding import load_reference
from tests.fuzzing import examples

DATA = Path(__file__).resolve().parent.parent / "data"
EXAMPLE = json.loads((DATA / "hsds-3.1" / "danish-profile-example.json").read_text(encoding="utf-8"))
HOSTILE = st.one_of(
    st.text(max_size=50),
    st.sampled_from(["'; DROP TABLE offers; --", "<script>alert(1)</script>", "\x00\x01\x1b[31m", "ø" * 5000,
                     "x" * 100_000, "\ud800", "1e309", "-1", "NaN", "${jndi:ldap://x}", "../../etc/passwd"]),
    st.integers(min_value=-10**12, max_value=10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(), st.none(), st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.text(max_size=5),
                                                                                      max_size=2),
)
NESTED_100: list = []
for _ in range(99):
    NESTED_100 = [NESTED_100]
PATHS = [("id",), ("name",), ("status",), ("minimum_age",), ("maximum_age",), ("assured_date",),
         ("organization",), ("organization", "id"), ("organization", "name"), ("schedules",),
         ("schedules", 0, "byday"), ("schedules", 0, "opens_at"), ("cost_options", 0, "amount"),
         ("capacities", 0, "available"), ("languages",), ("attributes", 0, "taxonomy_term"),
         ("attributes", 0, "taxonomy_term", "code"), ("service_at_locations", 0, "location", "latitude"),
         ("service_at_locations", 0, "location", "addresses", 0, "postal_code")]


@pytest.fixture(scope="module")
def fuzz_session(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        load_reference(session)
        import_services(session, EXAMPLE[1:])
        session.commit()
        yield session
    engine.dispose()


def counts(session):
    return {name: session.execute(select(func.count()).select_from(t)).scalar() for name, t in metadata.tables.items()}


def _set(doc, path, value):
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(PATHS), value=HOSTILE)
# Found by this test on random runs (OverflowError, ValueError, RecursionError in the importer):
@example(path=("capacities", 0, "available"), value=float("inf"))
@example(path=("minimum_age",), value=float("nan"))
@example(path=("cost_options", 0, "amount"), value=float("-inf"))
@example(path=("description",), value=NESTED_100)
@example(path=("service_at_locations", 0, "location", "latitude"), value=float("nan"))
def test_hostile_service_fields_are_refused_or_stored_whole(fuzz_session, path, value):
    session = fuzz_session
    before = counts(session)
    doc = copy.deepcopy(EXAMPLE[:1])
    _set(doc[0], path, value)
    try:
        import_services(session, load_services(json.dumps(doc, allow_nan=True)))
        session.flush()
    except ImportFailed as exc:
        session.rollback()
        assert exc.errors and all(e.record and e.field for e in exc.errors)
        assert counts(session) == before
    else:
        session.rollback()  # accepted: it was whole; undo so examples stay independent


@pytest.mark.parametrize("path,literal,field", [
    (("capacities", 0, "available"), "Infinity", "capacities[0].available"),
    (("minimum_age",), "NaN", "minimum_age"),
    (("maximum_age",), "-Infinity", "maximum_age"),
    (("capacities", 0, "maximum"), "1e999", "capacities[0].maximum"),
    (("minimum_age",), "9" * 5000, "minimum_age"),
    (("description",), "[" * 5000 + "]" * 5000, "description[0][0][0][0][0][0][0]…"),
])
def test_non_standard_json_is_refused_naming_record_and_field(fuzz_session, path, literal, field):
    before = counts(fuzz_session)
    doc = copy.deepcopy(EXAMPLE[:1])
    _set(doc[0], path, "MARK")
    text = json.dumps(doc).replace('"MARK"', literal)
    with pytest.raises(ImportFailed) as err:
        import_services(fuzz_session, load_services(text))
    [error] = err.value.errors
    assert (error.record, error.field) == ("service[0]", field)
    assert counts(fuzz_session) == before


TEXT_PATHS = [("id",), ("name",), ("description",), ("organization", "id"), ("organization", "name"),
              ("schedules", 0, "id"), ("schedules", 0, "description"), ("languages", 0, "code"),
              ("attributes", 0, "taxonomy_term", "code"), ("service_at_locations", 0, "location", "name"),
              ("service_at_locations", 0, "location", "addresses", 0, "city")]


@pytest.mark.parametrize("value", ["\x00", "\ud800x", "x" * 100_000, "\x1b[31m"])
@pytest.mark.parametrize("path", TEXT_PATHS)
def test_every_text_field_refuses_unstorable_text(fuzz_session, path, value):
    before = counts(fuzz_session)
    doc = copy.deepcopy(EXAMPLE[:1])
    _set(doc[0], path, value)
    with pytest.raises(ImportFailed) as err:
        import_services(fuzz_session, load_services(json.dumps(doc)))
    fuzz_session.rollback()
    field = err.value.errors[0].field
    assert any(part in field for part in path if isinstance(part, str) and part != "service_at_locations")
    assert counts(fuzz_session) == before


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_random_bytes_never_crash_the_hsds_reader(fuzz_session, data):
    before = counts(fuzz_session)
    try:
        import_services(fuzz_session, load_services(data))
        fuzz_session.flush()
    except ImportFailed:
        pass
    fuzz_session.rollback()
    assert counts(fuzz_session) == before


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(column=st.sampled_from(HEADER), value=st.one_of(HOSTILE.map(str), st.text(max_size=30)))
def test_hostile_mentor_cells_are_refused_or_stored_whole(fuzz_session, column, value):
    import csv
    import io

    row = dict(zip(HEADER, ["m1", "Sara", "female", "2200", "fodbold", "da", "8", "14", "1", "0", "2028-06-30", "tue"]))
    row[column] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    writer.writerow(row)
    before = counts(fuzz_session)
    try:
        import_mentors(fuzz_session, out.getvalue().encode("utf-8", "surrogatepass"))
        fuzz_session.flush()
    except ImportFailed as exc:
        assert all(e.field for e in exc.errors)
        fuzz_session.rollback()
        assert counts(fuzz_session) == before
    else:
        fuzz_session.rollback()


@pytest.mark.parametrize("value,words", [
    (float("inf"), "whole number"), (float("nan"), "whole number"), (Decimal("NaN"), "whole number"),
    (Decimal("1E+999999"), "between 0 and 120"), (Decimal("12.5"), "whole number"), (True, "whole number"),
    ("12", "whole number"), (-1, "between 0 and 120"),
])
def test_ages_are_checked_finite_and_in_range_before_int(value, words):
    """The record-level checks hold for values from any parser (a streaming one gives Decimals)."""
    doc = copy.deepcopy(EXAMPLE[0])
    doc["minimum_age"] = value
    errors = []
    assert parse_service(doc, 0, errors) is None
    assert [(e.field, words in e.text("en")) for e in errors] == [("minimum_age", True)]


def test_a_decimal_age_from_a_streaming_parser_is_read():
    doc = copy.deepcopy(EXAMPLE[0])
    doc["minimum_age"], doc["maximum_age"] = Decimal("6"), Decimal("14.0")
    errors = []
    parsed = parse_service(doc, 0, errors)
    assert errors == [] and (parsed.age_min, parsed.age_max) == (6, 14)
