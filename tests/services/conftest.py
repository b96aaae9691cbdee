"""Service fixtures: the example HSDS catalogue and example mentors on a reference database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matcher.catalogue.hsds_import import import_services
from matcher.catalogue.mentors_import import import_mentors
from tests.databases import register

DATA = Path(__file__).resolve().parent.parent / "data"
GIRL = {"age": 11, "gender": "girl", "interests": "fotbold", "postcode": "2500"}


def load_example_catalogue(session) -> None:
    """Import the Danish-profile example catalogue and the example mentors (what ``example_catalogue`` holds)."""
    import_services(session, json.loads((DATA / "hsds-3.1" / "danish-profile-example.json").read_text()))
    import_mentors(session, (DATA / "mentors-example.csv").read_text())


register("example_catalogue", "reference", load_example_catalogue)


@pytest.fixture
def example_catalogue(reference):
    """Return the reference session with the Danish-profile example catalogue and example mentors, committed.

    The rows come from the session's ``example_catalogue`` template (tests/databases.py), copied for this test.
    """
    return reference


@pytest.fixture
def catalogue(example_catalogue):
    """Old name of ``example_catalogue``, kept for tests written before the rename."""
    return example_catalogue
