"""``matcher match``, ``matcher weights`` and ``matcher index build``: the ranking from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import click
from sqlalchemy.orm import Session

from matcher.catalogue.errors import Problem
from matcher.cli.context import Context, transactional
from matcher.jsonio import JSONInputError, loads
from matcher.matching.profile import ProfileError


def read_child(path: Path) -> object:
    """Return the child profile in the JSON file at ``path`` (bare, or under a ``child`` key)."""
    try:
        child = loads(path.read_bytes())
    except JSONInputError as exc:
        problem = Problem(f"json.{exc.problem}", exc.params)
        if exc.line is not None:
            problem = Problem("json.at", {"problem": problem, "line": exc.line, "column": exc.column})
        raise ProfileError(exc.field or "child", "profile.file", path=str(path), problem=problem) from None
    if isinstance(child, dict) and isinstance(child.get("child"), dict):
        child = child["child"]
    return child


@click.command()
@click.option("--child", "child_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSON file with the child profile (age, gender, interests, postcode or district, ...).")
@click.option("--kind", default="activity", show_default=True, type=click.Choice(["activity", "leisure-job", "mentor"]))
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@transactional
def match(ctx: Context, session: Session, child_path: Path, kind: str, limit: int) -> None:
    """Rank offers, leisure jobs or mentors for a child and print JSON with reasons."""
    child = read_child(child_path)
    result = ctx.runtime.matching.match(session, child, kind=kind, limit=limit)
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))


@click.command()
@transactional
def weights(ctx: Context, session: Session) -> None:
    """Show weights learned from referral outcomes next to the defaults, with cross-validated ROC-AUC."""
    from matcher.matching.ranker import DEFAULT_WEIGHTS  # imported when run: numpy and scikit-learn
    from matcher.services.matching import propose_from_outcomes

    p = propose_from_outcomes(session)
    click.echo(json.dumps({
        "n_outcomes": p.n_samples, "default_weights": DEFAULT_WEIGHTS, "learned_weights": p.weights,
        "cv_auc_default": None if p.cv_auc_default != p.cv_auc_default else round(p.cv_auc_default, 4),
        "cv_auc_learned": None if p.cv_auc_learned != p.cv_auc_learned else round(p.cv_auc_learned, 4),
        "in_use": "learned" if p.use_learned else "default"}, indent=2))


@click.group()
def index() -> None:
    """The search and match indexes (built in memory by every server; files only with --index-cache)."""


@index.command("build")
@click.option("--index-cache", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The folder `matcher serve --index-cache` reads.")
@transactional
def index_build(ctx: Context, session: Session, index_cache: Path) -> None:
    """Build the indexes of the current catalogue into the index cache (e.g. after a large import)."""
    ctx.runtime.use_index_store(index_cache)
    seconds = ctx.runtime.build_indexes(session, save=True)
    click.echo("built " + ", ".join(f"{name} index in {s:.1f} s" for name, s in seconds.items()) + f" into {index_cache}")
