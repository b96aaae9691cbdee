"""The schema comes only from migrations, and they agree with the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from matcher.migrate import downgrade, upgrade
from matcher.models import metadata


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
    from matcher.db import make_engine

    eng = make_engine(migrated_url)
    assert set(inspect(eng).get_table_names()) <= {"alembic_version"}
    upgrade(migrated_url)
    assert set(metadata.tables) <= set(inspect(eng).get_table_names())
    eng.dispose()
