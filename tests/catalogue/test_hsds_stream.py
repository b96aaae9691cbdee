"""The streaming HSDS reader: any chunking gives the same services, and strict JSON is enforced as bytes pass."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.catalogue import hsds_stream
from matcher.catalogue.errors import ImportFailed
from matcher.catalogue.hsds_import import import_services, load_services, read_services
from matcher.catalogue.hsds_stream import DocumentError, stream_services, stream_with_sources
from tests.catalogue.test_hsds_import import DATA, danish_example

TRICKY = [{"id": "a", "name": 'quote \\" and [[[ {{{ \\\\ end "', "x": [[1], {"y": "]}"}]},
          {"id": "b", "name": "Ærø \u00e6 \U0001f600", "z": None}, [1, 2], "text", 3]


@settings(max_examples=60, deadline=None)
@given(chunk=st.integers(min_value=1, max_value=300), indent=st.sampled_from([None, 1, 4]))
def test_any_chunking_reads_the_same_services_and_their_text(chunk, indent):
    data = json.dumps(TRICKY, indent=indent).encode()
    saved, hsds_stream.CHUNK = hsds_stream.CHUNK, chunk
    try:
        got = list(stream_with_sources(io.BytesIO(data)))
    finally:
        hsds_stream.CHUNK = saved
    assert [item for item, _ in got] == TRICKY
    assert [json.loads(text) if text is not None else None for _, text in got] == TRICKY[:3] + [None, None]


def test_pages_and_single_services_are_read_too():
    services = danish_example()
    page = {"total_items": 2, "contents": services, "page": {"number": 1}}
    assert list(stream_services(json.dumps(page).encode())) == services
    assert list(stream_services(json.dumps(services[0]))) == [services[0]]
    assert list(stream_services(b"\xef\xbb\xbf  " + json.dumps(services).encode())) == services


@pytest.mark.parametrize(("text", "expected"), [
    (b'[{"id": "x", "minimum_age": NaN}]', "not valid JSON"),
    (b'[{"id": "x", "minimum_age": Infinity}]', "not valid JSON"),
    (b'[{"id": "x", "minimum_age": 1e400}]', "not valid JSON"),
    (b"[" * 100_000 + b"]" * 100_000, "nested deeper than 64 levels"),
    (b'[{"description": "' + b"x" * (2 << 20) + b'"}]', "longer than"),
    (b"", "empty"), (b"42", "expected a list"), (b"null", "expected a list"), (b"[1] [2]", "not valid JSON"),
])
def test_what_strict_json_refuses_is_refused_as_a_document_error(text, expected):
    with pytest.raises(DocumentError, match=expected) as err:
        list(stream_services(text))
    assert err.value.record == "document"
    with pytest.raises(ImportFailed) as failed:  # read again by matcher.jsonio: names the record where it can
        load_services(text)
    assert failed.value.errors[0].record in ("document", "service[0]")


def test_deep_nesting_is_refused_before_the_parser_spends_memory():
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(DocumentError):
        list(stream_services(b"[" * 2_000_000))
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KiB: far below gigabytes


def test_a_lone_surrogate_escape_names_the_record_and_field(reference):
    services = danish_example()
    services[1]["name"] = "\ud800x"
    with pytest.raises(ImportFailed) as err:
        import_services(reference, read_services(json.dumps(services).encode()))
    reference.rollback()
    assert [(e.record.split(" ")[0], e.field) for e in err.value.errors] == [("service[1]", "name")]
    assert "surrogate" in err.value.errors[0].message


def test_a_streamed_import_equals_a_list_import_and_keeps_the_source_text(reference, tmp_path):
    from sqlalchemy import select

    from matcher.catalogue.models import Offer

    path = tmp_path / "services.json"
    path.write_text(json.dumps(danish_example(), indent=2), encoding="utf-8")
    with path.open("rb") as fh:
        summary = import_services(reference, read_services(fh))
    reference.commit()
    assert summary.as_dict() == {"created": 2, "updated": 0, "unchanged": 0, "flagged": 0}
    stored = {o.external_id: o.hsds_source for o in reference.scalars(select(Offer))}
    assert stored == {s["id"]: s for s in danish_example()}
    assert import_services(reference, danish_example()).as_dict()["unchanged"] == 2
    with path.open("rb") as fh:
        assert import_services(reference, read_services(fh)).as_dict()["unchanged"] == 2


def test_a_row_edited_in_the_app_is_compared_field_by_field_on_re_import(reference):
    from sqlalchemy import select

    from matcher.catalogue.models import Offer

    import_services(reference, danish_example())
    reference.commit()
    offer = reference.scalars(select(Offer).order_by(Offer.id)).first()
    offer.spots_free = (offer.spots_free or 0) + 7
    reference.commit()
    summary = import_services(reference, danish_example())
    reference.commit()
    assert summary.as_dict() == {"created": 0, "updated": 1, "unchanged": 1, "flagged": 0}
    reference.refresh(offer)
    assert offer.spots_free == next(s for s in danish_example() if s["id"] == offer.external_id)[
        "capacities"][0]["available"]
    assert offer.import_digest is not None
    again = import_services(reference, danish_example())
    assert again.as_dict()["unchanged"] == 2


def test_errors_are_counted_past_the_listed_ones(reference, monkeypatch):
    from matcher.catalogue import hsds_import

    monkeypatch.setattr(hsds_import, "MAX_ERRORS", 3)
    services = [dict(danish_example()[0], id=f"s{i}", minimum_age="x") for i in range(10)]
    with pytest.raises(ImportFailed) as err:
        import_services(reference, services)
    reference.rollback()
    assert len(err.value.errors) == 3 and err.value.total == 10 and "10 error(s)" in str(err.value)


def test_a_bad_record_after_written_chunks_leaves_nothing_after_rollback(reference, monkeypatch):
    from sqlalchemy import func, select

    from matcher.catalogue import hsds_import
    from matcher.catalogue.models import Offer

    monkeypatch.setattr(hsds_import, "CHUNK", 2)
    base = danish_example()[0]
    services = [dict(base, id=f"s{i}") for i in range(7)] + [dict(base, id="bad", status="open")]
    with pytest.raises(ImportFailed, match="bad: status"):
        import_services(reference, services)
    reference.rollback()
    assert reference.scalar(select(func.count(Offer.id))) == 0
    assert DATA.exists()


@pytest.mark.parametrize("text", [
    b"[1,,2]", b"[{},]", b"[,{}]", b"[{}{}]", b"[{}] x", b"[{}", b"[", b'[{"a": 1}, 2 3]', b"[{}]]",
    b'[{"a": "x"}, "unterminated]', b"[{}, nul]", b"[{}, 1e999]", b"[{}, -Infinity]",
])
def test_a_list_that_is_not_strict_json_between_its_elements_is_refused(text):
    with pytest.raises(DocumentError, match="not valid JSON|ends before"):
        list(stream_services(text))


@settings(max_examples=80, deadline=None)
@given(values=st.lists(st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet="ab,[]{}\"\\ æ:"),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(alphabet="ab[]\",", max_size=3), inner,
                                                                max_size=3),
    max_leaves=6), max_size=6),
    chunk=st.integers(min_value=1, max_value=40), indent=st.sampled_from([None, 0, 2]))
def test_any_list_reads_as_the_standard_decoder_reads_it(values, chunk, indent):
    data = json.dumps(values, indent=indent, ensure_ascii=False).encode()
    saved, hsds_stream.CHUNK = hsds_stream.CHUNK, chunk
    try:
        got = list(stream_with_sources(io.BytesIO(data)))
    finally:
        hsds_stream.CHUNK = saved
    assert [item for item, _ in got] == json.loads(data)
    assert [text is not None for _, text in got] == [isinstance(v, (dict, list)) for v in values]
