"""Ids from URLs and forms: only storable ids reach the database."""

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from matcher.db import MAX_ID, parse_id
from matcher.web.strict import IdConverter, digits_up_to
from tests.fuzzing import examples


@pytest.mark.parametrize("text,expected", [
    ("12", 12), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None), ("9" * 5000, None),
    ("²", None), ("١٢", None), ("-1", None), ("1.5", None), ("", None), (None, None),
])
def test_parse_id_accepts_only_storable_ids(text, expected):
    assert parse_id(text) == expected


def test_huge_ids_in_forms_and_queries_are_not_server_errors(client, login):
    login("key_staff")
    assert client.get("/soeg?district=" + "9" * 30).status_code == 400
    assert client.get("/soeg?district=²").status_code == 400


@settings(max_examples=examples(500), deadline=None)
@given(text=st.one_of(st.integers(min_value=0, max_value=10**12).map(str),
                      st.text(alphabet="0123456789", min_size=1, max_size=12), st.text(max_size=12)))
@example(text=str(MAX_ID))
@example(text=str(MAX_ID + 1))
@example(text="2147483639")
@example(text="0000000000")
def test_url_id_pattern_accepts_exactly_what_parse_id_accepts(text):
    pattern = re.compile(IdConverter.regex + r"\Z")
    assert bool(pattern.match(text)) == (parse_id(text) is not None)


@pytest.mark.parametrize("limit", [0, 7, 10, 99, 100, 205, 1000])
def test_digits_up_to_matches_the_numbers_up_to_the_limit(limit):
    pattern = re.compile(digits_up_to(limit) + r"\Z")
    for n in range(1200):
        for width in range(1, 5):
            text = str(n).zfill(width)
            assert bool(pattern.match(text)) == (n <= limit and len(text) <= len(str(limit))), text
