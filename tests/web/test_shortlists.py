"""Kortliste and gemte søgninger: kept per child (audited) and per user, from search, matching and the offer page."""

from __future__ import annotations

from sqlalchemy import select

from matcher.pathways.models import Child, Referral
from matcher.privacy.models import AuditEvent
from matcher.services.subject import erase, export_child
from matcher.shortlists.models import SavedSearch, ShortlistItem


def items(app, child_id: int) -> list[ShortlistItem]:
    with app.extensions["matcher.sessions"]() as s:
        return s.scalars(select(ShortlistItem).where(ShortlistItem.child_id == child_id)).all()


def audit(app, child_id: int, purpose_start: str) -> list[AuditEvent]:
    with app.extensions["matcher.sessions"]() as s:
        return [e for e in s.scalars(select(AuditEvent).where(AuditEvent.child_id == child_id))
                if (e.purpose or "").startswith(purpose_start)]


def test_search_for_a_child_puts_offers_on_its_shortlist(app, client, login, kids, ids):
    login("contact_person")
    html = client.get(f"/soeg?q=bager&barn={kids.child}").get_data(as_text=True)
    assert "Søg tilbud til BU-OWN1" in html and "Sæt på kortlisten" in html
    assert audit(app, kids.child, "søg tilbud til barnet")  # opening the search for the child is a look-up
    back = f"/soeg?q=bager&barn={kids.child}#r-{ids.other}"
    response = client.post(f"/boern/{kids.child}/kortliste",
                           data={"offer_id": ids.other, "source": "search", "next": back})
    assert response.status_code == 303 and response.headers["Location"] == back
    assert [i.offer_id for i in items(app, kids.child)] == [ids.other]
    assert audit(app, kids.child, "kortliste: tilføj tilbud")
    again = client.get(f"/soeg?q=bager&barn={kids.child}").get_data(as_text=True)
    assert "På BU-OWN1s kortliste" in again
    child_page = client.get(f"/boern/{kids.child}").get_data(as_text=True)
    assert "Kortliste til samtalen med familien (1)" in child_page and "Fritidsjob som bagerhjælper" in child_page


def test_adding_twice_keeps_one_and_removing_is_audited(app, client, login, kids, ids):
    login("contact_person")
    for _ in range(2):
        client.post(f"/boern/{kids.child}/kortliste", data={"offer_id": ids.other, "note": "Spørg om prøvetid"})
    [item] = items(app, kids.child)
    assert item.note == "Spørg om prøvetid"
    client.post(f"/boern/{kids.child}/kortliste/{item.id}/fjern")
    assert items(app, kids.child) == [] and audit(app, kids.child, "kortliste: fjern tilbud")


def test_shortlist_refuses_other_workers_children_cpr_numbers_and_unknown_offers(app, client, login, kids, ids):
    login("contact_person")
    assert client.post(f"/boern/{kids.other_child}/kortliste", data={"offer_id": ids.own}).status_code == 403
    cpr = client.post(f"/boern/{kids.child}/kortliste", data={"offer_id": ids.own, "note": "cpr 010203-1234"},
                      follow_redirects=True)
    assert "CPR-nummer" in cpr.get_data(as_text=True) and items(app, kids.child) == []
    unknown = client.post(f"/boern/{kids.child}/kortliste", data={"offer_id": "999999"}, follow_redirects=True)
    assert "vælg et tilbud, der findes i kataloget" in unknown.get_data(as_text=True)
    evil = client.post(f"/boern/{kids.child}/kortliste", data={"offer_id": ids.own, "next": "https://evil.example"})
    assert evil.headers["Location"].startswith(f"/boern/{kids.child}")  # an outside next is ignored


def test_match_page_shortlist_and_suggest_keep_the_confirmation_in_view(app, client, login, kids, ids):
    login("contact_person")
    page = f"/boern/{kids.child}/match?soeg=1&kind=leisure-job&age=15&postcode=2200&interests=bager"
    html = client.get(page).get_data(as_text=True)
    assert 'name="next" value="' in html and "Sæt på kortlisten" in html
    response = client.post(f"/boern/{kids.child}/henvisninger", data={"offer_id": ids.other, "next": page})
    location = response.headers["Location"]
    assert response.status_code == 303 and location == f"{page}&foreslaaet=offer-{ids.other}#foreslaaet"
    shown = client.get(location).get_data(as_text=True)
    assert 'id="foreslaaet" role="status"' in shown and "er foreslået til BU-OWN1" in shown
    with app.extensions["matcher.sessions"]() as s:
        assert s.scalar(select(Referral.id).where(Referral.child_id == kids.child, Referral.offer_id == ids.other))


def test_offer_page_henvis_et_barn(app, client, login, kids, ids):
    login("contact_person")
    offer = client.get(f"/tilbud/{ids.other}").get_data(as_text=True)
    assert "Henvis et barn" in offer
    choose = client.get(f"/tilbud/{ids.other}/henvis").get_data(as_text=True)
    assert "BU-OWN1" in choose and "BU-OTHER1" not in choose  # only the worker's own children
    form = client.get(f"/tilbud/{ids.other}/henvis?barn={kids.child}").get_data(as_text=True)
    assert f'action="/boern/{kids.child}/henvisninger"' in form and f'name="offer_id" value="{ids.other}"' in form
    assert client.get(f"/tilbud/{ids.other}/henvis?barn={kids.other_child}").status_code == 403
    assert client.get(f"/tilbud/{ids.other}/henvis?barn=").status_code == 400
    client.post("/logout")
    login("club_rep")
    assert "Henvis et barn" not in client.get(f"/tilbud/{ids.own}").get_data(as_text=True)


def test_saved_searches_are_per_user(app, client, login):
    login("contact_person")
    response = client.post("/soeg/gem", data={"search_name": "Fodbold i Valby", "q": "fodbold", "district": "valby",
                                              "age": "11", "colour": "blå"})
    assert response.status_code == 303 and "district=valby" in response.headers["Location"]
    html = client.get("/soeg").get_data(as_text=True)
    assert "Mine gemte søgninger" in html and "Fodbold i Valby" in html
    with app.extensions["matcher.sessions"]() as s:
        saved = s.scalars(select(SavedSearch)).one()
    assert saved.query == {"q": "fodbold", "district": "valby", "age": "11"}
    bad = client.post("/soeg/gem", data={"search_name": "Forkert", "age": "abc"}, follow_redirects=True)
    assert "Søgningen er ikke gemt" in bad.get_data(as_text=True)
    client.post("/logout")
    login("key_staff")
    assert "Fodbold i Valby" not in client.get("/soeg").get_data(as_text=True)
    client.post(f"/soeg/gemte/{saved.id}/slet")
    with app.extensions["matcher.sessions"]() as s:
        assert s.get(SavedSearch, saved.id) is not None  # not theirs to delete
    client.post("/logout")
    login("contact_person")
    client.post(f"/soeg/gemte/{saved.id}/slet")
    with app.extensions["matcher.sessions"]() as s:
        assert s.get(SavedSearch, saved.id) is None


def test_export_includes_and_erasure_removes_the_shortlist(app, client, login, kids, ids):
    login("contact_person")
    client.post(f"/boern/{kids.child}/kortliste", data={"offer_id": ids.other, "note": "Tal med mor"})
    with app.extensions["matcher.sessions"]() as s:
        child = s.get(Child, kids.child)
        data = export_child(s, child)
        assert [(e["offer"], e["note"]) for e in data["shortlist"]] == [("Fritidsjob som bagerhjælper", "Tal med mor")]
        erase(s, child)
        s.commit()
    assert items(app, kids.child) == []


def test_api_shortlist_and_saved_searches(app, token, kids, ids):
    client = app.test_client()
    cp = {"Authorization": f"Bearer {token('contact_person')}"}
    added = client.post(f"/api/v1/children/{kids.child}/shortlist", json={"offer_id": ids.other, "source": "match"},
                        headers=cp)
    assert added.status_code == 201 and added.get_json()["title"] == "Fritidsjob som bagerhjælper"
    assert client.post(f"/api/v1/children/{kids.child}/shortlist", json={"offer_id": ids.other},
                       headers=cp).status_code == 200
    listed = client.get(f"/api/v1/children/{kids.child}/shortlist", headers=cp).get_json()["results"]
    assert [i["offer_id"] for i in listed] == [ids.other]
    assert client.get(f"/api/v1/children/{kids.other_child}/shortlist", headers=cp).status_code == 403
    bad = client.post(f"/api/v1/children/{kids.child}/shortlist", json={"offer_id": "x"}, headers=cp)
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "offer_id"
    assert client.delete(f"/api/v1/children/{kids.child}/shortlist/{listed[0]['id']}", headers=cp).status_code == 204
    assert client.delete(f"/api/v1/children/{kids.child}/shortlist/{listed[0]['id']}", headers=cp).status_code == 404
    saved = client.post("/api/v1/saved-searches", json={"name": "Job", "query": {"q": "bager", "age": 15}}, headers=cp)
    assert saved.status_code == 201 and saved.get_json()["query"] == {"q": "bager", "age": "15"}
    assert [s["name"] for s in client.get("/api/v1/saved-searches", headers=cp).get_json()["results"]] == ["Job"]
    wrong = client.post("/api/v1/saved-searches", json={"name": "X", "query": {"farve": "blå"}}, headers=cp)
    assert wrong.status_code == 400 and wrong.get_json()["error"]["field"] == "query"
    assert client.delete(f"/api/v1/saved-searches/{saved.get_json()['id']}", headers=cp).status_code == 204
