"""One rule, one answer: the HTML front end and the JSON API refuse the same requests alike.

Each case sends the same request through a form and through the API, on the real app, and asserts
the same outcome: refused, nothing stored, and the same field named (the API's ``error.field``;
the page says the same sentence, with the field's Danish label, that the form macro would).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from typing import Callable

import pytest
from sqlalchemy import func, select

from matcher.catalogue.models import Offer
from matcher.clock import local_today
from matcher.pathways.models import Child, Participation, Phase, Referral, ReferralEvent
from matcher.web.labels import error_sentence
from tests.web.conftest import OTHER_OFFER, OWN_OFFER, sign_in

TODAY = local_today()
FUTURE = (TODAY + dt.timedelta(days=3)).isoformat()
BEFORE_ACTIVE = (TODAY - dt.timedelta(days=58)).isoformat()  # the fixture referral went active 53 days ago


@dataclass(frozen=True)
class Case:
    """The same request as a form post and as an API call, and the field both must name (None: 403)."""

    who: str
    form: Callable[[dict], tuple[str, str, dict]]  # ids -> (method, path, form data)
    call: Callable[[dict], tuple[str, str, dict]]  # ids -> (method, path, JSON body)
    field: str | None


def _child(ids: dict, **extra) -> dict:
    return {"birth_year": str(TODAY.year - 10), "gender": "unknown", "languages": "da", **extra}


CASES = {
    "duplicate open referral to the same offer": Case(
        "contact_person",
        lambda i: ("POST", f"/boern/{i['child']}/henvisninger", {"offer_id": str(i["own"])}),
        lambda i: ("POST", f"/api/v1/children/{i['child']}/referrals", {"offer_id": i["own"]}),
        "offer_id"),
    "a child the contact person does not follow": Case(
        "contact_person",
        lambda i: ("POST", f"/boern/{i['other_child']}/henvisninger", {"offer_id": str(i["own"])}),
        lambda i: ("POST", f"/api/v1/children/{i['other_child']}/referrals", {"offer_id": i["own"]}),
        None),
    "key staff of another district": Case(
        "valby_key",
        lambda i: ("POST", f"/boern/{i['child']}/deltagelse", {"referral_id": str(i["ref"]), "attended": "1"}),
        lambda i: ("POST", f"/api/v1/children/{i['child']}/participation", {"referral_id": i["ref"], "attended": True}),
        None),
    "bad birth year": Case(
        "contact_person",
        lambda i: ("POST", "/boern/ny", _child(i, birth_year="1800")),
        lambda i: ("POST", "/api/v1/children", {"birth_year": 1800, "languages": ["da"]}),
        "birth_year"),
    "birth year in the future": Case(
        "contact_person",
        lambda i: ("POST", "/boern/ny", _child(i, birth_year=str(TODAY.year + 1))),
        lambda i: ("POST", "/api/v1/children", {"birth_year": TODAY.year + 1}),
        "birth_year"),
    "unknown language code": Case(
        "contact_person",
        lambda i: ("POST", "/boern/ny", _child(i, languages="xx")),
        lambda i: ("POST", "/api/v1/children", {"birth_year": TODAY.year - 10, "languages": ["xx"]}),
        "languages"),
    "participation date in the future": Case(
        "contact_person",
        lambda i: ("POST", f"/boern/{i['child']}/deltagelse", {"referral_id": str(i["ref"]), "attended": "1",
                                                               "date": FUTURE}),
        lambda i: ("POST", f"/api/v1/children/{i['child']}/participation",
                   {"referral_id": i["ref"], "attended": True, "date": FUTURE}),
        "date"),
    "status change dated before the previous step": Case(
        "contact_person",
        lambda i: ("POST", f"/henvisning/{i['ref']}/status", {"status": "ended", "end_reason": "moved",
                                                              "on": BEFORE_ACTIVE}),
        lambda i: ("PATCH", f"/api/v1/referrals/{i['ref']}", {"status": "ended", "end_reason": "moved",
                                                              "on": BEFORE_ACTIVE}),
        "on"),
    "bad birth year when the profile is edited": Case(
        "contact_person",
        lambda i: ("POST", f"/boern/{i['child']}/rediger", _child(i, birth_year="1800", postcode="2200")),
        lambda i: ("PATCH", f"/api/v1/children/{i['child']}", {"birth_year": 1800}),
        "birth_year"),
    "unknown language code when the profile is edited": Case(
        "contact_person",
        lambda i: ("POST", f"/boern/{i['child']}/rediger", _child(i, languages="xx", postcode="2200")),
        lambda i: ("PATCH", f"/api/v1/children/{i['child']}", {"languages": ["xx"]}),
        "languages"),
    "editing a child the contact person does not follow": Case(
        "contact_person",
        lambda i: ("POST", f"/boern/{i['other_child']}/rediger", _child(i, postcode="2500")),
        lambda i: ("PATCH", f"/api/v1/children/{i['other_child']}", {"interests": "dans"}),
        None),
}

#: The faultless twin of each refused request above: both front ends accept it (so the rule, not the
#: request's shape, made the difference). Keys name the case they belong to.
ACCEPTED = {
    "duplicate open referral to the same offer": Case(
        "contact_person",
        lambda i: ("POST", f"/boern/{i['child']}/henvisninger", {"offer_id": str(i["other"])}),
        lambda i: ("POST", f"/api/v1/children/{i['child']}/referrals", {"offer_id": i["other"]}),
        None),
    "bad birth year": Case(
        "contact_person",
        lambda i: ("POST", "/boern/ny", _child(i, languages="ar")),
        lambda i: ("POST", "/api/v1/children", {"birth_year": TODAY.year - 10, "languages": ["ar"]}),
        None),
    "participation date in the future": Case(
        "contact_person",
        lambda i: ("POST", f"/boern/{i['child']}/deltagelse", {"referral_id": str(i["ref"]), "attended": "1",
                                                               "date": TODAY.isoformat()}),
        lambda i: ("POST", f"/api/v1/children/{i['child']}/participation",
                   {"referral_id": i["ref"], "attended": True, "date": TODAY.isoformat()}),
        None),
    "status change dated before the previous step": Case(
        "contact_person",
        lambda i: ("POST", f"/henvisning/{i['ref']}/status", {"status": "ended", "end_reason": "moved",
                                                              "on": TODAY.isoformat()}),
        lambda i: ("PATCH", f"/api/v1/referrals/{i['ref']}", {"status": "ended", "end_reason": "moved",
                                                              "on": TODAY.isoformat()}),
        None),
}


def stored(db) -> tuple:
    """Return what a refused request must leave as it was: the rows of children, referrals and sessions."""
    db.expire_all()
    counts = tuple(db.scalar(select(func.count()).select_from(model)) for model in
                   (Child, Referral, ReferralEvent, Participation, Phase))
    states = tuple(db.execute(select(Referral.id, Referral.status).order_by(Referral.id)).all())
    dates = tuple(db.execute(select(Participation.id, Participation.date, Participation.voided)
                             .order_by(Participation.id)).all())
    return counts, states, dates


@pytest.fixture
def ids(db, kids) -> dict:
    """Return the fixture ids the cases fill in."""
    own = db.scalars(select(Offer.id).where(Offer.external_id == OWN_OFFER)).one()
    other = db.scalars(select(Offer.id).where(Offer.external_id == OTHER_OFFER)).one()
    return {**vars(kids), "own": own, "other": other}


def by_form(app, case: Case, ids: dict):
    """Send the case's form as its user; return (status, page text after a redirect)."""
    client = app.test_client()
    assert sign_in(app, client, f"{case.who}@kk.dk").status_code == 302
    method, path, data = case.form(ids)
    response = client.open(path, method=method, data=data)
    status = response.status_code
    if status in (302, 303):
        response = client.get(response.headers["Location"])
    return status, html.unescape(response.get_data(as_text=True))


def by_api(app, case: Case, ids: dict, token):
    """Send the case's API call as its user; return (status, error body)."""
    method, path, body = case.call(ids)
    response = app.test_client().open(path, method=method, json=body,
                                      headers={"Authorization": f"Bearer {token(case.who)}"})
    return response.status_code, (response.get_json(silent=True) or {}).get("error", {})


@pytest.mark.parametrize("name", list(CASES))
def test_both_front_ends_refuse_alike(app, db, ids, token, name):
    case = CASES[name]
    before = stored(db)
    api_status, error = by_api(app, case, ids, token)
    assert stored(db) == before, "the API stored part of a refused request"
    form_status, page = by_form(app, case, ids)
    assert stored(db) == before, "the form stored part of a refused request"
    if case.field is None:
        assert api_status == form_status == 403
        return
    assert 400 <= api_status < 500 and error.get("field") == case.field, error
    # Refused: the form again with the error (4xx), or back to the page with the error shown (303).
    assert 400 <= form_status < 500 or form_status == 303
    sentence = error_sentence(case.field, error["message"])
    assert sentence in page, f"the page does not say {sentence!r}"
    named = set(re.findall(r'id="f-([\w-]+)-fejl"', page))
    assert not named or case.field in named, named  # a form names the field at its input


@pytest.mark.parametrize("front", ["form", "api"])
@pytest.mark.parametrize("name", list(ACCEPTED))
def test_the_faultless_request_is_accepted_and_stored(app, db, ids, token, name, front):
    case = ACCEPTED[name]
    before = stored(db)
    if front == "api":
        status, error = by_api(app, case, ids, token)
        assert status in (200, 201), error
    else:
        status, page = by_form(app, case, ids)
        assert status == 303, page
    assert stored(db) != before
