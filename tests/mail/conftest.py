"""Mail fixtures: a real SMTP server on loopback and a session factory on each database."""

from __future__ import annotations

import pytest

from matcher.models import make_session_factory
from tests.smtp import SmtpServer


@pytest.fixture
def smtp_server():
    """Return a running SMTP server on 127.0.0.1 (stopped after the test)."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def factory(engine):
    """Return a session factory on a migrated database (SQLite and PostgreSQL)."""
    return make_session_factory(engine)
