"""``matcher backup`` and ``matcher restore``: a consistent copy of the whole database."""

from __future__ import annotations

from pathlib import Path

import click

from matcher.backup import backup, restore
from matcher.cli.context import Context, pass_ctx


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def backup_cmd(ctx: Context, path: Path) -> None:
    """Write a consistent backup of the database to PATH (SQLite online backup or pg_dump)."""
    backup(ctx.settings.database_url, path)
    click.echo(f"backup written to {path}")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_ctx
def restore_cmd(ctx: Context, path: Path) -> None:
    """Replace the database with the backup at PATH."""
    restore(ctx.settings.database_url, path)
    click.echo(f"database restored from {path}")
