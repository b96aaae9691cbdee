"""Fixtures: real SQLite and PostgreSQL databases, migrated by Alembic, and the app."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from matcher.db import make_engine
from matcher.runtime import Runtime
from tests.databases import TemplateDatabases, register, template_for
from tests.fuzzing import FUZZING, PROFILE
from tests.pg import PostgresServer

os.environ.setdefault("MATCHER_ENV", "testing")
IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_report_header(config):
    """Say which hypothesis profile draws the examples."""
    return f"hypothesis profile: {PROFILE}"


def pytest_collection_modifyitems(config, items):
    """Under ``make fuzz`` keep only the property (hypothesis) tests."""
    if not FUZZING:
        return
    from hypothesis import is_hypothesis_test

    # The schemathesis test builds its @given inside the test, so it is named here.
    keep = [item for item in items if is_hypothesis_test(getattr(item, "obj", None))
            or getattr(item, "originalname", "") == "test_api_conforms_to_its_openapi_document"]
    config.hook.pytest_deselected(items=[item for item in items if item not in keep])
    items[:] = keep


@pytest.fixture(scope="session")
def pg_server():
    """Start PostgreSQL on loopback for the session; skip (fail in CI) when it is missing."""
    server = PostgresServer()
    if not server.available:
        message = "PostgreSQL server programs (initdb, pg_ctl) not found: install Debian's 'postgresql'"
        if IN_CI:
            pytest.fail(message + " (CI=true: PostgreSQL tests must run)")
        pytest.skip(message)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory) -> TemplateDatabases:
    """Return the session's SQLite template databases (see tests/databases.py), built on first use."""
    return TemplateDatabases("sqlite", tmp_path_factory.mktemp("sqlite-templates"))


@pytest.fixture(scope="session")
def pg_templates(pg_server) -> TemplateDatabases:
    """Return the session's PostgreSQL template databases (see tests/databases.py), built on first use."""
    return TemplateDatabases("postgresql", Path(pg_server.dir), pg_server)


@pytest.fixture(scope="session")
def sqlite_template(sqlite_templates) -> Path:
    """Return the path of a SQLite database migrated to head once per session (tests get copies)."""
    return Path(sqlite_templates.source("migrated"))


@pytest.fixture(scope="session")
def pg_template(pg_templates) -> str:
    """Return the name of a PostgreSQL database migrated to head once per session (``CREATE DATABASE … TEMPLATE``)."""
    return pg_templates.source("migrated")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_kind(request) -> str:
    """Return the kind of database the test runs on: each test runs once on SQLite and once on PostgreSQL."""
    return request.param


@pytest.fixture
def database_url(database_kind, request, tmp_path):
    """Return the URL of an empty database of each kind (dropped after the test)."""
    if database_kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    server = request.getfixturevalue("pg_server")
    name = "t_" + uuid.uuid4().hex[:12]
    yield server.create_database(name)
    server.drop_database(name)


@pytest.fixture
def migrated_url(database_kind, request, tmp_path):
    """Return the URL of a database migrated to head: a private copy of the session's template.

    The copy already holds what the test's data fixtures load (``reference``: districts and taxonomy; see
    ``tests/databases.py``), loaded once per session instead of once per test.
    """
    templates = request.getfixturevalue("sqlite_templates" if database_kind == "sqlite" else "pg_templates")
    url = templates.copy(template_for(request.fixturenames), tmp_path)
    yield url
    templates.drop(url)


@pytest.fixture
def engine(migrated_url):
    """Return an engine on a migrated database; disposed after the test."""
    eng = make_engine(migrated_url)
    yield eng
    eng.dispose()


@pytest.fixture
def runtime():
    """Return a runtime of its own (testing settings, the system clock, empty index holders)."""
    return Runtime.from_env({"MATCHER_ENV": "testing"})


@pytest.fixture
def session(engine, runtime):
    """Return a session carrying the test's runtime; the test decides when to commit."""
    with runtime.sessions(engine)() as s:
        yield s


def load_reference_data(session: Session) -> None:
    """Load the districts and the seeded interest taxonomy (what ``reference`` holds)."""
    from matcher.seeding import load_reference

    load_reference(session)


register("reference", "migrated", load_reference_data)


@pytest.fixture
def reference(session):
    """Return the session on a database holding the districts and the seeded interest taxonomy, committed.

    The rows come from the session's ``reference`` template (tests/databases.py), copied for this test.
    """
    return session
