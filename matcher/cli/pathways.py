"""``matcher report``: the bridge-building indicators for a period as CSV or HTML."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy.orm import Session

from matcher.cli.context import Context, transactional
from matcher.clock import local_today
from matcher.pathways.indicators import compute_indicators
from matcher.pathways.periods import Period
from matcher.pathways.report import to_csv
from matcher.pathways.report_html import to_html


@click.command("report")
@click.option("--period", required=True, help="2025, 2025H1 or 2025Q3.")
@click.option("--format", "fmt", type=click.Choice(["csv", "html"]), default="csv", show_default=True)
@click.option("--district", default=None, help="District name, slug or id (default: all of Copenhagen).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to PATH instead of standard output.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, hidden=True)
@transactional
def report(ctx: Context, session: Session, period: str, fmt: str, district: str | None, output: Path | None,
           today) -> None:
    """Write the indicators of PERIOD, with the period before as baseline; small counts suppressed."""
    result = compute_indicators(session, Period.parse(period), district=district,
                                today=today.date() if today else local_today())
    text = to_csv(result) if fmt == "csv" else to_html(result)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
