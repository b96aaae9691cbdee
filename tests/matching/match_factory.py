"""Test helpers for the ranking core: a small taxonomy and a candidate factory."""

from __future__ import annotations

import dataclasses
import datetime as dt

from matcher.matching import Candidate, InterestTerm

TODAY = dt.date(2026, 11, 25)
# Centroid of postcode 2200 (København N) in the shipped data.
N_LAT, N_LON = 55.694955, 12.549917

TERMS = [
    InterestTerm("fodbold", "Fodbold", ("football", "soccer", "bold", "fodboldtræning")),
    InterestTerm("haandbold", "Håndbold", ("handball",)),
    InterestTerm("gaming", "Gaming", ("computerspil", "fortnite", "counter strike", "minecraft", "e-sport")),
    InterestTerm("ridning", "Ridning", ("hest", "rideskole", "pony")),
    InterestTerm("musik", "Musik", ("music", "band")),
    InterestTerm("dans", "Dans", ("dance",)),
    InterestTerm("hiphop", "Hiphop", ("hip hop", "rap")),
    InterestTerm("svoemning", "Svømning", ("swimming", "svømmehal")),
    InterestTerm("spejder", "Spejder", ("scouts",)),
    InterestTerm("aarhus_roning", "Åroning", ("kajak",)),
    InterestTerm("butik", "Butik", ("shop",)),
]


def make_candidate(**overrides) -> Candidate:
    """Return a permissive active activity in Nørrebro, with ``overrides`` applied."""
    base = Candidate(
        id=1,
        external_id="x-1",
        kind="activity",
        name="Fodbold for alle",
        organisation="BK Nørrebro",
        description="Fodboldtræning for børn",
        interests=("fodbold",),
        lat=N_LAT,
        lon=N_LON,
        district="Nørrebro",
        age_min=None,
        age_max=None,
        gender=None,
        weekdays=("tue", "thu"),
        schedule=(),
        monthly_fee_dkk=0.0,
        fee_support=False,
        spots_free=None,
        status="active",
        languages=("da",),
        verified_at=TODAY,
        inclusion=0.5,
    )
    return dataclasses.replace(base, **overrides)


