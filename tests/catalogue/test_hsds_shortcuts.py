"""The first import's shortcuts give what the exact path gives, on hostile input.

Each fast test here is compared with the exact one it stands for (the single regular expression it
replaced, or the full check it lets the import skip), so a shortcut that drops a case fails.
"""

import json
import re

import numpy as np

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from matcher.catalogue.districts import _in_ring, district_at, district_shapes
from matcher.catalogue.errors import bad_characters
from matcher.catalogue.hsds_bulk import json_texts, to_json
from matcher.catalogue.hsds_hygiene import INVISIBLE, _LINK_KEYS_TEXT, _RISKY_ESCAPE, may_hold_bad_links_or_names
from matcher.catalogue.hsds_parse import may_spell_bad_characters
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

