"""``matcher db upgrade`` and ``matcher seed``: the schema and the demo data."""

from __future__ import annotations

import click
from sqlalchemy.orm import Session

from matcher.cli.context import Context, pass_ctx, transactional
from matcher.migrate import upgrade


@click.group()
def db() -> None:
    """Manage the database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@pass_ctx
def db_upgrade(ctx: Context, revision: str) -> None:
    """Apply migrations up to REVISION."""
    upgrade(ctx.settings.database_url, revision)
    click.echo(f"database at {revision}")


@click.command()
@click.option("--if-empty", is_flag=True, help="Do nothing when the catalogue already has offers.")
@transactional
def seed(ctx: Context, session: Session, if_empty: bool) -> None:
    """Load the demo data: districts, taxonomy, catalogue, mentors, users."""
    from matcher import seeding  # imported when run: the demo pathways pull in the ranking core

    if if_empty and seeding.is_seeded(session):
        click.echo("demo data already loaded")
    else:
        seeding.seed(session, seeds_dir=ctx.runtime.paths.seeds, log=click.echo)
    click.echo("demo logins (password: %s):" % seeding.DEMO_PASSWORD)
    for user in seeding.DEMO_USERS:
        click.echo(f"  {user.role:15} {user.email}")
    click.echo(f"staff roles also give a one-time code: add the key {seeding.DEMO_TOTP_SECRET} to an "
               "authenticator app, or run `.venv/bin/matcher users totp-code EMAIL`")
