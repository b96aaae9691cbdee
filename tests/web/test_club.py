"""Min forening: confirm, free spots, pause/close, full edit with errors and conflicts, key staff review."""

from __future__ import annotations

from sqlalchemy import select

from matcher.catalogue.models import ListingChange, Offer, OfferStatus, Organisation
from matcher.clock import local_today as copenhagen_today


def fresh(app, model, id_):
    from sqlalchemy.orm import selectinload

    with app.extensions["matcher.sessions"]() as s:
        options = [selectinload(Offer.schedules)] if model is Offer else []
        return s.get(model, id_, options=options)


def changes(app) -> list[ListingChange]:
    with app.extensions["matcher.sessions"]() as s:
        return s.scalars(select(ListingChange).order_by(ListingChange.id)).all()


def test_my_club_page_lists_only_own_offers(client, login):
    login("club_rep")
    html = client.get("/min-forening").get_data(as_text=True)
    assert "Eksempel Boldklub" in html and "Pigefodbold U12" in html
    assert "bagerhjælper" not in html
    assert "Oplysningerne er stadig korrekte" in html


def test_confirm_stamps_today_and_is_logged(app, client, login, ids):
    login("club_rep")
    version = fresh(app, Offer, ids.own).version
    response = client.post(f"/tilbud/{ids.own}/bekraeft", data={"version": version})
    assert response.status_code == 303 and response.headers["Location"] == "/min-forening"
    assert fresh(app, Offer, ids.own).verified_at == copenhagen_today()
    assert [c.field for c in changes(app)] == ["verified_at"]
    assert "er bekræftet som korrekt i dag" in client.get("/min-forening").get_data(as_text=True)


def test_quick_spots_update(app, client, login, ids):
    login("club_rep")
    assert client.post(f"/tilbud/{ids.own}/ledige-pladser", data={"spots_free": "2"}).status_code == 303
    assert fresh(app, Offer, ids.own).spots_free == 2
    bad = client.post(f"/tilbud/{ids.own}/ledige-pladser", data={"spots_free": "99"})
    assert bad.status_code == 400
    html = bad.get_data(as_text=True)
    assert "flere ledige pladser end pladser i alt" in html and f'aria-describedby="fejl-{ids.own}"' in html
    assert fresh(app, Offer, ids.own).spots_free == 2


def test_pause_and_close(app, client, login, ids):
    login("club_rep")
    client.post(f"/tilbud/{ids.own}/status", data={"status": "paused"})
    assert fresh(app, Offer, ids.own).status is OfferStatus.paused
    client.post(f"/tilbud/{ids.own}/status", data={"status": "closed"})
    assert fresh(app, Offer, ids.own).status is OfferStatus.closed
    assert client.post(f"/tilbud/{ids.own}/status", data={"status": "deleted"}).status_code == 400


def edit_form(offer: Offer, **overrides) -> dict:
    s = offer.schedules[0]
    data = {"version": offer.version, "title": offer.title, "description": offer.description,
            "age_min": offer.age_min, "age_max": offer.age_max, "monthly_fee_dkk": "120", "fee_support": "1",
            "capacity": offer.capacity, "spots_free": offer.spots_free, "status": offer.status.value,
            "schedule_rows": "2", "s0_weekdays": s.weekdays, "s0_opens_at": f"{s.opens_at:%H:%M}",
            "s0_closes_at": f"{s.closes_at:%H:%M}", "s1_weekdays": [], "s1_opens_at": "", "s1_closes_at": ""}
    data.update(overrides)
    return data


def test_full_edit_saves_and_adds_a_schedule(app, client, login, ids):
    login("club_rep")
    form = edit_form(fresh(app, Offer, ids.own), title="Pigefodbold U12 (nye tider)", s1_weekdays=["sat"],
                     s1_opens_at="10:00", s1_closes_at="11:30")
    response = client.post(f"/tilbud/{ids.own}/rediger", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.extensions["matcher.sessions"]() as s:
        offer = s.get(Offer, ids.own)
        assert offer.title == "Pigefodbold U12 (nye tider)" and offer.weekdays == ["tue", "thu", "sat"]
        assert offer.verified_at == copenhagen_today()  # a save by the club confirms the listing
    assert {c.field for c in changes(app)} == {"title", "schedules", "verified_at"}


def test_full_edit_error_is_linked_to_its_field(app, client, login, ids):
    login("key_staff")
    response = client.post(f"/tilbud/{ids.own}/rediger", data=edit_form(fresh(app, Offer, ids.own), age_max="5"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#f-age_max"' in html and 'id="f-age_max-fejl"' in html and 'aria-invalid="true"' in html
    assert 'value="5"' in html  # the user's input is kept


def test_stale_edit_gets_a_conflict_not_an_overwrite(app, client, login, ids):
    login("club_rep")
    stale = edit_form(fresh(app, Offer, ids.own), title="Min version")
    client.post(f"/tilbud/{ids.own}/ledige-pladser", data={"spots_free": "1"})  # someone else saves first
    response = client.post(f"/tilbud/{ids.own}/rediger", data=stale)
    assert response.status_code == 409
    assert "En anden har ændret tilbuddet i mellemtiden" in response.get_data(as_text=True)
    assert fresh(app, Offer, ids.own).title == "Pigefodbold U12"


def test_organisation_facts(app, client, login, ids):
    login("club_rep")
    data = {"name": "Eksempel Boldklub", "email": "info@eksempelboldklub.dk", "phone": "", "website": "",
            "address": "Eksempelvej 1", "postcode": "2500", "city": "Valby", "description": "Fodbold for alle."}
    assert client.post(f"/forening/{ids.own_org}/oplysninger", data=data).status_code == 303
    assert fresh(app, Organisation, ids.own_org).email == "info@eksempelboldklub.dk"
    bad = client.post(f"/forening/{ids.own_org}/oplysninger", data=dict(data, email="nej"))
    assert bad.status_code == 400 and 'href="#f-email"' in bad.get_data(as_text=True)
    assert client.post(f"/forening/{ids.other_org}/oplysninger", data=data).status_code == 403


def test_key_staff_edit_on_behalf_and_review_changes(app, client, login, ids):
    login("key_staff")
    assert client.post(f"/tilbud/{ids.other}/ledige-pladser", data={"spots_free": "0"}).status_code == 303
    html = client.get("/aendringer").get_data(as_text=True)
    assert "Fritidsjob som bagerhjælper" in html and "Ledige pladser" in html and "key_staff@kk.dk" in html
    change_id = changes(app)[0].id
    assert client.post("/aendringer/set", data={"change": str(change_id)}).status_code == 303
    assert changes(app)[0].reviewed_at is not None
    assert "Ingen usete ændringer" in client.get("/aendringer").get_data(as_text=True)
    assert "bagerhjælper" in client.get("/aendringer?vis=alle").get_data(as_text=True)


def test_district_pages(app, client, login, db):
    from matcher.accounts.operations import create_user
    from matcher.catalogue.models import District

    valby = db.scalars(select(District).where(District.slug == "valby")).one()
    create_user(db, "lokal@kk.dk", "key_staff", "Bydels-kodeord-1", name="Lone Lokal", district_id=valby.id)
    db.commit()
    assert "Lone Lokal" not in client.get("/bydel/valby").get_data(as_text=True)  # not shown to anonymous
    login("contact_person")
    html = client.get("/bydel/valby").get_data(as_text=True)
    assert "Spørg en nøglemedarbejder" in html and "Lone Lokal" in html and "mailto:lokal@kk.dk" in html
    assert "Lone Lokal" not in client.get("/bydel/noerrebro").get_data(as_text=True)
    client.post("/logout")
    login("key_staff")
    html = client.get("/bydel/valby/overblik").get_data(as_text=True)
    assert "aktive tilbud" in html and "ledige pladser" in html and "Forældede opslag" in html


def test_club_forms_need_the_csrf_token(app, client, login, ids):
    login("club_rep")
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/tilbud/{ids.own}/bekraeft").status_code == 400
    html = client.get("/min-forening").get_data(as_text=True)
    assert 'name="csrf_token"' in html
