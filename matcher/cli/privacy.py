"""``matcher children ...`` and ``matcher retention run``: a child's rights and the retention rule."""

from __future__ import annotations

import json
from pathlib import Path

import click
from sqlalchemy.orm import Session

from matcher.accounts import lockout
from matcher.accounts.ratelimit import purge
from matcher.cli.context import Context, transactional
from matcher.services.subject import erase, export_child, find_child, run_retention


@click.group()
def children() -> None:
    """A child's rights: access and erasure."""


@children.command("export")
@click.argument("code")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--purpose", default="indsigtsanmodning", show_default=True)
@transactional
def children_export(ctx: Context, session: Session, code: str, output: Path | None, purpose: str) -> None:
    """Print everything held about the child CODE (code or id) as JSON, with every look-up."""
    data = export_child(session, find_child(session, code), purpose=purpose)
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(text)


@children.command("erase")
@click.argument("code")
@click.option("--purpose", default="sletning efter anmodning", show_default=True)
@transactional
def children_erase(ctx: Context, session: Session, code: str, purpose: str) -> None:
    """Erase the personal data of child CODE; anonymous dated rows stay for the indicators."""
    child = erase(session, find_child(session, code), purpose=purpose)
    click.echo(f"erased child {child.id}")


@click.group()
def retention() -> None:
    """Apply the retention rule."""


@retention.command("run")
@click.option("--years", type=click.IntRange(1, 100), default=None,
              help="Default: MATCHER_RETENTION_YEARS (5).")
@transactional
def retention_run(ctx: Context, session: Session, years: int | None) -> None:
    """Erase children whose last activity is older than the retention period; each erasure is logged.

    Also forgets rate-limit counters of windows that ended more than a day ago.
    """
    years = years or ctx.settings.retention_years
    erased = run_retention(session, years)
    counters = purge(session)
    failures = lockout.purge(session)
    click.echo(f"retention ({years} years): erased {len(erased)} child(ren); "
               f"forgot {counters} old rate-limit counter(s) and {failures} old login failure count(s)")
