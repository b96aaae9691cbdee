"""The ``matcher`` command: the product's command-line face, reusing the web's operations."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import click
from sqlalchemy.orm import Session

from matcher.backup import BackupError
from matcher.catalogue.errors import ImportFailed, RecordError
from matcher.config import ConfigError, Settings
from matcher.db import make_engine
from matcher.jsonio import JSONInputError, loads
from matcher.matching.profile import ProfileError
from matcher.runtime import Runtime


class Context:
    """The command's runtime (settings read once, clock, indexes) and a lazily created engine."""

    def __init__(self) -> None:
        self._runtime: Runtime | None = None
        self._factory = None

    @property
    def runtime(self) -> Runtime:
        """Return the command's runtime, built from the environment on first use."""
        if self._runtime is None:
            self._runtime = Runtime.from_env()
        return self._runtime

    @property
    def settings(self) -> Settings:
        """Return the command's settings."""
        return self.runtime.settings

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """Yield a session in one transaction: commit on success, roll back on any error."""
        if self._factory is None:
            engine = make_engine(self.settings.database_url)
            self._factory = self.runtime.sessions(engine)
            click.get_current_context().call_on_close(engine.dispose)
        session = self._factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


pass_ctx = click.make_pass_decorator(Context, ensure=True)


class Progress:
    """Prints ``label: n/total`` to stderr now and then, and a newline at the end."""

    def __init__(self, label: str, every: int = 500):
        self.label, self.every, self.last = label, every, 0

    def __call__(self, done: int, total: int | None) -> None:
        if done == total or done - self.last >= self.every:
            self.last = done
            shown = f"{done}/{total}" if total is not None else f"{done}"
            click.echo(f"\r{self.label}: {shown}", nl=done == total, err=True)


def main() -> None:
    """Run the CLI, turning refused input into a clear message and exit code 1 (2 is a usage error)."""
    try:
        cli(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (ImportFailed, RecordError, ConfigError, ProfileError, BackupError, JSONInputError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


@click.group()
def cli() -> None:
    """matcher: find each child a place in a positive community."""


@cli.group()
def db() -> None:
    """Manage the database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@pass_ctx
def db_upgrade(ctx: Context, revision: str) -> None:
    """Apply migrations up to REVISION."""
    from matcher.migrate import upgrade

    upgrade(ctx.settings.database_url, revision)
    click.echo(f"database at {revision}")


@cli.command()
@click.option("--if-empty", is_flag=True, help="Do nothing when the catalogue already has offers.")
@pass_ctx
def seed(ctx: Context, if_empty: bool) -> None:
    """Load the demo data: districts, taxonomy, catalogue, mentors, users."""
    from matcher import seeding

    with ctx.session() as session:
        if if_empty and seeding.is_seeded(session):
            click.echo("demo data already loaded")
        else:
            seeding.seed(session, seeds_dir=ctx.runtime.paths.seeds, log=click.echo)
    click.echo("demo logins (password: %s):" % seeding.DEMO_PASSWORD)
    for user in seeding.DEMO_USERS:
        click.echo(f"  {user.role:15} {user.email}")
    click.echo(f"staff roles also give a one-time code: add the key {seeding.DEMO_TOTP_SECRET} to an "
               "authenticator app, or run `.venv/bin/matcher users totp-code EMAIL`")


@cli.group("import")
def import_() -> None:
    """Import catalogue data; each import is one transaction."""


@import_.command("hsds")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lenient", is_flag=True,
              help="Flag and skip coordinates outside Denmark and non-Danish postcodes instead of refusing.")
@pass_ctx
def import_hsds(ctx: Context, path: Path, lenient: bool) -> None:
    """Import HSDS 3.1 services (Danish profile) from PATH."""
    from matcher.catalogue.hsds_import import import_services, read_services

    with ctx.session() as session, path.open("rb") as fh:
        summary = import_services(session, read_services(fh), strict=not lenient, source=str(path),
                                  progress=Progress("services", every=10_000))
    _report(summary)


@import_.command("hsds-feed")
@click.argument("base_url")
@click.option("--since", default=None, metavar="DATE",
              help="Ask for changes since DATE (ISO 8601) instead of since the last successful sync.")
@click.option("--dry-run", is_flag=True, help="Fetch and validate, print what would change, store nothing.")
@click.option("--lenient", is_flag=True,
              help="Flag and skip coordinates outside Denmark and non-Danish postcodes instead of refusing.")
@pass_ctx
def import_hsds_feed(ctx: Context, base_url: str, since: str | None, dry_run: bool, lenient: bool) -> None:
    """Follow another directory's HSDS API at BASE_URL: import what changed since the last sync."""
    from matcher.catalogue.errors import ImportFailed
    from matcher.catalogue.hsds_sync import FeedError, sync_feed

    when = None
    if since:
        try:
            when = dt.datetime.fromisoformat(since.replace("Z", "+00:00"))
        except ValueError:
            raise click.BadParameter(f"{since!r} is not a date (YYYY-MM-DD or ISO 8601)", param_hint="--since")
        when = when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)
    try:
        with ctx.session() as session:
            result = sync_feed(session, base_url, when, lenient=lenient)
            if dry_run:
                session.rollback()
    except FeedError as exc:
        click.echo(f"error: {exc.url}: {exc.message}; nothing was stored, the last sync mark was not moved",
                   err=True)
        sys.exit(1)
    except ImportFailed as exc:
        click.echo(f"error: {exc}\nthe last sync mark was not moved", err=True)
        sys.exit(1)
    s = result.summary
    since_text = result.since.isoformat() if result.since else "the beginning"
    click.echo(f"{result.base_url}: {result.services} service(s) changed since {since_text} "
               f"({result.pages} page(s))", err=True)
    if dry_run:
        for note in s.notes[:50]:
            click.echo(f"would flag: {note}", err=True)
        click.echo(f"dry run, nothing stored: would create {s.created}, update {s.updated}, "
                   f"leave {s.unchanged} unchanged, flag {s.flagged}")
        return
    _report(s)
    click.echo(f"next sync asks for changes since {result.synced_until.isoformat()}", err=True)


@import_.command("mentors")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_ctx
def import_mentors(ctx: Context, path: Path) -> None:
    """Import volunteer mentors from a CSV file."""
    from matcher.catalogue.mentors_import import import_mentors as run

    with ctx.session() as session:
        summary = run(session, path.read_bytes(), source=str(path), progress=Progress("mentors"))
    _report(summary)


@import_.command("pathways")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_ctx
def import_pathways(ctx: Context, path: Path) -> None:
    """Import running pathways (children, phases, referrals, participation) from a CSV file; docs/pathways-import.md."""
    from matcher.pathways.pathways_import import import_pathways as run

    with ctx.session() as session:
        summary = run(session, path.read_bytes(), source=str(path), progress=Progress("pathways"))
    _report(summary)


@import_.command("interests")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_ctx
def import_interests(ctx: Context, path: Path) -> None:
    """Import the interest taxonomy from a JSON file."""
    from matcher.catalogue.taxonomy import load_terms_file

    with ctx.session() as session:
        summary = load_terms_file(session, path)
    _report(summary)


def _report(summary) -> None:
    for note in summary.notes[:50]:
        click.echo(f"flagged: {note}", err=True)
    if len(summary.notes) > 50:
        click.echo(f"flagged: ... and {len(summary.notes) - 50} more", err=True)
    click.echo(str(summary))


@cli.group("export")
def export() -> None:
    """Export catalogue data."""


@export.command("hsds")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def export_hsds(ctx: Context, path: Path) -> None:
    """Write every offer as HSDS 3.1 services to PATH ('-' for standard output)."""
    from matcher.catalogue.hsds_export import export_json

    with ctx.session() as session:
        out = sys.stdout if str(path) == "-" else path.open("w", encoding="utf-8")
        try:
            total = export_json(session, out, Progress("services", every=10_000))
        finally:
            if out is not sys.stdout:
                out.close()
    click.echo(f"exported {total} services", err=True)


@export.command("mentors")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def export_mentors(ctx: Context, path: Path) -> None:
    """Write every mentor in the mentor CSV format to PATH."""
    from matcher.catalogue.mentors_import import export_mentors as run

    with ctx.session() as session:
        path.write_text(run(session), encoding="utf-8")


@cli.command()
@click.option("--child", "child_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSON file with the child profile (age, gender, interests, postcode or district, ...).")
@click.option("--kind", default="activity", show_default=True, type=click.Choice(["activity", "leisure-job", "mentor"]))
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@pass_ctx
def match(ctx: Context, child_path: Path, kind: str, limit: int) -> None:
    """Rank offers, leisure jobs or mentors for a child and print JSON with reasons."""
    try:
        child = loads(child_path.read_bytes())
    except JSONInputError as exc:
        raise ProfileError(exc.field or "child", f"{child_path}: {exc.message}"
                           + (f" (line {exc.line}, column {exc.column})" if exc.line is not None else "")) from None
    if isinstance(child, dict) and isinstance(child.get("child"), dict):
        child = child["child"]
    with ctx.session() as session:
        result = ctx.runtime.matching.match(session, child, kind=kind, limit=limit)
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))


@cli.command()
@pass_ctx
def weights(ctx: Context) -> None:
    """Show weights learned from referral outcomes next to the defaults, with cross-validated ROC-AUC."""
    from matcher.matching.ranker import DEFAULT_WEIGHTS
    from matcher.services.matching import propose_from_outcomes

    with ctx.session() as session:
        p = propose_from_outcomes(session)
    click.echo(json.dumps({
        "n_outcomes": p.n_samples, "default_weights": DEFAULT_WEIGHTS, "learned_weights": p.weights,
        "cv_auc_default": None if p.cv_auc_default != p.cv_auc_default else round(p.cv_auc_default, 4),
        "cv_auc_learned": None if p.cv_auc_learned != p.cv_auc_learned else round(p.cv_auc_learned, 4),
        "in_use": "learned" if p.use_learned else "default"}, indent=2))


@cli.group()
def children() -> None:
    """A child's rights: access and erasure."""


@children.command("export")
@click.argument("code")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--purpose", default="indsigtsanmodning", show_default=True)
@pass_ctx
def children_export(ctx: Context, code: str, output: Path | None, purpose: str) -> None:
    """Print everything held about the child CODE (code or id) as JSON, with every look-up."""
    from matcher.privacy.subject import export_child, find_child

    with ctx.session() as session:
        data = export_child(session, find_child(session, code), purpose=purpose)
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(text)


@children.command("erase")
@click.argument("code")
@click.option("--purpose", default="sletning efter anmodning", show_default=True)
@pass_ctx
def children_erase(ctx: Context, code: str, purpose: str) -> None:
    """Erase the personal data of child CODE; anonymous dated rows stay for the indicators."""
    from matcher.privacy.subject import erase, find_child

    with ctx.session() as session:
        child = erase(session, find_child(session, code), purpose=purpose)
        click.echo(f"erased child {child.id}")


@cli.group()
def retention() -> None:
    """Apply the retention rule."""


@retention.command("run")
@click.option("--years", type=click.IntRange(1, 100), default=None,
              help="Default: MATCHER_RETENTION_YEARS (5).")
@pass_ctx
def retention_run(ctx: Context, years: int | None) -> None:
    """Erase children whose last activity is older than the retention period; each erasure is logged.

    Also forgets rate-limit counters of windows that ended more than a day ago.
    """
    from matcher.accounts import lockout
    from matcher.accounts.ratelimit import purge
    from matcher.privacy.subject import run_retention

    years = years or ctx.settings.retention_years
    with ctx.session() as session:
        erased = run_retention(session, years)
        counters = purge(session)
        failures = lockout.purge(session)
    click.echo(f"retention ({years} years): erased {len(erased)} child(ren); "
               f"forgot {counters} old rate-limit counter(s) and {failures} old login failure count(s)")


@cli.group()
def users() -> None:
    """Manage user accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(["admin", "key_staff", "contact_person", "club_rep"]))
@click.option("--organisation", "organisation", default=None, help="Organisation id or external id (club_rep).")
@click.option("--district", "district", default=None,
              help="District id, slug or name (required for key_staff: the district they oversee).")
@click.option("--name", default="")
@pass_ctx
def users_create(ctx: Context, email: str, role: str, organisation: str | None, district: str | None,
                 name: str) -> None:
    """Create a user; the password is read from a prompt or standard input."""
    from matcher.accounts.operations import create_user, find_district

    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    with ctx.session() as session:
        district_id = find_district(session, district).id if district else None
        user = create_user(session, email, role, password, name=name, organisation=organisation,
                           district_id=district_id)
        click.echo(f"created user {user.id} {user.email} ({user.role.value})")


@users.command("token")
@click.argument("email")
@pass_ctx
def users_token(ctx: Context, email: str) -> None:
    """Print a new API bearer token for EMAIL (the previous one stops working)."""
    from matcher.accounts.operations import issue_token

    with ctx.session() as session:
        click.echo(issue_token(session, email))


@users.command("reset-2fa")
@click.argument("email")
@pass_ctx
def users_reset_two_factor(ctx: Context, email: str) -> None:
    """Forget EMAIL's authenticator app (lost phone); the next login sets up a new one."""
    from matcher.accounts.operations import find_user, reset_two_factor
    from matcher.privacy.audit import record

    with ctx.session() as session:
        user = find_user(session, email)
        reset_two_factor(user)
        record(session, None, "totp_reset", "user", user.id, purpose="matcher users reset-2fa")
        click.echo(f"two-factor login reset for {user.email}; every session ended")


@users.command("totp-code")
@click.argument("email")
@pass_ctx
def users_totp_code(ctx: Context, email: str) -> None:
    """Print EMAIL's current one-time code — development only, for trying the demo without a phone."""
    from matcher.accounts import totp, totp_keys
    from matcher.accounts.operations import find_user

    if ctx.settings.env != "development":
        raise click.ClickException("totp-code is only available with MATCHER_ENV=development")
    with ctx.session() as session:
        user = find_user(session, email)
        if not user.totp_secret:
            raise click.ClickException(f"user {user.email}: totp_secret: no authenticator app set up")
        try:
            secret = totp_keys.unseal(user.totp_secret, ctx.settings.totp_keys)
        except totp_keys.TotpKeyError as exc:
            raise click.ClickException(f"user {user.email}: totp_secret: {exc}") from None
        click.echo(totp.code_at(secret, totp.current_step()))


@users.command("rotate-totp-key")
@pass_ctx
def users_rotate_totp_key(ctx: Context) -> None:
    """Seal every stored one-time-code secret again with the first key of MATCHER_TOTP_KEY (key rotation)."""
    from matcher.accounts.operations import reseal_totp_secrets

    with ctx.session() as session:
        count = reseal_totp_secrets(session, ctx.settings.totp_keys)
        click.echo(f"re-sealed {count} one-time-code secret(s) with the first key of MATCHER_TOTP_KEY; "
                   "the older keys can now be removed")


@cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def backup_cmd(ctx: Context, path: Path) -> None:
    """Write a consistent backup of the database to PATH (SQLite online backup or pg_dump)."""
    from matcher.backup import backup

    backup(ctx.settings.database_url, path)
    click.echo(f"backup written to {path}")


@cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_ctx
def restore_cmd(ctx: Context, path: Path) -> None:
    """Replace the database with the backup at PATH."""
    from matcher.backup import restore

    restore(ctx.settings.database_url, path)
    click.echo(f"database restored from {path}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--timeout", default=180, show_default=True, type=int,
              help="Seconds a worker may spend on one request.")
@click.option("--index-cache", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Private folder (0700) for built search and match indexes: a restart reads them back, and "
                   "after a catalogue change one worker builds while the others wait for its file.")
@pass_ctx
def serve(ctx: Context, host: str, port: int, workers: int, timeout: int, index_cache: Path | None) -> None:
    """Serve the app under gunicorn; the search and match indexes are built once, before the workers start."""
    from matcher.web.serving import Server

    # The runtime refuses to start in production without a key; in development its one random key
    # is shared by every worker of this server, as the app is built once in the master (sessions end on restart).
    runtime = ctx.runtime

    access = ('{"time":"%(t)s","remote":"%(h)s","method":"%(m)s","path":"%(U)s","status":%(s)s,'
              '"bytes":"%(B)s","duration_us":%(D)s}')
    Server({"workers": workers, "bind": f"{host}:{port}", "timeout": timeout, "accesslog": "-",
            "access_log_format": access, "forwarded_allow_ips": "127.0.0.1"}, index_cache=index_cache,
           runtime=runtime).run()


@cli.group()
def index() -> None:
    """The search and match indexes (built in memory by every server; files only with --index-cache)."""


@index.command("build")
@click.option("--index-cache", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The folder `matcher serve --index-cache` reads.")
@pass_ctx
def index_build(ctx: Context, index_cache: Path) -> None:
    """Build the indexes of the current catalogue into the index cache (e.g. after a large import)."""
    ctx.runtime.use_index_store(index_cache)
    with ctx.session() as session:
        seconds = ctx.runtime.build_indexes(session, save=True)
    click.echo("built " + ", ".join(f"{name} index in {s:.1f} s" for name, s in seconds.items()) + f" into {index_cache}")


def _register_feature_commands() -> None:
    from matcher.mail.commands import worker
    from matcher.pathways.commands import report

    cli.add_command(report)
    cli.add_command(worker)


_register_feature_commands()
