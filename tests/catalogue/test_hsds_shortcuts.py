"""The first import's shortcuts give what the exact path gives, on hostile input.

Each fast test here is compared with the exact one it stands for (the single regular expression it
replaced, or the full check it lets the import skip), so a shortcut that drops a case fails.
"""

import copy
import json
import math
import re
from decimal import Decimal
from pathlib import Path

import numpy as np

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from matcher.catalogue.districts import _in_ring, district_at, district_shapes
from matcher.catalogue.errors import bad_characters
from matcher.catalogue.hsds_bulk import json_texts, to_json
from matcher.catalogue.hsds_hygiene import INVISIBLE, _LINK_KEYS_TEXT, _RISKY_ESCAPE, may_hold_bad_links_or_names
from matcher.catalogue.hsds_parse import _Checker, may_spell_bad_characters, parse_service
from tests.fuzzing import examples

# The one pattern ``may_spell_bad_characters`` was before it became an escape pattern and two ``in`` tests.
_ONE_PATTERN = re.compile(r"\\[bf]|\\u(?:00[01]|007[fF]|[dD][89a-fA-F]|[fF]{4})|[\x7f\uffff]")
# The invisible-character scan ``may_hold_bad_links_or_names`` ran on every text, ASCII or not.
_SURROGATE = re.compile("[\ud800-\udfff]")
_INVISIBLE_ANYWHERE = re.compile("[" + "".join(sorted(INVISIBLE)) + "]")

# Characters that make up the escapes and characters the checks look for, and some that are neither.
_TRICKY = ("\\", "u", "U", "b", "f", "F", "d", "D", "e", "E", "0", "1", "7", "8", "9", "a", "c", "C", "6", "2",
           "\x7f", "\uffff", "\ufffe", "\x00", "\x1f", "\ud800", "\udfff", "\u200b", "\u202e", "\ufeff", "\u061c",
           "\u180e", "\u2069", "\u2070", "\u2013", "ø", "æ", "\"", "x", " ")
HOSTILE_TEXT = st.text(alphabet=st.sampled_from(_TRICKY), max_size=40) | st.text(max_size=40)


def _old_may_hold_bad_links_or_names(text: str) -> bool:
    return (("\\u" in text and _RISKY_ESCAPE.search(text) is not None) or _INVISIBLE_ANYWHERE.search(text) is not None
            or any(key in text for key in _LINK_KEYS_TEXT))


@settings(max_examples=examples(500))
@given(text=HOSTILE_TEXT)
@example(text="\x7f")
@example(text="\uffff")
@example(text="abc\\u001F")
@example(text="\\uDBFF")
@example(text="\\ufFfF")
@example(text="\\\\b")
@example(text="\\u007f")
@example(text="\\u0020\\u00f8\\u20ac")
@example(text="ø\uffff")
def test_the_bad_character_precheck_is_the_one_pattern_it_replaced(text):
    assert may_spell_bad_characters(text) is (_ONE_PATTERN.search(text) is not None)


@settings(max_examples=examples(500))
@given(value=HOSTILE_TEXT, ensure_ascii=st.booleans())
@example(value="a\x7fb", ensure_ascii=False)
@example(value="a\x7fb", ensure_ascii=True)
@example(value="\uffff", ensure_ascii=False)
@example(value="\ud83d", ensure_ascii=True)
@example(value="\x08\x0c", ensure_ascii=True)
def test_a_record_whose_text_passes_the_bad_character_precheck_holds_no_bad_character(value, ensure_ascii):
    text = json.dumps({"name": value, "description": "Et hold for børn"}, ensure_ascii=ensure_ascii)
    assume(not _SURROGATE.search(text))  # a file's text is UTF-8: a lone surrogate stands in it only as an escape
    if bad_characters(value) is not None:
        assert may_spell_bad_characters(text)


@settings(max_examples=examples(500))
@given(text=HOSTILE_TEXT)
@example(text="\u200b")
@example(text="abc\ufeff")
@example(text="ø\u2066")
@example(text="\\u200B")
@example(text='{"url": 1}')
@example(text="Et hold for b\\u00f8rn")
def test_the_link_and_name_precheck_is_the_scan_it_replaced(text):
    assert may_hold_bad_links_or_names(text) is _old_may_hold_bad_links_or_names(text)


def _in_ring_over_every_edge(x: float, y: float, ring: np.ndarray) -> bool:
    """The point-in-ring test ``districts._in_ring`` was: every edge of the ring, vectorised."""
    xi, yi = ring[:, 0], ring[:, 1]
    xj, yj = np.roll(xi, 1), np.roll(yi, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_at = (xj - xi) / (yj - yi) * (y - yi) + xi
    return bool(np.count_nonzero(((yi > y) != (yj > y)) & (x < x_at)) % 2)


def _district_over_every_edge(lat: float, lon: float) -> str | None:
    for shape in district_shapes():
        for rings in shape.polygons:
            if _in_ring_over_every_edge(lon, lat, rings[0]) and not any(
                    _in_ring_over_every_edge(lon, lat, h) for h in rings[1:]):
                return shape.name
    return None


def test_the_banded_ring_test_agrees_with_every_edge_on_vertices_edges_and_near_them():
    """Points on a vertex, on the line through one, on an edge's middle and a hair beside each:
    where the even-odd rule is decided by a float comparison, both must decide alike."""
    rng = np.random.default_rng(17)
    tiny = 1e-9
    for shape in district_shapes():
        for rings in shape.polygons:
            for ring in rings:
                picks = rng.choice(len(ring), size=min(len(ring), 120), replace=False)
                for k in picks:
                    (x, y), (x2, y2) = ring[k].tolist(), ring[k - 1].tolist()
                    mx, my = (x + x2) / 2, (y + y2) / 2
                    for px, py in ((x, y), (x + tiny, y), (x - tiny, y), (x, y + tiny), (x, y - tiny),
                                   (mx, my), (mx + tiny, my), (mx - tiny, my), (x - 0.01, y), (x + 0.01, y)):
                        assert _in_ring(px, py, ring) is _in_ring_over_every_edge(px, py, ring), (shape.name, px, py)


def test_district_at_agrees_with_every_edge_across_copenhagen_and_beyond():
    rng = np.random.default_rng(11)
    lats = rng.uniform(55.60, 55.74, 2000).tolist() + [55.0, 57.5, float("nan")]
    lons = rng.uniform(12.44, 12.75, 2000).tolist() + [12.5, 9.0, 12.5]
    found = [district_at(lat, lon) for lat, lon in zip(lats, lons)]
    assert found == [_district_over_every_edge(lat, lon) for lat, lon in zip(lats, lons)]
    assert len(set(found)) == 11  # every district and outside


@settings(max_examples=examples(300))
@given(texts=st.lists(HOSTILE_TEXT, max_size=16))
@example(texts=["Forening 0", "None", "False", '{"id": "o1", "name": "K\\u00f8ge"}', "55.67", "\ud800", "\x00\x7f\"\\/"])
def test_the_organisation_digest_text_is_to_json_of_the_strings(texts):
    assert json_texts(texts) == to_json(texts)


_EXAMPLE = json.loads((Path(__file__).resolve().parent.parent / "data" / "hsds-3.1" / "danish-profile-example.json")
                      .read_text(encoding="utf-8"))
_PATHS = [("id",), ("name",), ("description",), ("status",), ("minimum_age",), ("maximum_age",),
          ("organization", "id"), ("organization", "name"), ("organization", "email"),
          ("schedules", 0, "id"), ("schedules", 0, "byday"), ("schedules", 0, "description"), ("schedules", 0),
          ("capacities", 0, "available"), ("capacities", 0, "maximum"), ("capacities", 0), ("languages", 0, "code"),
          ("languages", 0), ("attributes", 0, "taxonomy_term"), ("attributes", 0, "taxonomy_term", "code"),
          ("attributes", 0, "taxonomy_term", "name"), ("attributes", 0, "taxonomy_term", "taxonomy_detail"),
          ("attributes", 0), ("service_at_locations", 0, "location", "name"),
          ("service_at_locations", 0, "location", "latitude"), ("service_at_locations", 0, "location", "longitude"),
          ("service_at_locations", 0, "location", "addresses", 0, "city"),
          ("service_at_locations", 0, "location", "addresses", 0, "postal_code")]
_VALUES = st.one_of(
    HOSTILE_TEXT, st.sampled_from(["", " ", "x" * 201, "2100", "MO,XX,tu, ,SU", "da", "\x7f", "\ud800", "\x0b"]),
    st.integers(min_value=-5, max_value=130), st.sampled_from([10**30, -(10**30), 2**63, True, False]),
    st.floats(allow_nan=True, allow_infinity=True), st.decimals(allow_nan=False, allow_infinity=True),
    st.none(), st.lists(st.integers(), max_size=2), st.just({}), st.just({"code": "\x01", "name": "n"}))


def _errors(errors):
    return [(e.record, e.field, e.code, e.params) for e in errors]


@settings(max_examples=examples(400), deadline=None)
@given(path=st.sampled_from(_PATHS), value=_VALUES)
@example(path=("minimum_age",), value=True)
@example(path=("minimum_age",), value=121)
@example(path=("capacities", 0, "available"), value=10**30)
@example(path=("attributes", 0, "taxonomy_term", "code"), value="fod\x7fbold")
@example(path=("attributes", 0, "taxonomy_term"), value={"code": "\x01", "name": "n"})
@example(path=("name",), value="x" * 201)
@example(path=("schedules", 0, "byday"), value="MO,XX,tu, ,SU")
@example(path=("schedules", 0, "byday"), value="MO," * 40 + "XX")
def test_a_record_parses_the_same_with_its_text_as_without(path, value):
    """With its JSON text a record takes the shortcuts (a clean text skips the character checks; the
    common texts and whole numbers pass at once); without it every check runs. Same errors, same values."""
    raw = copy.deepcopy(_EXAMPLE[0])
    target = raw
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    text = json.dumps(raw, ensure_ascii=False, default=str)
    assume(not _SURROGATE.search(text))  # a file's text is UTF-8
    fast, exact = [], []
    fast_service = parse_service(raw, 3, fast, strict=True, text=text)
    exact_service = parse_service(raw, 3, exact, strict=True, text=None)
    assert _errors(fast) == _errors(exact)
    assert fast_service == exact_service


def _integer_every_check(c, obj, key, path, low, high):
    """``_Checker.integer`` before its shortcut for a plain int in range."""
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        c.fail(path, "import.whole_number", got=repr(value))
        return None
    finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
    if not finite:
        c.fail(path, "import.whole_number", got=repr(value))
        return None
    if not low <= value <= high:
        c.fail(path, "import.between", low=low, high=high, got=value)
        return None
    if value != int(value):
        c.fail(path, "import.whole_number", got=repr(value))
        return None
    return int(value)


@settings(max_examples=examples(300))
@given(value=st.one_of(st.integers(min_value=-200, max_value=200), st.integers(), st.booleans(), st.none(),
                       st.floats(allow_nan=True, allow_infinity=True), st.decimals(allow_nan=False), st.text(max_size=3)))
@example(value=0)
@example(value=120)
@example(value=121)
@example(value=-1)
@example(value=True)
@example(value=20.0)
@example(value=Decimal("7"))
def test_the_whole_number_shortcut_is_every_check(value):
    fast, exact = [], []
    got = _Checker("service[0]", fast).integer({"n": value}, "n", "n", 0, 120)
    want = _integer_every_check(_Checker("service[0]", exact), {"n": value}, "n", "n", 0, 120)
    assert (got, type(got)) == (want, type(want))
    assert _errors(fast) == _errors(exact)
