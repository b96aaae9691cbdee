"""Min forening → Nyt tilbud: a club's new offer waits for key staff, then is public; saves confirm listings."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matcher.catalogue.models import ListingChange, Offer, OfferStatus
from matcher.clock import local_today as copenhagen_today


def new_offer_form(**overrides) -> dict:
    data = {"title": "Futsal for piger", "kind": "activity", "description": "Indendørs fodbold om vinteren.",
            "age_min": "10", "age_max": "13", "gender": "girls", "monthly_fee_dkk": "75", "fee_support": "1",
            "capacity": "16", "spots_free": "6", "place_name": "Valby Hallen", "address": "Julius Andersens Vej 3",
            "postcode": "2450", "city": "København SV", "interests_shown": "1", "interests": ["fodbold"],
            "schedule_rows": "2", "s0_weekdays": ["wed"], "s0_opens_at": "17:00", "s0_closes_at": "18:30",
            "s1_weekdays": [], "s1_opens_at": "", "s1_closes_at": ""}
    data.update(overrides)
    return data


def the_offer(app, title: str) -> Offer | None:
    with app.extensions["matcher.sessions"]() as s:
        return s.scalars(select(Offer).where(Offer.title == title)
                         .options(selectinload(Offer.interests), selectinload(Offer.schedules))).first()


def test_club_creates_an_offer_that_waits_for_approval(app, client, login, ids):
    login("club_rep")
    page = client.get(f"/forening/{ids.own_org}/nyt-tilbud").get_data(as_text=True)
    assert "kigger en nøglemedarbejder" in page and 'name="interests" value="fodbold"' in page
    response = client.post(f"/forening/{ids.own_org}/nyt-tilbud", data=new_offer_form())
    assert response.status_code == 303 and response.headers["Location"].startswith("/min-forening")
    offer = the_offer(app, "Futsal for piger")
    assert offer.status is OfferStatus.pending and offer.gender.value == "girls"
    assert [t.code for t in offer.interests] == ["fodbold"] and offer.weekdays == ["wed"]
    assert offer.place_name == "Valby Hallen" and offer.postcode == "2450" and offer.district_id is not None
    assert offer.lat is not None and offer.verified_at == copenhagen_today()
    mine = client.get("/min-forening").get_data(as_text=True)
    assert "Futsal for piger" in mine and "Afventer godkendelse" in mine
    assert client.get(f"/tilbud/{offer.id}").status_code == 200  # the club sees its own pending offer


def test_a_pending_offer_is_not_public(app, client, login, ids):
    login("club_rep")
    client.post(f"/forening/{ids.own_org}/nyt-tilbud", data=new_offer_form())
    offer_id = the_offer(app, "Futsal for piger").id
    client.post("/logout")
    login("contact_person")
    assert "Futsal" not in client.get("/soeg?q=futsal").get_data(as_text=True)
    assert client.get(f"/tilbud/{offer_id}").status_code == 404
    assert "Futsal" not in client.get("/bydel/valby").get_data(as_text=True)
    feed = client.get("/api/hsds/services?per_page=200").get_json()
    assert all(s["name"] != "Futsal for piger" for s in feed["contents"])


def test_key_staff_approve_and_it_becomes_searchable(app, client, login, ids):
    login("club_rep")
    client.post(f"/forening/{ids.own_org}/nyt-tilbud", data=new_offer_form())
    offer_id = the_offer(app, "Futsal for piger").id
    client.post("/logout")
    login("key_staff")
    changes = client.get("/aendringer").get_data(as_text=True)
    assert "Nye tilbud, der venter på godkendelse (1)" in changes and "Futsal for piger" in changes
    assert client.post(f"/tilbud/{offer_id}/godkend", data={"decision": "approve"}).status_code == 303
    assert the_offer(app, "Futsal for piger").status is OfferStatus.active
    assert "Futsal for piger" in client.get("/soeg?q=futsal").get_data(as_text=True)
    assert "Nye tilbud, der venter på godkendelse (0)" in client.get("/aendringer").get_data(as_text=True)


def test_a_refusal_needs_a_reason_is_shown_to_the_club_and_reopening_asks_again(app, client, login, ids):
    login("club_rep")
    client.post(f"/forening/{ids.own_org}/nyt-tilbud", data=new_offer_form())
    offer = the_offer(app, "Futsal for piger")
    client.post("/logout")
    login("key_staff")
    client.post(f"/tilbud/{offer.id}/godkend", data={"decision": "reject", "reason": ""})
    assert the_offer(app, "Futsal for piger").status is OfferStatus.pending  # no reason: nothing changed
    client.post(f"/tilbud/{offer.id}/godkend", data={"decision": "reject", "reason": "Hallen er lukket i år."})
    assert the_offer(app, "Futsal for piger").status is OfferStatus.closed
    client.post("/logout")
    login("club_rep")
    assert "Ikke godkendt af kommunen: Hallen er lukket i år." in client.get("/min-forening").get_data(as_text=True)
    version = the_offer(app, "Futsal for piger").version
    client.post(f"/tilbud/{offer.id}/status", data={"status": "active", "version": version})
    assert the_offer(app, "Futsal for piger").status is OfferStatus.pending  # back to key staff, not public


def test_a_club_cannot_publish_its_pending_offer_itself(app, client, login, ids):
    login("club_rep")
    client.post(f"/forening/{ids.own_org}/nyt-tilbud", data=new_offer_form())
    offer = the_offer(app, "Futsal for piger")
    bad = client.post(f"/tilbud/{offer.id}/status", data={"status": "active", "version": offer.version})
    assert bad.status_code == 400 and "venter på, at kommunen godkender" in bad.get_data(as_text=True)
    assert client.post(f"/tilbud/{offer.id}/godkend", data={"decision": "approve"}).status_code == 403
    assert the_offer(app, "Futsal for piger").status is OfferStatus.pending


def test_staff_create_public_offers_at_once(app, client, login, ids):
    login("key_staff")
    client.post(f"/forening/{ids.other_org}/nyt-tilbud", data=new_offer_form(title="Lektiecafé", gender=""))
    offer = the_offer(app, "Lektiecafé")
    assert offer.status is OfferStatus.active and offer.gender is None


def test_bad_input_names_the_field_and_stores_nothing(app, client, login, ids):
    login("club_rep")
    for overrides, field in (({"title": ""}, "title"), ({"age_min": "14", "age_max": "10"}, "age_max"),
                             ({"interests": ["findes-ikke"]}, "interests"), ({"gender": "alle-drenge"}, "gender"),
                             ({"postcode": "12"}, "postcode"), ({"s0_opens_at": "25:00"}, "schedules"),
                             ({"kind": "koncert"}, "kind")):
        response = client.post(f"/forening/{ids.own_org}/nyt-tilbud", data=new_offer_form(**overrides))
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and f'href="#f-{field}"' in html, (overrides, html[:300])
    assert the_offer(app, "Futsal for piger") is None


def test_more_schedule_rows_without_saving_and_at_most_twenty(app, client, login, ids):
    login("club_rep")
    more = client.post(f"/forening/{ids.own_org}/nyt-tilbud", data=new_offer_form(more_rows="1"))
    assert more.status_code == 200 and more.get_data(as_text=True).count('class="schedule-row"') == 4
    assert the_offer(app, "Futsal for piger") is None
    rows = {"schedule_rows": "21"}
    for i in range(21):
        rows.update({f"s{i}_weekdays": ["mon"], f"s{i}_opens_at": f"{8 + i // 4:02d}:{(i % 4) * 15:02d}",
                     f"s{i}_closes_at": ""})
    client.post(f"/forening/{ids.own_org}/nyt-tilbud", data=new_offer_form(**rows))
    assert len(the_offer(app, "Futsal for piger").schedules) == 20  # the form reads at most 20 rows


def test_operations_refuse_more_than_twenty_schedules(db, ids):
    import pytest

    from matcher.catalogue.errors import RecordError
    from matcher.catalogue.operations import update_offer

    offer = db.get(Offer, ids.own)
    with pytest.raises(RecordError) as caught:
        update_offer(db, offer, {"schedules": [{"weekdays": ["mon"], "opens_at": "10:00"}] * 21}, None)
    assert caught.value.field == "schedules" and "højst have 20" in caught.value.message


def test_edit_sets_interests_venue_and_gender_and_confirms(app, client, login, ids):
    login("club_rep")
    offer = the_offer(app, "Pigefodbold U12")
    form = {"version": offer.version, "title": offer.title, "description": offer.description, "status": "active",
            "gender": "", "interests_shown": "1", "interests": ["fodbold", "haandbold"], "place_name": "Ny hal",
            "address": "Toftegårds Allé 2", "postcode": "2500", "city": "Valby", "schedule_rows": "1",
            "s0_weekdays": ["tue"], "s0_opens_at": "16:30", "s0_closes_at": "17:45"}
    response = client.post(f"/tilbud/{offer.id}/rediger", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)
    saved = the_offer(app, "Pigefodbold U12")
    assert saved.gender is None and {t.code for t in saved.interests} == {"fodbold", "haandbold"}
    assert saved.place_name == "Ny hal" and saved.verified_at == copenhagen_today()
    with app.extensions["matcher.sessions"]() as s:
        fields = {c.field for c in s.scalars(select(ListingChange).where(ListingChange.offer_id == offer.id))}
    assert {"gender", "interests", "place_name", "address", "verified_at"} <= fields


def test_saving_free_spots_removes_the_stale_flag(app, client, login, ids, db):
    import datetime as dt

    offer = db.get(Offer, ids.own)
    offer.verified_at = copenhagen_today() - dt.timedelta(days=400)
    db.commit()
    login("club_rep")
    assert "Forældet" in client.get("/min-forening").get_data(as_text=True)
    client.post(f"/tilbud/{ids.own}/ledige-pladser", data={"spots_free": "4"})
    assert the_offer(app, "Pigefodbold U12").verified_at == copenhagen_today()
    assert "Forældet" not in client.get("/min-forening").get_data(as_text=True)


def test_key_staff_saving_on_behalf_does_not_confirm(app, client, login, ids, db):
    import datetime as dt

    old = copenhagen_today() - dt.timedelta(days=400)
    db.get(Offer, ids.own).verified_at = old
    db.commit()
    login("key_staff")
    client.post(f"/tilbud/{ids.own}/ledige-pladser", data={"spots_free": "4"})
    assert the_offer(app, "Pigefodbold U12").verified_at == old


def test_api_creates_and_reviews_offers(app, token, ids):
    client = app.test_client()
    club = {"Authorization": f"Bearer {token('club_rep')}"}
    staff = {"Authorization": f"Bearer {token('key_staff')}"}
    body = {"title": "Futsal for piger", "gender": "girls", "interests": ["fodbold"], "postcode": "2450",
            "schedules": [{"weekdays": ["wed"], "opens_at": "17:00", "closes_at": "18:30"}]}
    created = client.post(f"/api/v1/organisations/{ids.own_org}/offers", json=body, headers=club)
    assert created.status_code == 201 and created.get_json()["status"] == "pending"
    offer_id = created.get_json()["id"]
    assert client.get(f"/api/v1/offers/{offer_id}", headers={"Authorization": f"Bearer {token('contact_person')}"}
                      ).status_code == 404
    other = client.post(f"/api/v1/organisations/{ids.other_org}/offers", json=body, headers=club)
    assert other.status_code == 403
    bad = client.post(f"/api/v1/organisations/{ids.own_org}/offers", json=dict(body, colour="blå"), headers=club)
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "colour"
    too_many = client.post(f"/api/v1/organisations/{ids.own_org}/offers",
                           json=dict(body, schedules=body["schedules"] * 21), headers=club)
    assert too_many.status_code == 400 and too_many.get_json()["error"]["field"] == "schedules"
    assert client.post(f"/api/v1/offers/{offer_id}/review", json={"decision": "approve"}, headers=club
                       ).status_code == 403
    refused = client.post(f"/api/v1/offers/{offer_id}/review", json={"decision": "reject"}, headers=staff)
    assert refused.status_code == 400 and refused.get_json()["error"]["field"] == "reason"
    approved = client.post(f"/api/v1/offers/{offer_id}/review", json={"decision": "approve"}, headers=staff)
    assert approved.status_code == 200 and approved.get_json()["status"] == "active"
    again = client.post(f"/api/v1/offers/{offer_id}/review", json={"decision": "approve"}, headers=staff)
    assert again.status_code == 400 and again.get_json()["error"]["field"] == "status"
