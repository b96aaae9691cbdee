"""Apply and inspect Alembic migrations; the only way the schema is made."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from matcher.resources import MIGRATIONS_DIR


def alembic_config(database_url: str) -> Config:
    """Return an Alembic configuration for ``database_url``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    cfg.attributes["database_url"] = database_url
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Migrate the database at ``database_url`` up to ``revision``."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    """Migrate the database at ``database_url`` down to ``revision``."""
    command.downgrade(alembic_config(database_url), revision)
