"""The access matrix: every route × every role (and anonymous) → the expected status."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from matcher.accounts.models import User
from matcher.accounts.operations import issue_token
from matcher.catalogue.models import InterestTerm, Offer, Organisation
from matcher.web import create_app
from tests.web.conftest import CLUB_ORG, OTHER_OFFER, OWN_OFFER, pathway_ids, sign_in

ANON = "anonymous"
ALL = ("admin", "key_staff", "contact_person", "club_rep")


def expect(default: int, anonymous: int, **by_role: int) -> dict[str, int]:
    """Return the expected status per role; roles not named get ``default``."""
    out = {role: by_role.get(role, default) for role in ALL}
    out[ANON] = anonymous
    return out


STAFF = {"contact_person": 403, "club_rep": 403}  # key_staff and admin only
ADMIN = {"key_staff": 403, "contact_person": 403, "club_rep": 403}
NO_CLUB = {"club_rep": 403}  # staff who follow children; club representatives never see children
NOT_MINE = {"contact_person": 403, "club_rep": 403}  # another worker's child: admin/key staff only

# (method, path, json body or None, expected per role). Pages: anonymous → 302 to login; API: 401.
MATRIX = [
    ("GET", "/", None, expect(200, 200)),
    ("GET", "/bydel/valby", None, expect(200, 200)),
    ("GET", "/bydel/ingen-bydel", None, expect(404, 404)),
    ("GET", "/bydel/valby/overblik", None, expect(200, 302, **STAFF)),
    ("GET", "/soeg", None, expect(200, 302)),
    ("GET", "/soeg?q=fodbold&postcode=2500&max_km=5", None, expect(200, 302)),
    ("GET", "/soeg?age=abc", None, expect(400, 302)),
    ("GET", "/tilbud/{own}", None, expect(200, 302)),
    ("GET", "/tilbud/{other}", None, expect(200, 302)),
    ("GET", "/tilbud/999999", None, expect(404, 302)),
    ("GET", "/min-forening", None, expect(403, 302, club_rep=200)),
    ("GET", "/forening/{own_org}/administrer", None, expect(200, 302, contact_person=403)),
    ("GET", "/forening/{other_org}/administrer", None, expect(200, 302, contact_person=403, club_rep=403)),
    ("GET", "/tilbud/{own}/rediger", None, expect(200, 302, contact_person=403)),
    ("GET", "/tilbud/{other}/rediger", None, expect(200, 302, contact_person=403, club_rep=403)),
    ("POST", "/tilbud/{other}/bekraeft", None, expect(303, 302, contact_person=403, club_rep=403)),
    ("POST", "/tilbud/{own}/bekraeft", None, expect(303, 302, contact_person=403)),
    ("POST", "/tilbud/{other}/ledige-pladser", None, expect(303, 302, contact_person=403, club_rep=403)),
    ("GET", "/aendringer", None, expect(200, 302, **STAFF)),
    ("POST", "/aendringer/set", None, expect(303, 302, **STAFF)),
    ("GET", "/admin/", None, expect(200, 302, **ADMIN)),
    ("GET", "/admin/brugere", None, expect(200, 302, **ADMIN)),
    ("GET", "/admin/brugere/ny", None, expect(200, 302, **ADMIN)),
    ("GET", "/admin/interesser", None, expect(200, 302, **ADMIN)),
    ("GET", "/admin/interesser/{term}", None, expect(200, 302, **ADMIN)),
    ("GET", "/admin/data", None, expect(200, 302, **ADMIN)),
    ("GET", "/admin/eksport/hsds.json", None, expect(200, 302, **ADMIN)),
    ("GET", "/admin/eksport/mentorer.csv", None, expect(200, 302, **ADMIN)),
    ("POST", "/admin/brugere/ny", None, expect(400, 302, **ADMIN)),
    ("POST", "/admin/import/hsds", None, expect(400, 302, **ADMIN)),  # no file: nothing imported
    ("POST", "/admin/import/mentorer", None, expect(400, 302, **ADMIN)),
    ("POST", "/admin/interesser/{term}/kobl", None, expect(400, 302, **ADMIN)),
    ("POST", "/admin/interesser/999999/kobl", None, expect(404, 302, **ADMIN)),
    ("POST", "/forening/{own_org}/oplysninger", None, expect(400, 302, contact_person=403)),
    ("POST", "/forening/{other_org}/oplysninger", None, expect(400, 302, contact_person=403, club_rep=403)),
    ("POST", "/tilbud/{own}/status", None, expect(400, 302, contact_person=403)),
    ("POST", "/tilbud/{other}/status", None, expect(400, 302, contact_person=403, club_rep=403)),
    ("GET", "/admin/brugere/{club_user}", None, expect(200, 302, **ADMIN)),
    ("GET", "/admin/brugere/999999", None, expect(404, 302, **ADMIN)),
    ("POST", "/admin/brugere/999999", None, expect(404, 302, **ADMIN)),
    ("GET", "/admin/brugere/{club_user}/adgangskode", None, expect(200, 302, **ADMIN)),
    ("POST", "/admin/brugere/{club_user}/adgangskode", None, expect(400, 302, **ADMIN)),
    ("GET", "/admin/brugere/999999/adgangskode", None, expect(404, 302, **ADMIN)),
    ("POST", "/admin/brugere/999999/totrin", None, expect(404, 302, **ADMIN)),
    ("POST", "/admin/brugere/999999/aktiv", None, expect(404, 302, **ADMIN)),
    ("GET", "/admin/revisionslog", None, expect(200, 302, **ADMIN)),
    ("GET", "/admin/revisionslog?child={other_child}&action=view", None, expect(200, 302, **ADMIN)),
    ("GET", "/admin/revisionslog?from=igaar", None, expect(400, 302, **ADMIN)),
    ("GET", "/admin/revisionslog.csv", None, expect(200, 302, **ADMIN)),
    ("GET", "/konto", None, expect(200, 302)),
    ("POST", "/konto/adgangskode", None, expect(400, 302)),  # wrong current password
    ("GET", "/login/engangskode", None, expect(302, 302)),  # nothing pending: back to the password
    ("GET", "/login/opsaet-engangskode", None, expect(302, 302)),
    ("GET", "/api/v1/me", None, expect(200, 401)),
    ("GET", "/api/v1/offers", None, expect(200, 401)),
    ("GET", "/api/v1/offers?limit=0", None, expect(400, 401)),
    ("GET", "/api/v1/offers/{own}", None, expect(200, 401)),
    ("GET", "/api/v1/offers/999999", None, expect(404, 401)),
    ("PATCH", "/api/v1/offers/{own}", {"spots_free": 2}, expect(200, 401, contact_person=403)),
    ("PATCH", "/api/v1/offers/{other}", {"spots_free": 2}, expect(200, 401, contact_person=403, club_rep=403)),
    ("PATCH", "/api/v1/offers/999999", {"spots_free": 2}, expect(404, 401, contact_person=403)),
    ("POST", "/api/v1/offers/{other}/confirm", None, expect(200, 401, contact_person=403, club_rep=403)),
    ("GET", "/api/v1/organisations/{own_org}", None, expect(200, 401)),
    ("GET", "/api/v1/organisations/999999", None, expect(404, 401)),
    ("GET", "/api/v1/mentors", None, expect(200, 401, club_rep=403)),
    ("GET", "/api/v1/openapi.json", None, expect(200, 200)),
    ("POST", "/api/v1/match", {}, expect(400, 401, club_rep=403)),
    # Children, referrals and participation: own child, another worker's child, guessed ids.
    ("GET", "/boern", None, expect(200, 302, **NO_CLUB)),
    ("GET", "/boern/ny", None, expect(200, 302, **NO_CLUB)),
    ("POST", "/boern/ny", None, expect(400, 302, **NO_CLUB)),
    ("GET", "/boern/{child}", None, expect(200, 302, **NO_CLUB)),
    ("GET", "/boern/{other_child}", None, expect(200, 302, **NOT_MINE)),
    ("GET", "/boern/999999", None, expect(404, 302, **NO_CLUB)),
    ("POST", "/boern/{child}/fase", None, expect(400, 302, **NO_CLUB)),
    ("POST", "/boern/{other_child}/fase", None, expect(400, 302, **NOT_MINE)),
    ("POST", "/boern/{other_child}/fase/afslut", None, expect(400, 302, **NOT_MINE)),
    ("POST", "/boern/{other_child}/netvaerk", None, expect(400, 302, **NOT_MINE)),
    ("GET", "/match", None, expect(200, 302, **NO_CLUB)),
    ("GET", "/match?age=abc", None, expect(400, 302, **NO_CLUB)),
    ("GET", "/boern/{child}/match", None, expect(200, 302, **NO_CLUB)),
    ("GET", "/boern/{other_child}/match?kind=mentor", None, expect(200, 302, **NOT_MINE)),
    ("POST", "/boern/{other_child}/henvisninger", None, expect(400, 302, **NOT_MINE)),
    ("GET", "/boern/{child}/deltagelse", None, expect(200, 302, **NO_CLUB)),
    ("GET", "/boern/{other_child}/deltagelse", None, expect(200, 302, **NOT_MINE)),
    ("POST", "/boern/{child}/deltagelse", None, expect(400, 302, **NO_CLUB)),
    ("POST", "/boern/{other_child}/deltagelse", None, expect(400, 302, **NOT_MINE)),
    ("GET", "/deltagelse/{entry}/ret", None, expect(200, 302, **NO_CLUB)),
    ("GET", "/deltagelse/{other_entry}/ret", None, expect(200, 302, **NOT_MINE)),
    ("GET", "/deltagelse/999999/ret", None, expect(404, 302, **NO_CLUB)),
    ("GET", "/henvisning/{ref}", None, expect(200, 302, **NO_CLUB)),
    ("GET", "/henvisning/{other_ref}", None, expect(200, 302, **NOT_MINE)),
    ("GET", "/henvisning/999999", None, expect(404, 302, **NO_CLUB)),
    ("POST", "/henvisning/{other_ref}/status", None, expect(400, 302, **NOT_MINE)),
    ("POST", "/henvisning/{other_ref}/del", None, expect(400, 302, **NOT_MINE)),
    ("GET", "/indikatorer", None, expect(200, 302, **STAFF)),
    ("GET", "/indikatorer?period=2026Q3&district=valby", None, expect(200, 302, **STAFF)),
    ("GET", "/indikatorer?period=2026Q9", None, expect(400, 302, **STAFF)),
    ("GET", "/indikatorer.csv?period=2026Q3", None, expect(200, 302, **STAFF)),
    ("GET", "/advarsler", None, expect(200, 302, **STAFF)),
    ("GET", "/api/v1/children", None, expect(200, 401, **NO_CLUB)),
    ("POST", "/api/v1/children", {}, expect(400, 401, **NO_CLUB)),
    ("GET", "/api/v1/children/{child}", None, expect(200, 401, **NO_CLUB)),
    ("GET", "/api/v1/children/{other_child}", None, expect(200, 401, **NOT_MINE)),
    ("GET", "/api/v1/children/999999", None, expect(404, 401, **NO_CLUB)),
    ("POST", "/api/v1/children/{child}/referrals", {"offer_id": 999999}, expect(404, 401, **NO_CLUB)),
    ("POST", "/api/v1/children/{other_child}/referrals", {"offer_id": 999999}, expect(404, 401, **NOT_MINE)),
    ("PATCH", "/api/v1/referrals/{other_ref}", {"status": "ended"}, expect(400, 401, **NOT_MINE)),
    ("PATCH", "/api/v1/referrals/999999", {"status": "ended"}, expect(404, 401, **NO_CLUB)),
    ("POST", "/api/v1/children/{child}/participation", {"referral_id": "{other_ref}", "attended": True},
     expect(404, 401, **NO_CLUB)),
    ("POST", "/api/v1/children/{other_child}/participation", {"referral_id": "{other_ref}", "attended": True,
                                                              "date": "2999-01-01"}, expect(400, 401, **NOT_MINE)),
    ("GET", "/api/v1/warnings", None, expect(200, 401, **NO_CLUB)),
    ("GET", "/api/v1/indicators?period=2026Q3", None, expect(200, 401, **STAFF)),
    ("GET", "/api/v1/indicators?period=last-year", None, expect(400, 401, **STAFF)),
    ("GET", "/api/hsds/services", None, expect(200, 200)),
    # The public HSDS API: the same answer for everyone, with or without a session or token.
    ("POST", "/api/hsds/services", None, expect(200, 200)),
    ("GET", "/api/hsds/", None, expect(200, 200)),
    ("GET", "/api/hsds/profile", None, expect(200, 200)),
    ("GET", "/api/hsds/openapi.json", None, expect(200, 200)),
    ("GET", "/api/hsds/schema/compiled/service.json", None, expect(200, 200)),
    ("GET", "/api/hsds/services/c1404959-d3aa-5da2-a02e-03e34d695e1c", None, expect(200, 200)),
    ("GET", "/api/hsds/services/999999", None, expect(404, 404)),
    ("GET", "/api/hsds/organizations?full=true", None, expect(200, 200)),
    ("GET", "/api/hsds/organizations/412cf209-21e4-597d-bf75-0cad7a07263b", None, expect(200, 200)),
    ("GET", "/api/hsds/taxonomies", None, expect(200, 200)),
    ("GET", "/api/hsds/taxonomies/unknown", None, expect(404, 404)),
    ("GET", "/api/hsds/taxonomy_terms?top_only=true", None, expect(200, 200)),
    ("GET", "/api/hsds/taxonomy_terms/unknown", None, expect(404, 404)),
    ("GET", "/api/hsds/service_at_locations?postcode=2500&proximity=2000", None, expect(200, 200)),
    ("GET", "/api/hsds/service_at_locations/unknown", None, expect(404, 404)),
    # The referral loop (issue 12): the club's side, waiting lists, the handout, the outbox, the listing link.
    ("GET", "/min-forening/henvisning/{ref}", None, expect(403, 302, club_rep=200)),
    ("GET", "/min-forening/henvisning/{other_ref}", None, expect(403, 302, club_rep=404)),
    ("GET", "/min-forening/henvisning/999999", None, expect(403, 302, club_rep=404)),
    ("POST", "/min-forening/henvisning/{ref}/svar", None, expect(403, 302, club_rep=400)),
    ("POST", "/min-forening/henvisning/{other_ref}/svar", None, expect(403, 302, club_rep=404)),
    ("POST", "/min-forening/henvisning/{ref}/fremmoede", None, expect(403, 302, club_rep=400)),
    ("POST", "/min-forening/henvisning/{other_ref}/fremmoede", None, expect(403, 302, club_rep=404)),
    ("GET", "/bekraeft-tilbud/forkert-link", None, expect(410, 410)),
    ("POST", "/bekraeft-tilbud/forkert-link", None, expect(410, 410)),
    ("POST", "/henvisning/{ref}/venteliste", None, expect(303, 302, **NO_CLUB)),
    ("POST", "/henvisning/{other_ref}/venteliste", None, expect(303, 302, **NOT_MINE)),
    ("GET", "/tilbud/{own}/til-familien", None, expect(200, 302)),
    ("GET", "/tilbud/999999/til-familien", None, expect(404, 302)),
    ("GET", "/henvisning/{ref}/til-familien", None, expect(200, 302, **NO_CLUB)),
    ("GET", "/henvisning/{other_ref}/til-familien", None, expect(200, 302, **NOT_MINE)),
    ("GET", "/admin/post", None, expect(200, 302, **ADMIN)),
    ("GET", "/admin/post/999999", None, expect(404, 302, **ADMIN)),
    ("POST", "/admin/post/999999/send-igen", None, expect(404, 302, **ADMIN)),
    ("GET", "/api/v1/club/referrals", None, expect(403, 401, club_rep=200)),
    ("POST", "/api/v1/club/referrals/{ref}/answer", {}, expect(403, 401, club_rep=400)),
    ("POST", "/api/v1/club/referrals/{other_ref}/answer", {"answer": "no_room"}, expect(403, 401, club_rep=404)),
    ("POST", "/api/v1/club/referrals/{ref}/attendance", {}, expect(403, 401, club_rep=400)),
    ("POST", "/api/v1/club/referrals/999999/attendance", {"attended": True}, expect(403, 401, club_rep=404)),
    ("GET", "/api/v1/children/{child}/participation", None, expect(200, 401, **NO_CLUB)),
    ("GET", "/api/v1/children/{other_child}/participation", None, expect(200, 401, **NOT_MINE)),
    ("POST", "/api/v1/referrals/{ref}/share", {}, expect(400, 401, **NO_CLUB)),
    ("POST", "/api/v1/referrals/{other_ref}/share", {}, expect(400, 401, **NOT_MINE)),
]
# Ids beyond the INTEGER range match no route: 404 for everyone, never a 500 (every id route: below).
BEYOND_RANGE = [
    ("GET", "/boern/99999999999999999999", None, expect(404, 404)),
    ("GET", "/tilbud/9223372036854775808", None, expect(404, 404)),
    ("POST", "/admin/brugere/2147483648/aktiv", None, expect(404, 404)),
    ("GET", "/api/v1/children/99999999999999999999", None, expect(404, 404)),
]
HUGE_IDS = (str(2**31), str(2**63), "9" * 20, "9" * 5000, "١٢")

CASES = [pytest.param(method, path, body, role, statuses[role], id=f"{role}-{method}-{path}")
         for method, path, body, statuses in MATRIX + BEYOND_RANGE for role in (*ALL, ANON)]


@pytest.fixture(scope="module")
def matrix(tmp_path_factory, web_template):
    """Return one app for the whole matrix (its requests are repeatable), with ids and a token per role."""
    path = tmp_path_factory.mktemp("matrix") / "web.db"
    shutil.copyfile(web_template, path)
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "SECRET_KEY": "test"})
    with app.extensions["matcher.sessions"]() as s:
        own, other = (s.scalars(select(Offer).where(Offer.external_id == e)).one() for e in (OWN_OFFER, OTHER_OFFER))
        names = {"own": own.id, "other": other.id, "other_org": other.organisation_id,
                 "own_org": s.scalars(select(Organisation.id).where(Organisation.external_id == CLUB_ORG)).one(),
                 "term": s.scalars(select(InterestTerm.id).where(InterestTerm.code == "fodbold")).one(),
                 "club_user": s.scalars(select(User.id).where(User.email == "club_rep@kk.dk")).one(),
                 **pathway_ids(s)}
        tokens = {role: issue_token(s, f"{role}@kk.dk") for role in ALL}
        s.commit()
    clients = {}
    for role in ALL:
        clients[role] = app.test_client()
        assert sign_in(app, clients[role], f"{role}@kk.dk").status_code == 302
    clients[ANON] = app.test_client()
    yield app, names, tokens, clients
    app.extensions["matcher.engine"].dispose()


@pytest.mark.parametrize("method,path,body,role,status", CASES)
def test_access(matrix, method, path, body, role, status):
    app, names, tokens, clients = matrix
    url = path.format(**names)
    headers = {}
    if url.startswith("/api/") and role != ANON:
        headers["Authorization"] = f"Bearer {tokens[role]}"
        client = app.test_client()  # bearer only, no session cookie
    else:
        client = clients[role]
    if body:
        body = {k: int(v.format(**names)) if isinstance(v, str) and v.startswith("{") else v for k, v in body.items()}
    response = client.open(url, method=method, json=body, headers=headers)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    if status == 302:
        assert "/login" in response.headers["Location"]
    if url.startswith("/api/") and status >= 400:
        assert "message" in response.get_json()["error"]


# Endpoints outside the matrix, and why.
NOT_IN_MATRIX = {
    "static": "public files",
    "health.healthz": "public health check (tests/web/test_auth.py)",
    "auth.login": "the login form itself (tests/web/test_auth.py, test_two_factor.py)",
    "auth.logout": "ends the session the matrix reuses (tests/web/test_two_factor.py)",
}


def test_every_route_is_in_the_matrix(matrix):
    """A new route must get rows in the matrix (or a reason above) before it can land."""
    app, names, _tokens, _clients = matrix
    adapter = app.url_map.bind("localhost")
    covered = {adapter.match(path.format(**names).split("?")[0], method=method)[0] for method, path, _b, _s in MATRIX}
    missing = {rule.endpoint for rule in app.url_map.iter_rules()} - covered - set(NOT_IN_MATRIX)
    assert not missing, f"routes without access rows: {sorted(missing)}"


def id_routes(app):
    """Return (method, rule) for every route with an id in its path."""
    out = []
    for rule in app.url_map.iter_rules():
        if any(type(conv).__name__ == "IdConverter" for conv in rule._converters.values()):
            out.extend((method, rule) for method in sorted(rule.methods - {"HEAD", "OPTIONS"}))
    return out


def test_every_id_in_a_path_goes_through_the_id_converter(matrix):
    app = matrix[0]
    for rule in app.url_map.iter_rules():
        for name, conv in rule._converters.items():
            if name.endswith("_id"):
                assert type(conv).__name__ == "IdConverter", rule.rule
    html = {rule.rule for _, rule in id_routes(app) if not rule.rule.startswith("/api/")}
    assert len(html) >= 20 and "/boern/<int:child_id>" in html and "/tilbud/<int:offer_id>" in html


@pytest.mark.parametrize("role", (*ALL, ANON))
def test_ids_beyond_the_integer_range_are_404_on_every_route(matrix, role):
    app, _names, tokens, clients = matrix
    seen = 0
    for method, rule in id_routes(app):
        for huge in HUGE_IDS:
            url = rule.rule
            for name in rule.arguments:
                url = url.replace(f"<int:{name}>", huge)
            api = url.startswith("/api/")
            client = app.test_client() if api else clients[role]
            headers = {"Authorization": f"Bearer {tokens[role]}"} if api and role != ANON else {}
            response = client.open(url, method=method, headers=headers)
            assert response.status_code == 404, (method, url, response.status_code)
            if api:
                assert response.get_json()["error"]["field"] == "path"
            seen += 1
    assert seen >= 30 * len(HUGE_IDS)
