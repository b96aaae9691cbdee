"""SMTP settings from ``MATCHER_SMTP_URL`` and one connection per batch (STARTTLS where offered)."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime
from urllib.parse import unquote, urlsplit

from matcher.config import ConfigError
from matcher.db import utcnow

TIMEOUT = 30  # seconds per SMTP command


@dataclass(frozen=True)
class SmtpTarget:
    """Where and how to deliver: host, port, implicit TLS or not, optional login."""

    host: str
    port: int
    implicit_tls: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def parse(cls, url: str) -> "SmtpTarget | None":
        """Return the target of an ``smtp://`` or ``smtps://`` URL (None for an empty setting)."""
        if not url:
            return None
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ConfigError(f"MATCHER_SMTP_URL must look like smtp://host:port or smtps://user:pass@host:465, "
                              f"got {parts.scheme or url!r}")
        try:
            port = parts.port or (465 if parts.scheme == "smtps" else 25)
        except ValueError:
            raise ConfigError("MATCHER_SMTP_URL has an invalid port") from None
        return cls(host=parts.hostname, port=port, implicit_tls=parts.scheme == "smtps",
                   username=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password else None)

    def connect(self) -> smtplib.SMTP:
        """Open a connection, upgrade it with STARTTLS when the server offers it, and log in."""
        context = ssl.create_default_context()
        if self.implicit_tls:
            conn: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT, context=context)
        else:
            conn = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT)
        try:
            conn.ehlo()
            if not self.implicit_tls and conn.has_extn("starttls"):
                conn.starttls(context=context)
                conn.ehlo()
            if self.username:
                conn.login(self.username, self.password or "")
        except BaseException:
            conn.close()
            raise
        return conn


def build_message(*, message_id: str, sender: str, to: str, subject: str, body: str) -> bytes:
    """Return the mail as bytes with our fixed Message-ID, so every attempt sends the same message."""
    msg = EmailMessage(policy=SMTP_POLICY)
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(utcnow())
    msg["Message-ID"] = message_id
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(body)
    return msg.as_bytes()
