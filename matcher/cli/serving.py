"""``matcher serve`` and ``matcher worker``: the long-running processes."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import click

from matcher.cli.context import Context, pass_ctx
from matcher.config import Settings
from matcher.db import make_engine
from matcher.mail.smtp import SmtpTarget
from matcher.models import make_session_factory
from matcher.worker import run_forever, run_once

ACCESS_LOG = ('{"time":"%(t)s","remote":"%(h)s","method":"%(m)s","path":"%(U)s","status":%(s)s,'
              '"bytes":"%(B)s","duration_us":%(D)s}')


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--timeout", default=180, show_default=True, type=int,
              help="Seconds a worker may spend on one request.")
@click.option("--index-cache", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Private folder (0700) for built search and match indexes: a restart reads them back, and "
                   "after a catalogue change one worker builds while the others wait for its file.")
def serve(host: str, port: int, workers: int, timeout: int, index_cache: Path | None) -> None:
    """Serve the app under gunicorn; the search and match indexes are built once, before the workers start."""
    from matcher.web.serving import Server  # imported when run: the other commands need no web app

    if not os.environ.get("MATCHER_SECRET_KEY"):
        Settings.from_env()  # refuses to start in production without a key
        # Development: one random key shared by every worker of this server (sessions end on restart).
        os.environ["MATCHER_SECRET_KEY"] = secrets.token_hex(32)
    Server({"workers": workers, "bind": f"{host}:{port}", "timeout": timeout, "accesslog": "-",
            "access_log_format": ACCESS_LOG, "forwarded_allow_ips": "127.0.0.1"}, index_cache=index_cache).run()


@click.command("worker")
@click.option("--once", is_flag=True, help="Send what is due, run due jobs, and exit (for cron and tests).")
@click.option("--poll", default=5.0, show_default=True, type=float, help="Seconds between passes.")
@pass_ctx
def worker(ctx: Context, once: bool, poll: float) -> None:
    """Send mail from the outbox over MATCHER_SMTP_URL and run the leased periodic jobs."""
    # Not one transaction: the worker commits every mail and every job on its own, one by one.
    settings = ctx.settings
    target = SmtpTarget.parse(settings.smtp_url)  # refuses a malformed URL before anything runs
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    try:
        if once:
            report, ran = run_once(factory, settings)
            where = f"{target.host}:{target.port}" if target else "no SMTP configured (MATCHER_SMTP_URL): kept in the outbox"
            click.echo(f"sent {report.sent}, retry later {report.retried}, failed {report.failed}, "
                       f"uncertain {report.uncertain}; jobs run: {', '.join(ran) or 'none'}; {where}")
        else:
            if target is None:
                click.echo("worker: no SMTP configured (MATCHER_SMTP_URL); mail stays in the outbox", err=True)
            run_forever(factory, settings, poll)
    finally:
        engine.dispose()
