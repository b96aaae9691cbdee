"""Two-factor login (TOTP) for the roles that see children's data; passwords; ending sessions."""

from __future__ import annotations

import base64

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from matcher.accounts import totp
from matcher.accounts.models import User
from matcher.accounts.operations import check_password_policy
from matcher.accounts.totp_keys import DEVELOPMENT_KEY, unseal
from matcher.catalogue.errors import RecordError
from matcher.privacy.models import AuditEvent
from matcher.web.auth import MAX_FAILED_LOGINS
from tests.web.conftest import PASSWORD, TOTP_SECRET, sign_in

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


def test_codes_match_rfc_6238():
    # RFC 6238 appendix B (SHA-1), last six digits of the eight-digit codes.
    for seconds, code in ((59, "287082"), (1111111109, "081804"), (1234567890, "005924"), (2000000000, "279037")):
        assert totp.code_at(RFC_SECRET, totp.current_step(seconds)) == code


def test_a_code_is_accepted_once_and_only_near_now():
    now = 1_800_000_000
    step = totp.current_step(now)
    code = totp.code_at(RFC_SECRET, step)
    assert totp.verify(RFC_SECRET, code, now=now) == step
    assert totp.verify(RFC_SECRET, code[:3] + " " + code[3:], now=now) == step  # spaces as the app shows it
    assert totp.verify(RFC_SECRET, code, last_step=step, now=now) is None  # replay
    assert totp.verify(RFC_SECRET, totp.code_at(RFC_SECRET, step - 1), now=now) == step - 1  # clock drift
    assert totp.verify(RFC_SECRET, totp.code_at(RFC_SECRET, step - 2), now=now) is None
    assert totp.verify(RFC_SECRET, "12345", now=now) is None and totp.verify(RFC_SECRET, "abcdef", now=now) is None


def user(app, email: str) -> User:
    with app.extensions["matcher.sessions"]() as session:
        found = session.scalars(select(User).where(User.email == email)).one()
        session.expunge(found)
        return found


def actions(app, email: str) -> list[str]:
    with app.extensions["matcher.sessions"]() as session:
        return session.scalars(select(AuditEvent.action).where(AuditEvent.actor_email == email)
                               .order_by(AuditEvent.id)).all()


def logged_in(client) -> bool:
    """Return whether ``client``'s session is logged in (the account page answers)."""
    return client.get("/konto").status_code == 200


def current_code(secret: str = TOTP_SECRET) -> str:
    return totp.code_at(secret, totp.current_step())


@pytest.mark.parametrize("role", ["admin", "key_staff", "contact_person"])
def test_staff_need_the_code_after_the_password(app, client, role):
    r = client.post("/login", data={"email": f"{role}@kk.dk", "password": PASSWORD})
    assert r.status_code == 302 and r.headers["Location"] == "/login/engangskode"
    assert not logged_in(client)  # the password alone logs nobody in
    assert client.get("/soeg").status_code == 302
    assert "login" not in actions(app, f"{role}@kk.dk")
    assert client.post("/login/engangskode", data={"code": current_code()}).status_code == 302
    assert logged_in(client)
    assert actions(app, f"{role}@kk.dk") == ["login"]


def test_club_representatives_log_in_with_the_password(client):
    r = client.post("/login", data={"email": "club_rep@kk.dk", "password": PASSWORD})
    assert r.status_code == 302 and r.headers["Location"] == "/min-forening"
    assert logged_in(client)


def test_a_used_code_cannot_be_replayed(app, client):
    assert sign_in(app, client, "key_staff@kk.dk").status_code == 302
    client.post("/logout")
    client.post("/login", data={"email": "key_staff@kk.dk", "password": PASSWORD})
    used = totp.code_at(TOTP_SECRET, user(app, "key_staff@kk.dk").totp_last_step)
    r = client.post("/login/engangskode", data={"code": used})
    assert r.status_code == 401 and "allerede brugt" in r.get_data(as_text=True)
    assert not logged_in(client)


def locked(app, email: str, address: str = "127.0.0.1") -> bool:
    """Return whether ``email`` is locked out from ``address`` (the test client's)."""
    from matcher.accounts.lockout import is_locked

    with app.extensions["matcher.sessions"]() as session:
        return is_locked(session, session.scalars(select(User).where(User.email == email)).one(), address)


def test_wrong_codes_lock_the_account_like_wrong_passwords(app, client):
    client.post("/login", data={"email": "admin@kk.dk", "password": PASSWORD})
    wrong = "000000" if current_code() != "000000" else "111111"
    statuses = [client.post("/login/engangskode", data={"code": wrong}).status_code for _ in range(MAX_FAILED_LOGINS)]
    assert statuses[:-1] == [401] * (MAX_FAILED_LOGINS - 1)
    assert statuses[-1] == 302  # locked: back to the password form
    assert locked(app, "admin@kk.dk")
    assert sign_in(app, client, "admin@kk.dk").status_code == 401  # right password and code, still locked
    assert actions(app, "admin@kk.dk").count("login_failed") >= MAX_FAILED_LOGINS


def test_a_right_password_does_not_reset_the_count_of_wrong_codes(app, client):
    """Otherwise re-entering the password would give an attacker unlimited guesses at the code."""
    for _ in range(MAX_FAILED_LOGINS):
        client.post("/login", data={"email": "admin@kk.dk", "password": PASSWORD})
        client.post("/login/engangskode", data={"code": "999999" if current_code() != "999999" else "888888"})
    assert locked(app, "admin@kk.dk")


def test_the_code_step_expires_and_needs_a_fresh_password(client):
    client.post("/login", data={"email": "admin@kk.dk", "password": PASSWORD})
    with client.session_transaction() as s:
        s["pending_2fa"] = {**s["pending_2fa"], "at": s["pending_2fa"]["at"] - 301}
    r = client.post("/login/engangskode", data={"code": current_code()})
    assert r.status_code == 302 and r.headers["Location"] == "/login"
    assert client.get("/login/engangskode").headers["Location"] == "/login"  # nothing pending any more


def test_first_login_sets_up_the_authenticator_app(app, client):
    with app.extensions["matcher.engine"].begin() as conn:
        conn.execute(update(User).where(User.email == "contact_person@kk.dk")
                     .values(totp_secret=None, totp_confirmed_at=None))
    r = client.post("/login", data={"email": "contact_person@kk.dk", "password": PASSWORD})
    assert r.headers["Location"] == "/login/opsaet-engangskode"
    page = client.get("/login/opsaet-engangskode").get_data(as_text=True)
    sealed = user(app, "contact_person@kk.dk").totp_secret
    secret = unseal(sealed, (DEVELOPMENT_KEY,))  # stored sealed with MATCHER_TOTP_KEY, never in plain text
    assert secret and len(base64.b32decode(secret)) == 20 and secret not in sealed
    assert "<svg" in page and totp.grouped(secret) in page
    assert client.get("/login/opsaet-engangskode").status_code == 200
    assert user(app, "contact_person@kk.dk").totp_secret == sealed  # a reload keeps the scanned key
    assert client.get("/login/engangskode").headers["Location"] == "/login/opsaet-engangskode"
    assert client.post("/login/opsaet-engangskode", data={"code": "12"}).status_code == 401
    assert client.post("/login/opsaet-engangskode", data={"code": current_code(secret)}).status_code == 302
    assert logged_in(client)
    done = user(app, "contact_person@kk.dk")
    assert done.two_factor_ready and done.totp_last_step is not None
    assert actions(app, "contact_person@kk.dk")[-2:] == ["totp_enrolled", "login"]


def test_admin_resets_a_lost_authenticator(app, client, login):
    staff = app.test_client()
    assert sign_in(app, staff, "key_staff@kk.dk").status_code == 302
    login("admin")
    target = user(app, "key_staff@kk.dk")
    assert client.post(f"/admin/brugere/{target.id}/totrin").status_code == 303
    after = user(app, "key_staff@kk.dk")
    assert after.totp_secret is None and after.session_version == target.session_version + 1
    assert not logged_in(staff)  # the old session ended
    r = staff.post("/login", data={"email": "key_staff@kk.dk", "password": PASSWORD})
    assert r.headers["Location"] == "/login/opsaet-engangskode"
    assert "totp_reset" in actions(app, "admin@kk.dk")


def test_admin_gives_a_new_password(app, client, login):
    staff = app.test_client()
    assert sign_in(app, staff, "key_staff@kk.dk").status_code == 302
    login("admin")
    target = user(app, "key_staff@kk.dk")
    weak = client.post(f"/admin/brugere/{target.id}/adgangskode", data={"password": "kort"})
    assert weak.status_code == 400 and "mindst 12 tegn" in weak.get_data(as_text=True)
    assert client.post(f"/admin/brugere/{target.id}/adgangskode",
                       data={"password": "Helt-nyt-kodeord-7"}).status_code == 303
    assert not logged_in(staff)
    assert sign_in(app, staff, "key_staff@kk.dk").status_code == 401
    assert sign_in(app, staff, "key_staff@kk.dk", "Helt-nyt-kodeord-7").status_code == 302
    assert client.get("/admin/brugere/999999/adgangskode").status_code == 404


def test_changing_the_password_ends_the_other_sessions(app, client, login):
    login("key_staff")
    phone = app.test_client()
    assert sign_in(app, phone, "key_staff@kk.dk").status_code == 302
    form = {"current": PASSWORD, "new": "Et-helt-nyt-kodeord-9", "repeat": "Et-helt-nyt-kodeord-9"}
    for bad, field, message in (({"current": "forkert"}, "current", "forkert"),
                                ({"repeat": "noget-andet-her"}, "repeat", "ikke ens"),
                                ({"new": "kort1", "repeat": "kort1"}, "new", "mindst 12 tegn"),
                                ({"new": "Key_staff-2026!", "repeat": "Key_staff-2026!"}, "new", "e-mail")):
        r = client.post("/konto/adgangskode", data={**form, **bad})
        assert r.status_code == 400 and message in r.get_data(as_text=True), field
        assert f'id="{field}-fejl"' in r.get_data(as_text=True)
    assert client.post("/konto/adgangskode", data=form).status_code == 303
    assert client.get("/konto").status_code == 200  # this session goes on
    assert not logged_in(phone)  # the others end
    assert sign_in(app, phone, "key_staff@kk.dk", form["new"]).status_code == 302
    assert "password_changed" in actions(app, "key_staff@kk.dk")


def test_logout_ends_every_session_of_the_user(app, client, login):
    login("contact_person")
    other = app.test_client()
    assert sign_in(app, other, "contact_person@kk.dk").status_code == 302
    with client.session_transaction() as s:
        copied = dict(s)  # a cookie copied before logout
    client.post("/logout")
    assert not logged_in(other)
    thief = app.test_client()
    with thief.session_transaction() as s:
        s.update(copied)
    assert not logged_in(thief)


@pytest.mark.parametrize("password,message", [
    ("kort-1", "mindst 12 tegn"),
    ("x" * 129, "højst være 128 tegn"),
    ("Password1234", "for let at gætte"),
    ("abababababab", "for let at gætte"),
    ("mig-selv-hansen-2026", "e-mail"),
])
def test_password_policy(password, message):
    with pytest.raises(RecordError) as err:
        check_password_policy(password, email="hansen@kk.dk")
    assert message in err.value.message and err.value.field == "password"


def test_password_policy_accepts_a_passphrase():
    check_password_policy("hest batteri hæfteklamme korrekt", email="hansen@kk.dk")


def test_the_cli_prints_codes_only_in_development_and_resets_two_factor(app, monkeypatch):
    from matcher.cli import cli

    monkeypatch.setenv("MATCHER_DATABASE_URL", app.config["DATABASE_URL"])
    runner = CliRunner()
    monkeypatch.setenv("MATCHER_ENV", "production")
    monkeypatch.setenv("MATCHER_SECRET_KEY", "x" * 32)
    monkeypatch.setenv("MATCHER_TOTP_KEY", DEVELOPMENT_KEY)
    refused = runner.invoke(cli, ["users", "totp-code", "admin@kk.dk"])
    assert refused.exit_code != 0 and "only available with MATCHER_ENV=development" in refused.output
    monkeypatch.setenv("MATCHER_ENV", "development")
    shown = runner.invoke(cli, ["users", "totp-code", "admin@kk.dk"])
    assert shown.exit_code == 0 and shown.output.strip() in {totp.code_at(TOTP_SECRET, totp.current_step() + d)
                                                             for d in (-1, 0)}
    reset = runner.invoke(cli, ["users", "reset-2fa", "admin@kk.dk"])
    assert reset.exit_code == 0, reset.output
    assert user(app, "admin@kk.dk").totp_secret is None
    missing = runner.invoke(cli, ["users", "totp-code", "admin@kk.dk"])
    assert missing.exit_code != 0 and "no authenticator app" in missing.output
