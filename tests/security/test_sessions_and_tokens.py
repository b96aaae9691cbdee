"""Review findings 3 and 6: the idle limit always holds for cookies, the API takes bearer tokens only,
and failed token look-ups are limited per address without a row per guessed token."""

from __future__ import annotations

import dataclasses
import secrets

from sqlalchemy import func, select

from matcher.accounts.models import RateLimitHit
from matcher.db import utcnow
from matcher.runtime import runtime_of


def _age_session(client, minutes: int) -> None:
    with client.session_transaction() as sess:
        sess["seen_at"] = utcnow().timestamp() - minutes * 60


def test_an_idle_cookie_session_ends_whatever_authorization_header_comes_along(login, client):
    login("admin")
    _age_session(client, 45)
    for header in ("x", "Bearer garbage", "Basic YTpi"):
        answer = client.get("/boern", headers={"Authorization": header})
        assert answer.status_code == 302 and "/login" in answer.headers["Location"], header
    assert client.get("/boern").status_code == 302  # and the session is gone for good


def test_the_api_refuses_a_browser_session(login, client, kids):
    login("contact_person")
    assert client.get("/boern").status_code == 200
    url = f"/api/v1/children/{kids.child}"
    for headers in ({}, {"Authorization": "Bearer garbage"}, {"Authorization": "x"}):
        answer = client.get(url, headers=headers)
        assert answer.status_code == 401, (headers, answer.get_data(as_text=True))
        assert "bearer" in answer.get_json()["error"]["message"]


def test_a_token_on_the_api_acts_as_its_own_user_even_with_someone_elses_cookie(login, client, token):
    login("admin")
    staff = token("club_rep")
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {staff}"}).get_json()
    assert me["email"] == "club_rep@kk.dk"


def test_a_bearer_token_does_not_open_the_pages(client, token):
    admin = token("admin")
    answer = client.get("/boern", headers={"Authorization": f"Bearer {admin}"})
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_guessed_tokens_are_limited_per_address_and_add_no_rows(app, client, token):
    runtime_of(app).settings = dataclasses.replace(runtime_of(app).settings, rate_limit_login=5)
    real = token("key_staff")
    answers = [client.get("/api/v1/me", headers={"Authorization": f"Bearer mt_{secrets.token_urlsafe(32)}"})
               for _ in range(50)]
    assert [a.status_code for a in answers[:6]] == [401] * 5 + [429]
    assert {a.status_code for a in answers[6:]} == {429}
    assert int(answers[-1].headers["Retry-After"]) >= 1
    # Past the limit even a right token is not looked up from that address: guesses cannot be told apart.
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {real}"}).status_code == 429
    other = client.get("/api/v1/me", headers={"Authorization": f"Bearer {real}"},
                       environ_base={"REMOTE_ADDR": "192.0.2.44"})
    assert other.status_code == 200
    with app.extensions["matcher.sessions"]() as session:
        buckets = session.scalars(select(RateLimitHit.bucket)).all()
        assert session.scalar(select(func.count()).select_from(RateLimitHit)) == len(buckets) <= 2
    assert sorted(b.split(":")[0] for b in buckets) == ["api-token-failed-ip", "api-user"]
