"""Checks of the seed data: the interest taxonomy, the demo catalogue and the demo mentors.

No app or database: these read the committed files in seeds/ and re-run the generator.
"""

from __future__ import annotations

import collections
import csv
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
SCHEMA = ROOT / "tests" / "data" / "hsds-3.1" / "schema" / "service_with_definitions.json"
TODAY = dt.date(2026, 11, 24)

DISTRICTS = {"Indre By", "Østerbro", "Nørrebro", "Vesterbro-Kongens Enghave", "Valby", "Vanløse",
             "Brønshøj-Husum", "Bispebjerg", "Amager Øst", "Amager Vest"}
ORG_KINDS = {"association", "sports-club", "youth-club", "culture-house", "leisure-job-employer", "mentor-programme"}
OFFER_KINDS = {"activity", "leisure-job", "mentoring"}
MENTOR_HEADER = ("id,name,gender,postcode,interests,languages,age_min,age_max,max_children,current_children,"
                 "childcert_valid_until,weekdays")
REAL_FOOTBALL_CLUBS = {
    "Bispebjerg Boldklub", "Boldklubben 1960", "Boldklubben Fix", "Boldklubben Heimdal", "Boldklubben Hekla",
    "Boldklubben Hellas", "Boldklubben Pioneren", "Boldklubben Skjold", "Boldklubben Stefan", "Boldklubben Viktoria",
    "FC Damsø", "Handelsstandens Boldklub (HB)", "Husum Boldklub", "USG", "Vanløse IF", "Østerbro IF"}


# ----------------------------------------------------------------------------- helpers

@pytest.fixture(scope="module")
def district_of():
    """Return the product's point-in-district look-up (the generator places offers with the same code)."""
    from matcher.catalogue.districts import district_at

    return district_at


@pytest.fixture(scope="module")
def interests():
    return json.loads((SEEDS / "interests.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo_services():
    return json.loads((SEEDS / "demo_catalogue.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def mentors():
    with open(SEEDS / "mentors.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def cph_postcodes():
    with open(ROOT / "matcher" / "data" / "geo" / "postnr_to_bydel.csv", encoding="utf-8", newline="") as f:
        return {r["postnr"] for r in csv.DictReader(f)}


def values(service: dict, taxonomy: str) -> list[str]:
    return [a["taxonomy_term"]["code"] for a in service["attributes"] if a["taxonomy_term"]["taxonomy"] == taxonomy]


def org_kind(service: dict) -> str:
    (kind,) = values(service, "organisation-kind")
    return kind


def offer_kind(service: dict) -> str:
    (kind,) = values(service, "offer-kind")
    return kind


def location(service: dict) -> dict:
    return service["service_at_locations"][0]["location"]


# ----------------------------------------------------------------------------- interests

def test_interest_taxonomy_shape(interests):
    assert 60 <= len(interests) <= 90
    codes = [t["code"] for t in interests]
    assert len(codes) == len(set(codes))
    for t in interests:
        assert set(t) == {"code", "name", "group", "synonyms"}
        assert t["code"] == t["code"].lower() and t["code"].isascii(), t["code"]
        assert not any(c in t["code"] for c in "æøå ")
        assert t["name"] and t["group"] and isinstance(t["synonyms"], list)


def test_interest_synonyms_are_unambiguous(interests):
    names = {t["code"] for t in interests} | {t["name"].lower() for t in interests}
    owner: dict[str, str] = {}
    for t in interests:
        for s in t["synonyms"]:
            assert s.lower() not in names, (t["code"], s)
            assert s.lower() not in owner, (s, owner.get(s.lower()), t["code"])
            owner[s.lower()] = t["code"]


def test_interest_taxonomy_covers_brief(interests):
    codes = {t["code"] for t in interests}
    for code in ("fodbold", "haandbold", "svoemning", "gaming", "esport", "spejder", "musik", "ridning", "skak",
                 "lektiehjaelp", "ungdomsklub", "butik", "supermarked", "bageri", "cafe", "lager", "omdeling",
                 "hjaelpetraener", "gartneri", "dyrepasning"):
        assert code in codes
    by_code = {t["code"]: t for t in interests}
    assert "soccer" in by_code["fodbold"]["synonyms"]
    assert "minecraft" in by_code["gaming"]["synonyms"]
    assert "heste" in by_code["ridning"]["synonyms"]


# ----------------------------------------------------------------------------- catalogue

def test_catalogue_validates_against_hsds_31(demo_services):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [(s["id"], e.message) for s in demo_services for e in validator.iter_errors(s)]
    assert errors == []


def test_counts_and_kinds(demo_services):
    orgs = {}
    for s in demo_services:
        orgs.setdefault(s["organization"]["id"], org_kind(s))
    assert len(orgs) >= 160
    assert len(demo_services) >= 450
    assert set(orgs.values()) == ORG_KINDS
    assert {offer_kind(s) for s in demo_services} == OFFER_KINDS
    kinds = collections.Counter(offer_kind(s) for s in demo_services)
    assert kinds["leisure-job"] >= 30 and kinds["mentoring"] >= 5


def test_every_district_well_covered(demo_services, district_of):
    per_district = collections.Counter()
    orgs_per_district = collections.defaultdict(set)
    for s in demo_services:
        loc = location(s)
        d = district_of(loc["latitude"], loc["longitude"])
        per_district[d] += 1
        orgs_per_district[d].add(s["organization"]["id"])
    assert set(per_district) == DISTRICTS  # every place lies in one of the 10 districts
    for d in DISTRICTS:
        assert per_district[d] >= 30, d
        assert len(orgs_per_district[d]) >= 12, d


def test_coordinates_and_postcodes_in_copenhagen(demo_services, cph_postcodes):
    for s in demo_services:
        loc = location(s)
        assert 55.60 <= loc["latitude"] <= 55.74 and 12.44 <= loc["longitude"] <= 12.66, s["id"]
        (addr,) = loc["addresses"]
        assert addr["country"] == "DK" and addr["postal_code"] in cph_postcodes
        assert addr["location_id"] == loc["id"]


def test_ids_unique_and_consistent(demo_services):
    service_ids = [s["id"] for s in demo_services]
    assert len(service_ids) == len(set(service_ids))
    child_ids = []
    orgs: dict[str, str] = {}
    locations: dict[str, str] = {}
    for s in demo_services:
        for key in ("service_at_locations", "schedules", "cost_options", "capacities", "languages", "attributes"):
            child_ids += [x["id"] for x in s[key]]
            for x in s[key]:
                assert x.get("service_id", x.get("link_id")) == s["id"]
        org = json.dumps(s["organization"], sort_keys=True)
        assert orgs.setdefault(s["organization"]["id"], org) == org
        loc = json.dumps(location(s), sort_keys=True)
        assert locations.setdefault(location(s)["id"], loc) == loc
    assert len(child_ids) == len(set(child_ids))
    assert not set(child_ids) & set(service_ids)


def test_organisation_level_attributes_consistent(demo_services):
    per_org = collections.defaultdict(set)
    for s in demo_services:
        per_org[s["organization"]["id"]].add((org_kind(s), tuple(sorted(values(s, "inclusion")))))
    assert all(len(v) == 1 for v in per_org.values())


def test_offer_fields(demo_services, interests):
    codes = {t["code"] for t in interests}
    for s in demo_services:
        assert 6 <= s["minimum_age"] <= s["maximum_age"] <= 17, s["name"]
        assert s["status"] in {"active", "temporarily closed", "inactive"}
        ints = values(s, "interest")
        assert 1 <= len(ints) <= 4 and set(ints) <= codes, (s["name"], ints)
        assert set(values(s, "gender")) <= {"girls", "boys"} and len(values(s, "gender")) <= 1
        assert set(values(s, "support")) <= {"fee-support"}
        assert set(values(s, "inclusion")) <= {"vulnerable-experience", "childcert-policy"}
        (cost,) = s["cost_options"]
        assert cost["currency"] == "DKK" and 0 <= cost["amount"] <= 400
        if values(s, "support"):
            assert cost["amount"] > 0
        (cap,) = s["capacities"]
        assert 0 <= cap["available"] <= cap["maximum"]
        assert s["languages"] and s["schedules"]
        assert dt.date.fromisoformat(s["assured_date"]) <= TODAY
        for term in s["attributes"]:
            assert term["taxonomy_term"]["language"] == "da"


def test_realistic_spread(demo_services):
    n = len(demo_services)
    stale = sum(dt.date.fromisoformat(s["assured_date"]) < TODAY - dt.timedelta(days=182) for s in demo_services)
    oldest = min(dt.date.fromisoformat(s["assured_date"]) for s in demo_services)
    assert 0.1 * n < stale < 0.5 * n and oldest >= TODAY - dt.timedelta(days=550)
    assert 0 < sum(s["status"] != "active" for s in demo_services) < 0.15 * n
    assert 0 < sum(s["capacities"][0]["available"] == 0 for s in demo_services) < 0.25 * n
    assert sum(bool(values(s, "gender")) for s in demo_services) > 20
    langs = collections.Counter(lang["code"] for s in demo_services for lang in s["languages"])
    assert {"da", "en", "ar", "tr", "so", "ur", "pl"} <= set(langs) and langs["da"] == n
    paid = [s for s in demo_services if s["cost_options"][0]["amount"] > 0]
    assert sum(bool(values(s, "support")) for s in paid) > 0.6 * len(paid)
    assert {s["organization"]["name"] for s in demo_services} >= REAL_FOOTBALL_CLUBS


def _minutes(t: str) -> int:
    return int(t[:2]) * 60 + int(t[3:5])


def test_leisure_jobs_mostly_respect_young_worker_rules(demo_services):
    jobs = [s for s in demo_services if offer_kind(s) == "leisure-job"]
    assert all(s["minimum_age"] >= 13 for s in jobs)
    breaking = 0
    for s in jobs:
        bad = False
        for sc in s["schedules"]:
            length = _minutes(sc["closes_at"]) - _minutes(sc["opens_at"])
            school_day = any(d in sc["byday"].split(",") for d in ("MO", "TU", "WE", "TH", "FR"))
            if sc["closes_at"] > "20:00:00" or (school_day and length > 120) or length > 7 * 60:
                bad = True
        breaking += bad and s["minimum_age"] <= 14
    assert 1 <= breaking <= 0.1 * len(jobs)
    assert any(s["minimum_age"] >= 15 for s in jobs)


# ----------------------------------------------------------------------------- mentors

def test_mentors(mentors, interests, cph_postcodes):
    header = (SEEDS / "mentors.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == MENTOR_HEADER
    assert len(mentors) >= 70
    assert len({m["id"] for m in mentors}) == len(mentors)
    codes = {t["code"] for t in interests}
    certs = collections.Counter()
    for m in mentors:
        assert " " not in m["name"]  # first names only
        assert m["gender"] in {"female", "male"} and m["postcode"] in cph_postcodes
        assert m["interests"] and m["languages"].split(";")[0] == "da"
        assert 6 <= int(m["age_min"]) <= int(m["age_max"]) <= 17
        assert 0 <= int(m["current_children"]) <= int(m["max_children"])
        assert set(m["weekdays"].split(";")) <= {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
        if not m["childcert_valid_until"]:
            certs["none"] += 1
        else:
            until = dt.date.fromisoformat(m["childcert_valid_until"])
            certs["expired" if until < TODAY else "soon" if until <= TODAY + dt.timedelta(days=30) else "valid"] += 1
    assert certs["valid"] > 0.6 * len(mentors) and certs["soon"] >= 3 and certs["none"] >= 3
    assert sum(m["current_children"] == m["max_children"] for m in mentors) >= 5
    assert any(set(m["interests"].split(";")) & codes for m in mentors)


# ----------------------------------------------------------------------------- determinism

def test_generator_is_deterministic_and_matches_committed_files(tmp_path):
    # Once as the package (``python -m seeds.demo``), once through the old script path.
    for run, command in (("a", ["-m", "seeds.demo"]), ("b", [str(SEEDS / "build_demo.py")])):
        subprocess.run([sys.executable, *command, "--out", str(tmp_path / run)], check=True, capture_output=True,
                       cwd=ROOT)
    for name in ("demo_catalogue.json", "mentors.csv"):
        a = (tmp_path / "a" / name).read_bytes()
        assert a == (tmp_path / "b" / name).read_bytes(), name
        assert a == (SEEDS / name).read_bytes(), f"seeds/{name} is out of date: run python -m seeds.demo"
