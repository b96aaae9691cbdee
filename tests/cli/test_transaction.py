"""One transaction per command: the boundary commits, rolls back on refusal or error, and holds the only commit."""

import ast
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import InterestTerm
from matcher.cli.context import Context, fail, transactional

CLI_DIR = Path(__file__).resolve().parents[2] / "matcher" / "cli"


@click.command()
@click.option("--then", type=click.Choice(["return", "fail", "raise", "dry-run"]), required=True)
@transactional
def add_term(ctx: Context, session, then: str) -> None:
    """Add one interest term, then end as told."""
    session.add(InterestTerm(code="cli_probe", name="Probe", group="sport"))
    session.flush()
    if then == "fail":
        fail("interest cli_probe: refused")
    if then == "raise":
        raise RecordError("interest cli_probe", "name", "refused")
    if then == "dry-run":
        ctx.rollback_only()
    click.echo("added")


def run(url, then):
    ctx = Context()
    try:
        return CliRunner().invoke(add_term, ["--then", then], obj=ctx, env={"MATCHER_DATABASE_URL": url})
    finally:
        if ctx._factory is not None:
            ctx._factory.kw["bind"].dispose()


def probes(session):
    session.rollback()
    return session.scalar(select(func.count(InterestTerm.id)).where(InterestTerm.code == "cli_probe"))


@pytest.mark.parametrize("then,stored,exit_code", [
    ("return", 1, 0),     # the boundary commits when the body returns
    ("fail", 0, 1),       # `error: ...` and exit 1: nothing stored
    ("raise", 0, 1),      # a typed error: rolled back, main() prints it
    ("dry-run", 0, 0),    # asked to roll back: nothing stored, still a success
])
def test_command_body_runs_in_one_transaction(migrated_url, session, then, stored, exit_code):
    result = run(migrated_url, then)
    assert result.exit_code == exit_code, result.output
    assert probes(session) == stored
    if then == "fail":
        assert "error: interest cli_probe: refused" in result.output


def test_only_the_boundary_commits_or_rolls_back():
    calls = {}
    for path in sorted(CLI_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("commit", "rollback"):
                calls.setdefault(path.name, []).append(node.lineno)
    assert set(calls) == {"context.py"}, calls
