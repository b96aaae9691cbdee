"""Administration: users, taxonomy, HSDS and mentor imports/exports."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from matcher.accounts.models import User
from matcher.catalogue.models import InterestTerm, Mentor, Offer
from tests.web.conftest import DATA, sign_in


def user(app, email: str) -> User | None:
    with app.extensions["matcher.sessions"]() as s:
        return s.scalars(select(User).where(User.email == email)).first()


def test_create_user_with_role_organisation_and_district(app, client, login, ids):
    login("admin")
    data = {"email": "ny@forening.dk", "name": "Ny Kontakt", "role": "club_rep", "organisation": str(ids.own_org),
            "district": "", "password": "Nyt-kodeord-42"}
    assert client.post("/admin/brugere/ny", data=data).status_code == 303
    created = user(app, "ny@forening.dk")
    assert created.role.value == "club_rep" and created.organisation_id == ids.own_org
    assert "ny@forening.dk" in client.get("/admin/brugere").get_data(as_text=True)


def test_create_user_errors_name_the_field(client, login):
    login("admin")
    for data, field in (({"email": "x", "role": "admin", "password": "Langt-kodeord-1"}, "email"),
                        ({"email": "a@kk.dk", "role": "boss", "password": "Langt-kodeord-1"}, "role"),
                        ({"email": "b@kk.dk", "role": "club_rep", "password": "Langt-kodeord-1"}, "organisation"),
                        ({"email": "c@kk.dk", "role": "admin", "password": "kort"}, "password"),
                        ({"email": "admin@kk.dk", "role": "admin", "password": "Langt-kodeord-1"}, "email")):
        response = client.post("/admin/brugere/ny", data=data)
        assert response.status_code == 400
        assert f'href="#f-{field}"' in response.get_data(as_text=True), (data, field)


def test_deactivation_ends_sessions_and_tokens(app, client, login, token):
    other = app.test_client()
    assert sign_in(app, other, "key_staff@kk.dk").status_code == 302
    bearer = {"Authorization": f"Bearer {token('key_staff')}"}
    assert other.get("/aendringer").status_code == 200
    version = user(app, "key_staff@kk.dk").session_version
    login("admin")
    target = user(app, "key_staff@kk.dk")
    assert client.post(f"/admin/brugere/{target.id}/aktiv", data={"active": "0"}).status_code == 303
    after = user(app, "key_staff@kk.dk")
    assert not after.active and after.session_version == version + 1 and after.api_token_hash is None
    assert other.get("/aendringer").status_code == 302  # the old session is gone
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 401
    assert client.post(f"/admin/brugere/{target.id}/aktiv", data={"active": "1"}).status_code == 303
    assert user(app, "key_staff@kk.dk").active


def test_admin_cannot_deactivate_self(app, client, login):
    login("admin")
    me = user(app, "admin@kk.dk")
    client.post(f"/admin/brugere/{me.id}/aktiv", data={"active": "0"})
    assert user(app, "admin@kk.dk").active


def test_edit_term_and_map_unmapped_term(app, client, login, db, ids):
    login("admin")
    response = client.post(f"/admin/interesser/{ids.term}", data={"name": "Fodbold", "synonyms": "soccer\nkicken"})
    assert response.status_code == 303
    assert client.post(f"/admin/interesser/{ids.term}", data={"name": "", "synonyms": ""}).status_code == 400
    imported = InterestTerm(code="gadefodbold", name="Gadefodbold", needs_mapping=True)
    db.add(imported)
    db.commit()
    assert "Skal kobles" in client.get("/admin/interesser").get_data(as_text=True)
    assert client.post(f"/admin/interesser/{imported.id}/kobl", data={"mapped_to": ""}).status_code == 400
    assert client.post(f"/admin/interesser/{imported.id}/kobl",
                       data={"mapped_to": str(ids.term)}).status_code == 303
    with app.extensions["matcher.sessions"]() as s:
        term = s.get(InterestTerm, imported.id)
        assert term.mapped_to_id == ids.term and not term.needs_mapping
        assert s.get(InterestTerm, ids.term).synonyms == ["soccer", "kicken"]


def upload(client, url: str, content: bytes, name: str):
    return client.post(url, data={"fil": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def test_hsds_import_summary_and_errors(app, client, login):
    login("admin")
    services = json.loads((DATA / "hsds-3.1" / "danish-profile-example.json").read_text())
    services[0]["name"] = "Pigefodbold U12 og U13"
    ok = upload(client, "/admin/import/hsds", json.dumps(services).encode(), "tilbud.json")
    assert ok.status_code == 200 and "1 opdateret" in ok.get_data(as_text=True)
    with app.extensions["matcher.sessions"]() as s:
        assert s.scalars(select(Offer.title).where(Offer.title.like("%U13"))).one()
    services[1]["minimum_age"] = "ung"
    bad = upload(client, "/admin/import/hsds", json.dumps(services).encode(), "fejl.json")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "intet er gemt" in html and "minimum_age" in html and "service[1]" in html
    assert upload(client, "/admin/import/hsds", b"{not json", "x.json").status_code == 400
    assert client.post("/admin/import/hsds", data={}).status_code == 400


def test_hsds_export_download(client, login):
    login("admin")
    response = client.get("/admin/eksport/hsds.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert {s["name"] for s in response.get_json()} == {"Pigefodbold U12", "Fritidsjob som bagerhjælper"}


def test_mentor_csv_import_and_export(app, client, login):
    login("admin")
    content = (DATA / "mentors-example.csv").read_bytes()
    ok = upload(client, "/admin/import/mentorer", content, "mentorer.csv")
    assert ok.status_code == 200 and "2 oprettet" in ok.get_data(as_text=True)
    with app.extensions["matcher.sessions"]() as s:
        assert len(s.scalars(select(Mentor)).all()) == 2
    bad = upload(client, "/admin/import/mentorer", content.replace(b"\n", b"\nx,", 1), "fejl.csv")
    assert bad.status_code == 400 and "intet er gemt" in bad.get_data(as_text=True)
    export = client.get("/admin/eksport/mentorer.csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"


def test_admin_edits_a_user_and_a_new_role_ends_their_sessions(app, client, login):
    staff = app.test_client()
    assert sign_in(app, staff, "key_staff@kk.dk").status_code == 302
    login("admin")
    target = user(app, "key_staff@kk.dk")
    form = {"name": "Ny Titel", "role": "key_staff", "organisation": "", "district": ""}
    assert client.post(f"/admin/brugere/{target.id}", data=form).status_code == 303
    assert staff.get("/aendringer").status_code == 200  # a new name alone keeps the sessions
    assert client.post(f"/admin/brugere/{target.id}", data={**form, "role": "contact_person"}).status_code == 303
    after = user(app, "key_staff@kk.dk")
    assert after.role.value == "contact_person" and after.name == "Ny Titel"
    assert staff.get("/aendringer").status_code == 302  # logged out everywhere
    club = client.post(f"/admin/brugere/{target.id}", data={**form, "role": "club_rep"})
    assert club.status_code == 400 and 'href="#f-organisation"' in club.get_data(as_text=True)
    me = user(app, "admin@kk.dk")
    own = client.post(f"/admin/brugere/{me.id}", data={**form, "role": "key_staff"})
    assert own.status_code == 400 and "din egen rolle" in own.get_data(as_text=True)
    assert client.get(f"/admin/brugere/{target.id}").status_code == 200
    from matcher.privacy.models import AuditEvent

    with app.extensions["matcher.sessions"]() as session:
        details = session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "update",
                                                                   AuditEvent.object_id == target.id)).all()
    assert details == [{"changed": ["name"]}, {"changed": ["role"]}]


@pytest.mark.parametrize("literal,field,message", [
    ("[" * 5000 + "]" * 5000, "description[0][0][0][0][0][0][0]…", "nested deeper than 64 levels"),
    ("Infinity", "description", "Infinity is not a JSON number"),
])
def test_hsds_upload_with_deep_nesting_or_infinity_is_a_clear_refusal(app, client, login, literal, field, message):
    login("admin")
    services = json.loads((DATA / "hsds-3.1" / "danish-profile-example.json").read_text())
    services[1]["description"] = "MARK"
    response = upload(client, "/admin/import/hsds", json.dumps(services).replace('"MARK"', literal).encode(),
                      "dyb.json")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Importen blev afvist – intet er gemt" in html
    assert "<td>service[1]</td>" in html and f"<code>{field}</code>" in html and message in html
