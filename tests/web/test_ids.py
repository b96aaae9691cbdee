"""Ids from URLs and forms: only storable ids reach the database."""

import pytest

from matcher.db import MAX_ID, parse_id


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
