"""The children screens: list, new child, child page, logging and correcting participation, referrals."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from matcher.clock import local_today
from matcher.pathways.models import Child, Participation, Phase, Referral


def text(response) -> str:
    return response.get_data(as_text=True)


def test_list_shows_only_own_children_with_phase_and_warnings(login, kids):
    client = login("contact_person")
    page = text(client.get("/boern"))
    assert "BU-OWN1" in page and "BU-OTHER1" not in page
    assert "Fritidspakke" in page and "Pigefodbold U12" in page and "Ingen deltagelse registreret" in page
    assert f'href="/boern/{kids.child}/deltagelse"' in page


def test_key_staff_of_a_district_sees_its_children_only(app, client, kids):
    from tests.web.conftest import sign_in

    assert sign_in(app, client, "valby_key@kk.dk").status_code == 302
    page = text(client.get("/boern"))
    assert "BU-OTHER1" in page and "BU-OWN1" not in page
    assert client.get(f"/boern/{kids.child}").status_code == 403


def test_new_child_refuses_cpr_like_text_at_the_field(login, db):
    client = login("contact_person")
    response = client.post("/boern/ny", data={"code": "BU-NY1", "birth_year": "2014", "postcode": "2200",
                                               "interests": "fodbold, cpr 010203-1234", "gender": "boy"})
    assert response.status_code == 400
    page = text(response)
    assert 'id="f-interests-fejl"' in page and "må ikke indeholde et CPR-nummer" in page
    assert 'href="#f-interests"' in page and 'aria-invalid="true"' in page
    assert "fodbold, cpr 010203-1234" in page  # the text stays so it can be corrected
    assert db.scalars(select(Child).where(Child.code == "BU-NY1")).first() is None


def test_new_child_is_created_for_the_contact_person(login, db):
    client = login("contact_person")
    response = client.post("/boern/ny", data={"code": "bu-ny2", "birth_year": "2013", "postcode": "2200",
                                               "interests": "dans", "languages": "da, ar", "weekdays": ["mon", "wed"],
                                               "gender": "girl"})
    assert response.status_code == 303, text(response)[:2000]
    child = db.scalars(select(Child).where(Child.code == "BU-NY2")).one()
    assert child.contact_person.email == "contact_person@kk.dk" and child.weekdays == ["mon", "wed"]
    assert child.languages == ["da", "ar"] and child.district.name == "Nørrebro" and child.birth_year_only
    assert "BU-NY2" in text(client.get(response.headers["Location"]))


def test_new_child_form_asks_for_nothing_identifying(login):
    page = text(login("contact_person").get("/boern/ny"))
    names = set(re.findall(r'<(?:input|select|textarea)[^>]*name="(\w+)"', page)) - {"csrf_token"}
    assert names == {"code", "birth_year", "birth_date", "gender", "postcode", "district_id", "interests",
                     "languages", "weekdays"}


def test_child_page_shows_pathway_network_referrals_history(login, kids):
    page = text(login("contact_person").get(f"/boern/{kids.child}"))
    for part in ("Fritidspakke", "Moster", "Pigefodbold U12", "Aktiv", "Mødte op", "Log deltagelse",
                 "Find fællesskaber", "Advarsler", f"/deltagelse/{kids.entry}/ret"):
        assert part in page, part


def test_log_participation_in_one_post(login, kids, db):
    client = login("contact_person")
    form = text(client.get(f"/boern/{kids.child}/deltagelse"))
    assert f'name="referral_id" value="{kids.ref}"' in form  # the only active referral is preselected
    key = re.search(r'name="idempotency_key" value="(\w+)"', form).group(1)
    data = {"referral_id": kids.ref, "date": local_today().isoformat(), "accompanied_by": "contact_person",
            "attended": "1", "idempotency_key": key}
    response = client.post(f"/boern/{kids.child}/deltagelse", data=data)
    assert response.status_code == 303
    assert client.post(f"/boern/{kids.child}/deltagelse", data=data).status_code == 303  # double tap
    rows = db.scalars(select(Participation).where(Participation.referral_id == kids.ref)).all()
    assert len(rows) == 2 and rows[-1].accompanied_by == "contact_person" and rows[-1].attended


def test_log_participation_refuses_a_future_date_at_the_field(login, kids):
    client = login("contact_person")
    future = (local_today() + dt.timedelta(days=3)).isoformat()
    response = client.post(f"/boern/{kids.child}/deltagelse", data={"referral_id": kids.ref, "date": future,
                                                                     "attended": "0"})
    assert response.status_code == 400 and 'id="f-date-fejl"' in text(response)
    assert "kan ikke ligge i fremtiden" in text(response)


def test_log_participation_refuses_another_childs_referral(login, kids):
    client = login("admin")
    response = client.post(f"/boern/{kids.child}/deltagelse", data={"referral_id": kids.other_ref, "attended": "1"})
    assert response.status_code == 400 and "vælg hvilket fællesskab" in text(response)


def test_correct_and_withdraw_an_entry(login, kids, db):
    client = login("contact_person")
    response = client.post(f"/deltagelse/{kids.entry}/ret", data={"date": local_today().isoformat(),
                                                                   "attended": "0", "accompanied_by": "alone"})
    assert response.status_code == 303
    newest = db.scalars(select(Participation).where(Participation.supersedes_id == kids.entry)).one()
    assert newest.attended is False
    page = text(client.get(f"/boern/{kids.child}"))
    assert "Rettet" in page and "(rettelse)" in page
    assert client.get(f"/deltagelse/{kids.entry}/ret").status_code == 200
    again = client.post(f"/deltagelse/{kids.entry}/ret", data={"attended": "1", "accompanied_by": "alone"})
    assert again.status_code == 400 and "allerede rettet" in text(again)
    withdrawn = client.post(f"/deltagelse/{newest.id}/ret", data={"date": newest.date.isoformat(), "attended": "0",
                                                                  "accompanied_by": "alone", "voided": "1"})
    assert withdrawn.status_code == 303 and "Slettet" in text(client.get(f"/boern/{kids.child}"))


def test_ending_a_referral_needs_a_reason(login, kids, db):
    client = login("contact_person")
    response = client.post(f"/henvisning/{kids.ref}/status", data={"status": "ended", "end_reason": ""})
    assert response.status_code == 400 and 'id="f-end_reason-fejl"' in text(response)
    other = client.post(f"/henvisning/{kids.ref}/status", data={"status": "ended", "end_reason": "other"})
    assert other.status_code == 400 and 'id="f-end_note-fejl"' in text(other)
    ok = client.post(f"/henvisning/{kids.ref}/status", data={"status": "ended", "end_reason": "cost"})
    assert ok.status_code == 303
    page = text(client.get(ok.headers["Location"]))
    assert "Barnets sidste aktive fællesskab er afsluttet" in page and "Prisen" in page
    assert db.get(Referral, kids.ref).end_reason == "cost"


def test_phase_bridge_close_and_network(login, kids, db):
    client = login("contact_person")
    today = local_today().isoformat()
    assert client.post(f"/boern/{kids.child}/fase", data={"kind": "fritidsjob", "start_date": today,
                                                            "goal": "Et job i en butik"}).status_code == 303
    phases = db.scalars(select(Phase).where(Phase.child_id == kids.child).order_by(Phase.id)).all()
    assert [p.kind for p in phases] == ["fritidspakke", "fritidsjob"] and phases[0].closing_reason == "bridged"
    bad = client.post(f"/boern/{kids.child}/fase/afslut", data={"closing_reason": "other", "end_date": today})
    assert bad.status_code == 400 and 'id="f-closing_note-fejl"' in text(bad)
    assert client.post(f"/boern/{kids.child}/fase/afslut", data={"closing_reason": "goal_reached",
                                                                  "end_date": today}).status_code == 303
    assert client.post(f"/boern/{kids.child}/netvaerk", data={"label": "Farmor", "relation": ""}).status_code == 303
    assert "Farmor" in text(client.get(f"/boern/{kids.child}"))
    cpr = client.post(f"/boern/{kids.child}/netvaerk", data={"label": "Onkel 010203-1234"})
    assert cpr.status_code == 400 and 'id="f-label-fejl"' in text(cpr)


def test_club_sees_only_what_was_shared(login, kids, db):
    club = login("club_rep")
    page = text(club.get("/min-forening"))
    assert "Sara" in page and "Kommer med sin moster første gang" in page
    for hidden in ("BU-OWN1", "BU-OTHER1", "fodbold, tegne", "Moster</", "2200"):
        assert hidden not in page, hidden
    referral = db.get(Referral, kids.ref)
    referral.shared_with_club_on = None
    db.commit()
    assert "Sara" not in text(club.get("/min-forening"))


def test_contact_person_shares_with_consent(login, kids, db):
    client = login("contact_person")
    data = {"shared_with_club_name": "Aya", "shared_with_club_scope": "Er genert den første gang",
            "shared_with_club_on": local_today().isoformat()}
    no_consent = client.post(f"/henvisning/{kids.ref}/del", data=data)
    assert no_consent.status_code == 400 and 'id="f-consent-fejl"' in text(no_consent)
    full_name = client.post(f"/henvisning/{kids.ref}/del", data={**data, "consent": "1",
                                                                  "shared_with_club_name": "Aya Hansen"})
    assert full_name.status_code == 400 and 'id="f-shared_with_club_name-fejl"' in text(full_name)
    assert client.post(f"/henvisning/{kids.ref}/del", data={**data, "consent": "1"}).status_code == 303
    assert db.get(Referral, kids.ref).shared_with_club_name == "Aya"


def test_match_for_a_child_is_prefilled_and_suggest_stores_the_score(login, kids, db):
    client = login("key_staff")
    page = text(client.get(f"/boern/{kids.child}/match"))
    assert ">fodbold, tegne</textarea>" in page and 'value="2200"' in page
    assert "Allerede henvist" in page  # the child's own offer
    page = text(client.get(f"/boern/{kids.other_child}/match"))
    form = re.search(r'<form method="post" action="/boern/\d+/henvisninger">(.*?)</form>', page, re.S).group(1)
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
    import html

    response = client.post(f"/boern/{kids.other_child}/henvisninger",
                           data={k: html.unescape(v) for k, v in fields.items()})
    assert response.status_code == 303
    referral = db.scalars(select(Referral).where(Referral.child_id == kids.other_child)
                          .order_by(Referral.id.desc())).first()
    assert referral.status == "suggested" and referral.match_score == float(fields["match_score"])
    assert referral.match_components and "interest" in referral.match_components


def test_match_shows_reasons_exclusions_and_field_errors(login):
    client = login("contact_person")
    page = text(client.get("/match?age=11&interests=fodbold&postcode=2200"))
    assert "Pigefodbold U12" in page and "Matcher interesse: fodbold" in page and "<meter" in page
    assert "Foreslå" not in page  # an ad-hoc profile stores nothing
    jobs = text(client.get("/match?age=11&kind=leisure-job"))
    assert "1 tilbud passede ikke: alder 1." in jobs
    bad = client.get("/match?age=11&postcode=0000")
    assert bad.status_code == 400 and 'id="f-postcode-fejl"' in text(bad) and 'href="#f-postcode"' in text(bad)
    tabs = text(client.get("/match?age=14&interests=musik&kind=mentor"))
    assert 'aria-current="page">Mentorer' in tabs


def test_indicators_page_and_csv(login):
    client = login("key_staff")
    page = text(client.get("/indikatorer?period=2026Q3"))
    assert "<svg" in page and "Nøgletal" in page and "Andel i mindst ét positivt fællesskab" in page
    assert "<script" not in page.split("</head>")[1] and "style=" not in page
    csv = client.get("/indikatorer.csv?period=2026Q3&district=valby")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert csv.get_data(as_text=True).startswith("area,measure,label,period,value")
    assert "<5" in csv.get_data(as_text=True) or ",0," in csv.get_data(as_text=True)
    bad = client.get("/indikatorer?period=2026Q7")
    assert bad.status_code == 400 and 'id="f-period-fejl"' in text(bad)


def test_warnings_page(login, kids):
    page = text(login("key_staff").get("/advarsler"))
    assert "BU-OWN1" in page and "BU-OTHER1" in page and "Ingen deltagelse" in page


def test_every_look_up_and_change_is_audited(login, kids, db):
    from matcher.privacy.audit import events_for_child

    client = login("contact_person")
    client.get("/boern")
    client.get(f"/boern/{kids.child}")
    client.post(f"/boern/{kids.child}/netvaerk", data={"label": "Morfar"})
    client.get(f"/boern/{kids.other_child}")  # refused: not logged as a look-up
    events = [(e.action, e.purpose, e.actor_email) for e in events_for_child(db, kids.child)]
    assert ("view", "oversigt over børn", "contact_person@kk.dk") in events
    assert ("view", "barnets side", "contact_person@kk.dk") in events
    assert ("update", "tilføj netværksperson", "contact_person@kk.dk") in events
    assert not [e for e in events_for_child(db, kids.other_child) if e.actor_email == "contact_person@kk.dk"]


def test_enter_in_a_field_logs_nothing(login, kids, db):
    """Enter submits the form's hidden first button, which answers neither attended nor not attended."""
    client = login("contact_person")
    form = text(client.get(f"/boern/{kids.child}/deltagelse"))
    assert form.index('name="attended" value=""') < form.index('name="attended" value="1"')
    response = client.post(f"/boern/{kids.child}/deltagelse", data={"referral_id": kids.ref, "attended": ""})
    assert response.status_code == 400 and "Mødte op" in text(response)
    assert len(db.scalars(select(Participation).where(Participation.referral_id == kids.ref)).all()) == 1
