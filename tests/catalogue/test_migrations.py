"""The schema comes only from migrations, and they agree with the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from matcher.catalogue.hsds_import import import_services
from matcher.db import make_engine
from matcher.migrate import downgrade, upgrade
from matcher.models import metadata
from tests.catalogue.test_hsds_import import danish_example


def test_models_and_migrations_agree(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, metadata)
    assert diff == []


def test_every_model_table_is_created_by_migrations(engine):
    tables = set(inspect(engine).get_table_names())
    assert set(metadata.tables) <= tables


def test_downgrade_to_base_and_up_again(migrated_url):
    downgrade(migrated_url, "base")
    eng = make_engine(migrated_url)
    assert set(inspect(eng).get_table_names()) <= {"alembic_version"}
    upgrade(migrated_url)
    assert set(metadata.tables) <= set(inspect(eng).get_table_names())
    eng.dispose()


def test_a_migration_that_copies_a_table_keeps_the_rows_referring_to_it(migrated_url):
    # On SQLite, dropping columns copies the table and drops the old one; with foreign keys enforced,
    # the drop deleted every interest link and schedule of every offer (ON DELETE CASCADE).
    engine = make_engine(migrated_url)
    with Session(engine) as session:
        import_services(session, danish_example())
        session.commit()

    def counts() -> list[int]:
        with engine.connect() as conn:
            return [conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()  # nosec B608 - fixed names
                    for t in ("offers", "offer_interests", "offer_schedules")]

    before = counts()
    assert min(before) > 0
    downgrade(migrated_url, "0012")  # drops two columns of offers
    assert counts() == before
    upgrade(migrated_url)
    assert counts() == before
    engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("database_kind", ["postgresql"])  # TOAST compression is PostgreSQL's
def test_postgresql_compresses_imported_hsds_sources_with_lz4(migrated_url):
    engine = make_engine(migrated_url)
    services = danish_example()
    services[0]["description"] = "Et hold for børn og unge. " * 200  # a source long enough to be compressed
    with Session(engine) as session:
        import_services(session, services)
        session.commit()
    with engine.connect() as conn:
        methods = conn.execute(text("SELECT attrelid::regclass::text, attcompression FROM pg_attribute "
                                    "WHERE attname = 'hsds_source' AND attrelid IN "
                                    "('offers'::regclass, 'organisations'::regclass) ORDER BY 1")).all()
        stored = conn.execute(text("SELECT pg_column_compression(hsds_source) FROM offers "
                                   "WHERE external_id = :id"), {"id": services[0]["id"]}).scalar()
    engine.dispose()
    assert methods == [("offers", "l"), ("organisations", "l")]
    assert stored == "lz4"
