"""``matcher import ...`` and ``matcher export ...``: catalogue and pathway files in and out."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

import click
from sqlalchemy.orm import Session

from matcher.catalogue.errors import ImportFailed
from matcher.catalogue.hsds_export import export_json
from matcher.catalogue.hsds_import import import_services, read_services
from matcher.catalogue.hsds_sync import FeedError, sync_feed
from matcher.catalogue.hsds_workers import default_workers
from matcher.catalogue.mentors_import import export_mentors as mentors_csv
from matcher.catalogue.mentors_import import import_mentors as mentors_from_csv
from matcher.catalogue.taxonomy import load_terms_file
from matcher.cli.context import Context, Progress, fail, report_summary, transactional
from matcher.pathways.pathways_import import import_pathways as pathways_from_csv

LENIENT = "Flag and skip coordinates outside Denmark and non-Danish postcodes instead of refusing."
INPUT_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group("import")
def import_() -> None:
    """Import catalogue data; each import is one transaction."""


@import_.command("hsds")
@click.argument("path", type=INPUT_FILE)
@click.option("--lenient", is_flag=True, help=LENIENT)
@click.option("--workers", type=click.IntRange(0, 64), default=None,
              help="Processes that decode and validate records while this one writes "
                   "(default: one per core on a machine with two or more; 0: none).")
@transactional
def import_hsds(ctx: Context, session: Session, path: Path, lenient: bool, workers: int | None) -> None:
    """Import HSDS 3.1 services (Danish profile) from PATH."""
    with path.open("rb") as fh:
        summary = import_services(session, read_services(fh), strict=not lenient, source=str(path),
                                  progress=Progress("services", every=10_000),
                                  workers=default_workers() if workers is None else workers)
    report_summary(summary)


def parse_since(since: str | None) -> dt.datetime | None:
    """Return ``--since`` as an aware datetime (UTC when no zone is given), or None."""
    if not since:
        return None
    try:
        when = dt.datetime.fromisoformat(since.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{since!r} is not a date (YYYY-MM-DD or ISO 8601)", param_hint="--since")
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


@import_.command("hsds-feed")
@click.argument("base_url")
@click.option("--since", default=None, metavar="DATE",
              help="Ask for changes since DATE (ISO 8601) instead of since the last successful sync.")
@click.option("--dry-run", is_flag=True, help="Fetch and validate, print what would change, store nothing.")
@click.option("--lenient", is_flag=True, help=LENIENT)
@transactional
def import_hsds_feed(ctx: Context, session: Session, base_url: str, since: str | None, dry_run: bool,
                     lenient: bool) -> None:
    """Follow another directory's HSDS API at BASE_URL: import what changed since the last sync."""
    when = parse_since(since)
    try:
        result = sync_feed(session, base_url, when, lenient=lenient)
    except FeedError as exc:
        fail(f"{exc.url}: {exc.message}; nothing was stored, the last sync mark was not moved")
    except ImportFailed as exc:
        fail(f"{exc}\nthe last sync mark was not moved")
    s = result.summary
    since_text = result.since.isoformat() if result.since else "the beginning"
    click.echo(f"{result.base_url}: {result.services} service(s) changed since {since_text} "
               f"({result.pages} page(s))", err=True)
    if dry_run:
        ctx.rollback_only()
        for note in s.notes[:50]:
            click.echo(f"would flag: {note}", err=True)
        click.echo(f"dry run, nothing stored: would create {s.created}, update {s.updated}, "
                   f"leave {s.unchanged} unchanged, flag {s.flagged}")
        return
    report_summary(s)
    click.echo(f"next sync asks for changes since {result.synced_until.isoformat()}", err=True)


def import_csv(session: Session, path: Path, runner: Callable, label: str) -> None:
    """Import the CSV file at ``path`` with ``runner`` (mentors or pathways) and print its summary."""
    summary = runner(session, path.read_bytes(), source=str(path), progress=Progress(label))
    report_summary(summary)


@import_.command("mentors")
@click.argument("path", type=INPUT_FILE)
@transactional
def import_mentors(ctx: Context, session: Session, path: Path) -> None:
    """Import volunteer mentors from a CSV file."""
    import_csv(session, path, mentors_from_csv, "mentors")


@import_.command("pathways")
@click.argument("path", type=INPUT_FILE)
@transactional
def import_pathways(ctx: Context, session: Session, path: Path) -> None:
    """Import running pathways (children, phases, referrals, participation) from a CSV file; docs/pathways-import.md."""
    import_csv(session, path, pathways_from_csv, "pathways")


@import_.command("interests")
@click.argument("path", type=INPUT_FILE)
@transactional
def import_interests(ctx: Context, session: Session, path: Path) -> None:
    """Import the interest taxonomy from a JSON file."""
    report_summary(load_terms_file(session, path))


@click.group("export")
def export() -> None:
    """Export catalogue data."""


@export.command("hsds")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@transactional
def export_hsds(ctx: Context, session: Session, path: Path) -> None:
    """Write every offer as HSDS 3.1 services to PATH ('-' for standard output)."""
    out = sys.stdout if str(path) == "-" else path.open("w", encoding="utf-8")
    try:
        total = export_json(session, out, Progress("services", every=10_000))
    finally:
        if out is not sys.stdout:
            out.close()
    click.echo(f"exported {total} services", err=True)


@export.command("mentors")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@transactional
def export_mentors(ctx: Context, session: Session, path: Path) -> None:
    """Write every mentor in the mentor CSV format to PATH."""
    path.write_text(mentors_csv(session), encoding="utf-8")
