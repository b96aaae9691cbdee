"""A backup restores every table exactly, on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import select, text

from matcher.backup import BackupError, backup, restore
from matcher.catalogue.models import Offer
from matcher.models import metadata


def snapshot(session):
    """Return every row of every table, in primary-key order."""
    out = {}
    for name, table in sorted(metadata.tables.items()):
        order = list(table.primary_key.columns) or list(table.columns)
        out[name] = [tuple(row) for row in session.execute(select(table).order_by(*order)).all()]
    return out


def test_backup_and_restore_compare_every_table(migrated_url, reference, tmp_path):
    from matcher.seeding import seed

    session = reference
    seed(session, log=lambda *a: None)
    session.commit()
    before = snapshot(session)
    assert sum(len(rows) for rows in before.values()) > 5000
    path = tmp_path / "backup.bin"
    session.close()
    backup(migrated_url, path)

    session.execute(text("DELETE FROM offer_interests"))
    session.query(Offer).filter(Offer.id <= 100).update({"title": "ændret"})
    session.commit()
    assert snapshot(session) != before
    session.close()

    restore(migrated_url, path)
    assert snapshot(session) == before


def test_restore_refuses_a_missing_file(migrated_url, tmp_path):
    with pytest.raises(BackupError, match="no backup"):
        restore(migrated_url, tmp_path / "nothing.bin")
