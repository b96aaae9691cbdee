"""Min forening's referral page, waiting lists, the one-click listing link, the handout and the admin outbox."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select, update

from matcher.catalogue.models import ListingChange, Offer
from matcher.clock import local_today as copenhagen_today
from matcher.clubs.models import ClubAnswer, WaitingListEntry
from matcher.config import Settings
from matcher.db import utcnow
from matcher.mail.models import JobLease, OutboxMessage, SignedLink
from matcher.pathways.models import Child, Participation, Referral
from matcher.privacy.models import AuditEvent
from matcher.runtime import Runtime
from matcher.worker import run_once


def outbox(app) -> list[OutboxMessage]:
    with app.extensions["matcher.sessions"]() as s:
        return s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_club_answers_and_logs_attendance_in_min_forening(app, client, login, kids):
    login("club_rep")
    mine = client.get("/min-forening").get_data(as_text=True)
    assert f"/min-forening/henvisning/{kids.ref}" in mine and "Ikke besvaret" in mine
    page = client.get(f"/min-forening/henvisning/{kids.ref}")
    assert page.status_code == 200 and "Sara" in page.get_data(as_text=True)
    assert "BU-OWN1" not in page.get_data(as_text=True)
    assert client.get(f"/min-forening/henvisning/{kids.other_ref}").status_code == 404
    bad = client.post(f"/min-forening/henvisning/{kids.ref}/svar", data={"answer": "welcome"})
    assert bad.status_code == 400 and 'id="f-first_session_on"' in bad.get_data(as_text=True)
    first = copenhagen_today() + dt.timedelta(days=3)
    done = client.post(f"/min-forening/henvisning/{kids.ref}/svar",
                       data={"answer": "welcome", "first_session_on": first.isoformat(), "met_by": "Mette"})
    assert done.status_code == 303
    logged = client.post(f"/min-forening/henvisning/{kids.ref}/fremmoede",
                         data={"date": copenhagen_today().isoformat(), "attended": "0"})
    assert logged.status_code == 303
    with app.extensions["matcher.sessions"]() as s:
        assert s.scalars(select(ClubAnswer)).one().met_by == "Mette"
        entry = s.scalars(select(Participation).where(Participation.logged_by_club.is_(True))).one()
        assert entry.attended is False and entry.referral_id == kids.ref
        # the fixture's referral was already active: a welcome does not move it back
        assert s.get(Referral, kids.ref).status == "active"
        purposes = {e.purpose for e in s.scalars(select(AuditEvent).where(AuditEvent.actor_role == "club_rep"))}
    assert {"Min forening: delte henvisninger", "Min forening: se delt henvisning"} <= purposes
    assert [m.kind for m in outbox(app)] == ["club_answer"]


def test_contact_person_sees_the_answer_on_the_child_page(app, client, login, kids):
    login("club_rep")
    client.post(f"/min-forening/henvisning/{kids.ref}/svar", data={"answer": "no_room", "message": "Fuldt hold"})
    client.post("/logout")
    login("contact_person")
    html = client.get(f"/boern/{kids.child}").get_data(as_text=True)
    assert "Foreningen: Ingen plads" in html and "Fuldt hold" in html
    assert "Foreningen: Ingen plads" in client.get(f"/henvisning/{kids.ref}").get_data(as_text=True)


def test_other_roles_cannot_open_the_club_referral_page(client, login, kids):
    login("contact_person")
    assert client.get(f"/min-forening/henvisning/{kids.ref}").status_code == 403
    assert client.post(f"/min-forening/henvisning/{kids.ref}/svar", data={"answer": "no_room"}).status_code == 403


def test_waiting_list_tells_the_contact_person_at_once_when_a_spot_frees(app, client, login, kids, ids):
    with app.extensions["matcher.sessions"].begin() as s:
        s.execute(update(Offer).where(Offer.id == ids.own).values(spots_free=0))
    login("contact_person")
    assert client.post(f"/henvisning/{kids.ref}/venteliste").status_code == 303
    assert "Barnet står på venteliste" in client.get(f"/henvisning/{kids.ref}").get_data(as_text=True)
    client.post("/logout")
    login("club_rep")
    assert "1 på venteliste" in client.get("/min-forening").get_data(as_text=True)
    assert client.post(f"/tilbud/{ids.own}/ledige-pladser", data={"spots_free": "1"}).status_code == 303
    [mail] = outbox(app)
    assert mail.kind == "waiting_spot" and mail.to_address == "contact_person@kk.dk"
    assert "ledig plads" in mail.subject and "BU-OWN1" not in mail.body
    assert client.post(f"/tilbud/{ids.own}/ledige-pladser", data={"spots_free": "2"}).status_code == 303
    assert len(outbox(app)) == 1  # already told: no second mail
    with app.extensions["matcher.sessions"]() as s:
        assert s.scalars(select(WaitingListEntry)).one().notified_at is not None


def test_waiting_list_only_for_a_full_offer(client, login, kids):
    login("contact_person")
    response = client.post(f"/henvisning/{kids.ref}/venteliste", follow_redirects=True)
    assert "ingen venteliste" in response.get_data(as_text=True)


def _jobs(app, env=None):
    settings = Settings.from_env({"MATCHER_ENV": "testing", **(env or {})})
    return run_once(app.extensions["matcher.sessions"], Runtime(settings))


def make_stale(app, offer_id: int) -> None:
    with app.extensions["matcher.sessions"].begin() as s:
        s.execute(update(Offer).values(verified_at=copenhagen_today()))
        s.execute(update(Offer).where(Offer.id == offer_id)
                  .values(verified_at=copenhagen_today() - dt.timedelta(days=181)))


def test_monthly_mail_confirms_stale_listings_with_a_single_use_link(app, client, ids):
    make_stale(app, ids.own)
    report, ran = _jobs(app)
    assert "stale_listings_monthly" in ran and report.configured is False
    [mail] = [m for m in outbox(app) if m.kind == "stale_listings"]
    assert mail.to_address == "club_rep@kk.dk" and "Pigefodbold U12" in mail.body
    token = re.search(r"/bekraeft-tilbud/(\S+)", mail.body).group(1)
    assert "Pigefodbold U12" in client.get(f"/bekraeft-tilbud/{token}").get_data(as_text=True)
    assert client.post(f"/bekraeft-tilbud/{token}").status_code == 200
    with app.extensions["matcher.sessions"]() as s:
        assert s.get(Offer, ids.own).verified_at == copenhagen_today()
        assert s.scalars(select(ListingChange).where(ListingChange.offer_id == ids.own)).one().field == "verified_at"
    again = client.post(f"/bekraeft-tilbud/{token}")
    assert again.status_code == 410 and "allerede brugt" in again.get_data(as_text=True)
    assert client.get("/bekraeft-tilbud/forkert").status_code == 410
    assert _jobs(app)[1] == []  # a second pass: the job is not due again this month


def test_expired_link_is_refused(app, client, ids):
    make_stale(app, ids.own)
    _jobs(app)
    mail = next(m for m in outbox(app) if m.kind == "stale_listings")
    token = re.search(r"/bekraeft-tilbud/(\S+)", mail.body).group(1)
    with app.extensions["matcher.sessions"].begin() as s:
        s.execute(update(SignedLink).values(expires_at=utcnow() - dt.timedelta(seconds=1)))
    response = client.post(f"/bekraeft-tilbud/{token}")
    assert response.status_code == 410 and "udløbet" in response.get_data(as_text=True)


def test_weekly_mail_gives_contact_persons_only_the_count(app):
    _jobs(app)
    mails = [m for m in outbox(app) if m.kind == "weekly_warnings"]
    assert mails, "the fixture's children have warnings"
    for mail in mails:
        assert re.search(r"Du har \d+ advars(el|ler) denne uge", mail.subject) and "/advarsler" in mail.body
        assert "BU-" not in mail.body
    with app.extensions["matcher.sessions"]() as s:
        job = s.get(JobLease, "warnings_weekly")
        assert job.runs == 1 and job.lease_owner is None and job.next_due_at > utcnow()


def test_two_workers_never_run_one_job_twice(app):
    import threading

    results = []
    threads = [threading.Thread(target=lambda: results.append(_jobs(app)[1])) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ran = [name for names in results for name in names]
    assert sorted(ran) == ["stale_listings_monthly", "warnings_weekly"]


def test_handout_in_arabic_is_right_to_left(app, client, login, kids, ids):
    with app.extensions["matcher.sessions"].begin() as s:
        s.execute(update(Child).where(Child.id == kids.child).values(languages=["ar", "da"]))
    login("contact_person")
    html = client.get(f"/henvisning/{kids.ref}/til-familien").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html and "للعائلة" in html and "Pigefodbold U12" in html
    assert "<svg" in html and "BU-OWN1" not in html
    danish = client.get(f"/tilbud/{ids.own}/til-familien").get_data(as_text=True)
    assert '<html lang="da" dir="ltr">' in danish and "Til familien" in danish
    for lang, word in (("en", "For the family"), ("so", "Qoyska"), ("tr", "Aile için"), ("ur", "خاندان"),
                       ("uk", "Для родини"), ("pl", "Dla rodziny")):
        page = client.get(f"/tilbud/{ids.own}/til-familien?sprog={lang}").get_data(as_text=True)
        assert word in page and f'lang="{lang}"' in page
    text = client.get(f"/tilbud/{ids.own}/til-familien?sprog=pl&format=text")
    assert text.mimetype == "text/plain" and "Pigefodbold U12" in text.get_data(as_text=True)
    with app.extensions["matcher.sessions"]() as s:
        assert s.scalars(select(AuditEvent).where(AuditEvent.purpose == "udskrift til familien")).first()


def test_handout_of_a_referral_shows_the_first_session(app, client, login, kids):
    login("club_rep")
    first = copenhagen_today() + dt.timedelta(days=2)
    client.post(f"/min-forening/henvisning/{kids.ref}/svar",
                data={"answer": "welcome", "first_session_on": first.isoformat(), "met_by": "Træner Ali"})
    client.post("/logout")
    login("contact_person")
    html = client.get(f"/henvisning/{kids.ref}/til-familien?sprog=da").get_data(as_text=True)
    assert "Første gang" in html and "Træner Ali" in html and str(first.year) in html


def test_admin_outbox_says_when_no_smtp_is_configured(app, client, login, kids):
    login("club_rep")
    client.post(f"/min-forening/henvisning/{kids.ref}/svar", data={"answer": "no_room"})
    client.post("/logout")
    login("admin")
    html = client.get("/admin/post").get_data(as_text=True)
    assert "Ingen SMTP-server er sat op" in html and "Du har 1 nyt svar" in html
    [mail] = outbox(app)
    body = client.get(f"/admin/post/{mail.id}").get_data(as_text=True)
    assert "Log ind for at se svaret" in body  # readable in development/testing
    assert client.get("/admin/post?status=nonsense").status_code == 400
    with app.extensions["matcher.sessions"].begin() as s:
        s.execute(update(OutboxMessage).values(status="uncertain"))
    assert client.post(f"/admin/post/{mail.id}/send-igen").status_code == 303
    assert outbox(app)[0].status == "pending"
