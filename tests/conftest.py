"""Fixtures: real SQLite and PostgreSQL databases, migrated by Alembic, and the app."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest

from matcher.db import make_engine
from matcher.migrate import upgrade
from matcher.runtime import Runtime
from tests.fuzzing import FUZZING, PROFILE
from tests.pg import PostgresServer

os.environ.setdefault("MATCHER_ENV", "testing")
IN_CI = os.environ.get("CI", "").lower() == "true"
PG_TEMPLATE = "matcher_template"


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
def sqlite_template(tmp_path_factory) -> Path:
    """Migrate one SQLite database to head per test session; tests get a copy of the file."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template(pg_server) -> str:
    """Migrate one PostgreSQL database to head per test session; tests get ``CREATE DATABASE … TEMPLATE``."""
    url = pg_server.create_database(PG_TEMPLATE)
    upgrade(url)
    make_engine(url).dispose()
    return PG_TEMPLATE


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_kind(request) -> str:
    """Return the kind of database the test runs on: each test runs once on SQLite and once on PostgreSQL."""
    return request.param


@pytest.fixture
def database_url(database_kind, request, tmp_path):
    """Return the URL of an empty database of each kind."""
    if database_kind == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    server = request.getfixturevalue("pg_server")
    return server.create_database("t_" + uuid.uuid4().hex[:12])


@pytest.fixture
def migrated_url(database_kind, request, tmp_path):
    """Return the URL of a database migrated to head: a copy of the session's migrated template."""
    if database_kind == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    server = request.getfixturevalue("pg_server")
    return server.create_database("t_" + uuid.uuid4().hex[:12], template=request.getfixturevalue("pg_template"))


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


@pytest.fixture
def reference(session):
    """Load districts and the seeded interest taxonomy; commit."""
    from matcher.seeding import load_reference

    load_reference(session)
    session.commit()
    return session
