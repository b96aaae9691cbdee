"""The matcher command: one transaction per command, clear errors, exit codes."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from matcher.accounts.models import User
from matcher.catalogue.models import Mentor, Offer

DATA = Path(__file__).parent / "data"


def run(url, *args, stdin=""):
    """Run the installed console script the way a person would."""
    env = {"MATCHER_DATABASE_URL": url, "MATCHER_ENV": "testing", "PATH": str(Path(sys.executable).parent)}
    return subprocess.run([str(Path(sys.executable).parent / "matcher"), *args], input=stdin,
                          capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def cli_url(migrated_url, reference):
    return migrated_url


@pytest.mark.parametrize("mode", [["--workers", "0"], ["--workers", "2"]], ids=["no-workers", "workers"])
def test_import_hsds_then_export_round_trips(cli_url, session, tmp_path, mode):
    src = DATA / "hsds-3.1" / "danish-profile-example.json"
    result = run(cli_url, "import", "hsds", *mode, str(src))
    assert result.returncode == 0, result.stderr
    assert "created 2, updated 0, unchanged 0, flagged 0" in result.stdout
    again = run(cli_url, "import", "hsds", *mode, str(src))
    assert "created 0, updated 0, unchanged 2" in again.stdout
    out = tmp_path / "export.json"
    assert run(cli_url, "export", "hsds", str(out)).returncode == 0
    assert json.loads(out.read_text()) == json.loads(src.read_text())


@pytest.mark.parametrize("mode", [["--workers", "0"], ["--workers", "2"]], ids=["no-workers", "workers"])
def test_failed_import_leaves_database_unchanged(cli_url, session, tmp_path, mode):
    services = json.loads((DATA / "hsds-3.1" / "danish-profile-example.json").read_text())
    services[1]["maximum_age"] = 5  # below minimum_age 14: the second record is bad
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(services))
    result = run(cli_url, "import", "hsds", *mode, str(bad))
    assert result.returncode == 1
    assert "service[1] id=0c9659ca-b618-5bca-90b9-b605be9485ba: minimum_age" in result.stderr
    assert "Traceback" not in result.stderr
    assert session.scalar(select(func.count(Offer.id))) == 0


def test_import_mentors_and_errors_name_line_and_field(cli_url, session, tmp_path):
    ok = run(cli_url, "import", "mentors", str(DATA / "mentors-example.csv"))
    assert ok.returncode == 0, ok.stderr
    assert session.scalar(select(func.count(Mentor.id))) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text((DATA / "mentors-example.csv").read_text().replace("2028-06-30", "30-06-2028")
                   .replace("ex-m-2,Jonas", "ex-m-3,Jonas"))
    result = run(cli_url, "import", "mentors", str(bad))
    assert result.returncode == 1
    assert "line 2 id=ex-m-1: childcert_valid_until" in result.stderr
    session.expire_all()
    assert {m.external_id for m in session.scalars(select(Mentor))} == {"ex-m-1", "ex-m-2"}


def test_users_create_and_token(cli_url, session):
    result = run(cli_url, "users", "create", "--email", "a@kk.dk", "--role", "admin", stdin="Langt-kodeord-1\n")
    assert result.returncode == 0, result.stderr
    user = session.scalars(select(User).where(User.email == "a@kk.dk")).one()
    assert user.password_hash != "Langt-kodeord-1"
    token = run(cli_url, "users", "token", "a@kk.dk").stdout.strip()
    assert token.startswith("mt_") and len(token) > 30
    weak = run(cli_url, "users", "create", "--email", "b@kk.dk", "--role", "admin", stdin="kort\n")
    assert weak.returncode == 1 and "password" in weak.stderr
    club = run(cli_url, "users", "create", "--email", "c@kk.dk", "--role", "club_rep", stdin="Langt-kodeord-1\n")
    assert club.returncode == 1 and "organisation" in club.stderr


def test_children_export_and_erase(cli_url, session):
    from matcher.pathways.operations import create_child

    child = create_child(session, "BU-TEST1", postcode="2200", birth_year=2013, interests="fodbold")
    session.commit()
    exported = run(cli_url, "children", "export", "BU-TEST1")
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    assert data["child"]["interests"] == "fodbold"
    assert [e["action"] for e in data["access_log"]] == ["export"]
    assert run(cli_url, "children", "erase", str(child.id)).returncode == 0
    session.expire_all()
    assert session.get(type(child), child.id).code is None
    again = run(cli_url, "children", "erase", str(child.id))
    assert again.returncode == 1 and "already erased" in again.stderr
    unknown = run(cli_url, "children", "export", "BU-NOPE")
    assert unknown.returncode == 1 and "no child" in unknown.stderr
    from sqlalchemy import create_engine

    from matcher.accounts.ratelimit import hit

    engine = create_engine(cli_url)
    hit(engine, "login-ip:192.0.2.1", 30, now=1_000_000)  # a counter from long ago
    hit(engine, "login-ip:192.0.2.2", 30)  # and a current one
    engine.dispose()
    assert "erased 0 child(ren); forgot 1 old rate-limit counter(s) and 0 old login failure count(s)" in run(cli_url, "retention", "run", "--years", "5").stdout


def test_import_pathways_is_one_transaction_and_names_row_and_column(cli_url, session, tmp_path):
    header = ("record,code,birth_year,birth_date,gender,postcode,district,interests,languages,weekdays,"
              "contact_person,phase,start_date,end_date,closing_reason,goal,ref,offer,mentor,suggested_on,"
              "contacted_on,trial_on,active_on,ended_on,end_reason,end_note,date,attended,accompanied_by,note")
    good = tmp_path / "golive.csv"
    good.write_text(header + "\nbarn,BU-CLI1,2013,,girl,2500,,dans,dansk,,,,,,,,,,,,,,,,,,,,,\n"
                    "fase,BU-CLI1,,,,,,,,,,fritidspakke,2025-02-01,,,,,,,,,,,,,,,,,\n")
    result = run(cli_url, "import", "pathways", str(good))
    assert result.returncode == 0, result.stderr
    assert "created 2, updated 0, unchanged 0" in result.stdout
    assert "created 0, updated 0, unchanged 2" in run(cli_url, "import", "pathways", str(good)).stdout
    bad = tmp_path / "bad.csv"
    bad.write_text(header + "\nbarn,BU-CLI2,1800,,,,,,,,,,,,,,,,,,,,,,,,,,,\n")
    result = run(cli_url, "import", "pathways", str(bad))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "række 2 (BU-CLI2): birth_year: skal være et årstal mellem 1990" in result.stderr
    from matcher.pathways.models import Child

    session.expire_all()
    assert session.scalars(select(Child.code)).all() == ["BU-CLI1"]


@pytest.mark.parametrize("path,literal,field", [
    (("capacities", 0, "available"), "Infinity", "service[0]: capacities[0].available: Infinity"),
    (("minimum_age",), "NaN", "service[0]: minimum_age: NaN"),
    (("description",), "[" * 5000 + "]" * 5000, "service[0]: description[0]"),
])
def test_import_of_non_standard_json_is_a_message_and_exit_code_1(cli_url, session, tmp_path, path, literal, field):
    services = json.loads((DATA / "hsds-3.1" / "danish-profile-example.json").read_text())
    target = services[0]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = "MARK"
    bad = tmp_path / "hostile.json"
    bad.write_text(json.dumps(services).replace('"MARK"', literal))
    result = run(cli_url, "import", "hsds", str(bad))
    assert result.returncode == 1, result.stderr
    assert field in result.stderr and "nothing was stored" in result.stderr
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr
    assert session.scalar(select(func.count(Offer.id))) == 0


@pytest.mark.parametrize("body,expected", [
    ('{"age": 10, "interests": ' + "[" * 20_000 + "]" * 20_000 + "}", "interests[0]"),
    ('{"age": NaN, "interests": "fodbold"}', "age: "),
    ("{not json", "not valid JSON"),
])
def test_match_child_file_with_hostile_json_is_refused(cli_url, tmp_path, body, expected):
    child = tmp_path / "child.json"
    child.write_text(body)
    result = run(cli_url, "match", "--child", str(child))
    assert result.returncode == 1 and expected in result.stderr
    assert "Traceback" not in result.stderr


def test_interest_taxonomy_file_with_nan_is_refused(cli_url, tmp_path):
    terms = tmp_path / "terms.json"
    terms.write_text('[{"code": "x", "name": "X", "synonyms": []}, {"code": "y", "name": NaN}]')
    result = run(cli_url, "import", "interests", str(terms))
    assert result.returncode == 1 and "term[1]: name: NaN" in result.stderr
    assert "Traceback" not in result.stderr
