"""Service fixtures: the example HSDS catalogue and example mentors on a reference database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matcher.catalogue.hsds_import import import_services
from matcher.catalogue.mentors_import import import_mentors

DATA = Path(__file__).resolve().parent.parent / "data"
GIRL = {"age": 11, "gender": "girl", "interests": "fotbold", "postcode": "2500"}


@pytest.fixture
def catalogue(reference):
    """Return the reference session with the Danish-profile example catalogue and example mentors, committed."""
    import_services(reference, json.loads((DATA / "hsds-3.1" / "danish-profile-example.json").read_text()))
    import_mentors(reference, (DATA / "mentors-example.csv").read_text())
    reference.commit()
    return reference
