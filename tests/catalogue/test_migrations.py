"""The schema comes only from migrations, and they agree with the models."""

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
