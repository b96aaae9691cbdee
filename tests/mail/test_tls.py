"""STARTTLS where the server offers it, implicit TLS for smtps://, and a login from the URL — on real servers."""

from __future__ import annotations

import shutil
import ssl
import subprocess

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from matcher.config import ConfigError
from matcher.mail.operations import enqueue
from matcher.mail.sender import send_due
from matcher.mail.smtp import SmtpTarget
from tests.smtp import Handler, free_port


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """Return (cert, key) paths of a self-signed certificate for 127.0.0.1, made with the openssl program."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl program is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"klub" and auth_data.password == b"hemmelig kode"
    return AuthResult(success=ok)


def _send_one(factory, url: str, monkeypatch, cert) -> list:
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the test certificate (and only for this test)
    with factory.begin() as s:
        enqueue(s, "modtager@example.org", "Hej", "Tekst", kind="test")
    return [send_due(factory, SmtpTarget.parse(url), "matcher@kk.dk")]


def test_starttls_and_login(factory, certificate, monkeypatch):
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    handler, port = Handler(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                            authenticator=_authenticator, auth_required=True)
    controller.start()
    try:
        [report] = _send_one(factory, f"smtp://klub:hemmelig%20kode@127.0.0.1:{port}", monkeypatch, cert)
        assert report.sent == 1 and len(handler.received) == 1
        assert handler.received[0].message["Message-ID"]
    finally:
        controller.stop()


def test_implicit_tls(factory, certificate, monkeypatch):
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    handler, port = Handler(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, ssl_context=context)
    controller.start()
    try:
        [report] = _send_one(factory, f"smtps://127.0.0.1:{port}", monkeypatch, cert)
        assert report.sent == 1 and len(handler.received) == 1
    finally:
        controller.stop()


@pytest.mark.parametrize("url", ["http://127.0.0.1:25", "smtp://", "smtp://host:notaport"])
def test_malformed_url_is_refused_with_the_setting_named(url):
    with pytest.raises(ConfigError, match="MATCHER_SMTP_URL"):
        SmtpTarget.parse(url)
