"""Review finding 2: key staff must have a district, and a missing district grants nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matcher.accounts.models import Role, User
from matcher.accounts.operations import create_user, update_user
from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import District
from matcher.pathways.checks import can_follow
from matcher.pathways.models import Child
from matcher.pathways.queries import visible_children
from tests.test_cli import run
from tests.web.conftest import PASSWORD


def test_creating_or_changing_key_staff_needs_a_district(db):
    with pytest.raises(RecordError) as refused:
        create_user(db, "ny-noegle@kk.dk", "key_staff", PASSWORD)
    assert refused.value.field == "district"
    with pytest.raises(RecordError) as unknown:
        create_user(db, "ny-noegle@kk.dk", "key_staff", PASSWORD, district_id=999_999)
    assert unknown.value.field == "district"
    cp = db.scalars(select(User).where(User.email == "contact_person@kk.dk")).one()
    with pytest.raises(RecordError) as promoted:
        update_user(db, cp, name=cp.name, role="key_staff", organisation=None, district_id=None)
    assert promoted.value.field == "district"


def test_key_staff_without_a_district_see_and_follow_no_child(db):
    # Rows made before districts were required (or a district deleted: ON DELETE SET NULL) grant nothing.
    user = db.scalars(select(User).where(User.email == "key_staff@kk.dk")).one()
    user.district_id = None
    children = db.scalars(select(Child)).all()
    assert children and not any(can_follow(user, child) for child in children)
    assert db.scalars(select(Child).where(visible_children(user))).all() == []


def test_a_key_staff_member_without_a_district_gets_no_child_over_http(app, login, kids, db):
    db.execute(User.__table__.update().where(User.email == "key_staff@kk.dk").values(district_id=None))
    db.commit()
    client = login("key_staff")
    assert client.get(f"/boern/{kids.child}").status_code == 403
    assert "BU-OWN1" not in client.get("/boern").get_data(as_text=True)


def test_the_admin_form_requires_a_district_for_key_staff(login, db):
    client = login("admin")
    form = {"email": "ny-noegle@kk.dk", "name": "Ny", "role": "key_staff", "organisation": "", "district": "",
            "password": "Et-langt-kodeord-9"}
    refused = client.post("/admin/brugere/ny", data=form)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'id="f-district-fejl"' in page and "nøglemedarbejder" in page
    valby = db.scalars(select(District).where(District.slug == "valby")).one()
    assert client.post("/admin/brugere/ny", data={**form, "district": str(valby.id)}).status_code == 303
    db.expire_all()
    made = db.scalars(select(User).where(User.email == "ny-noegle@kk.dk")).one()
    assert made.role is Role.key_staff and made.district_id == valby.id


@pytest.fixture
def cli_url(migrated_url, reference):
    return migrated_url


def test_users_create_takes_a_district_and_refuses_key_staff_without_one(cli_url, session):
    refused = run(cli_url, "users", "create", "--email", "k@kk.dk", "--role", "key_staff", stdin="Langt-kodeord-1\n")
    assert refused.returncode == 1 and "district" in refused.stderr and "Traceback" not in refused.stderr
    unknown = run(cli_url, "users", "create", "--email", "k@kk.dk", "--role", "key_staff", "--district", "atlantis",
                  stdin="Langt-kodeord-1\n")
    assert unknown.returncode == 1 and "atlantis" in unknown.stderr
    made = run(cli_url, "users", "create", "--email", "k@kk.dk", "--role", "key_staff", "--district", "valby",
               stdin="Langt-kodeord-1\n")
    assert made.returncode == 0, made.stderr
    user = session.scalars(select(User).where(User.email == "k@kk.dk")).one()
    assert user.district.slug == "valby"
