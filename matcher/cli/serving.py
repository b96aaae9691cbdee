"""``matcher serve`` and ``matcher worker``: the long-running processes."""

from __future__ import annotations

from pathlib import Path

import click

from matcher.cli.context import Context, pass_ctx
from matcher.db import make_engine
from matcher.mail.smtp import SmtpTarget
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
@pass_ctx
def serve(ctx: Context, host: str, port: int, workers: int, timeout: int, index_cache: Path | None) -> None:
    """Serve the app under gunicorn; the search and match indexes are built once, before the workers start."""
    from matcher.web.serving import Server  # imported when run: the other commands need no web app

    # The runtime refuses to start in production without a key; in development its one random key
    # is shared by every worker of this server, as the app is built once in the master (sessions end on restart).
    runtime = ctx.runtime
    Server({"workers": workers, "bind": f"{host}:{port}", "timeout": timeout, "accesslog": "-",
            "access_log_format": ACCESS_LOG, "forwarded_allow_ips": "127.0.0.1"}, index_cache=index_cache,
           runtime=runtime).run()


@click.command("worker")
@click.option("--once", is_flag=True, help="Send what is due, run due jobs, and exit (for cron and tests).")
@click.option("--poll", default=5.0, show_default=True, type=float, help="Seconds between passes.")
@pass_ctx
def worker(ctx: Context, once: bool, poll: float) -> None:
    """Send mail from the outbox over MATCHER_SMTP_URL and run the leased periodic jobs."""
    # Not one transaction: the worker commits every mail and every job on its own, one by one.
    runtime = ctx.runtime  # the worker's own
    settings = runtime.settings
    target = SmtpTarget.parse(settings.smtp_url)  # refuses a malformed URL before anything runs
    engine = make_engine(settings.database_url)
    factory = runtime.sessions(engine)
    try:
        if once:
            report, ran = run_once(factory, runtime)
            where = f"{target.host}:{target.port}" if target else "no SMTP configured (MATCHER_SMTP_URL): kept in the outbox"
            click.echo(f"sent {report.sent}, retry later {report.retried}, failed {report.failed}, "
                       f"uncertain {report.uncertain}; jobs run: {', '.join(ran) or 'none'}; {where}")
        else:
            if target is None:
                click.echo("worker: no SMTP configured (MATCHER_SMTP_URL); mail stays in the outbox", err=True)
            run_forever(factory, runtime, poll)
    finally:
        engine.dispose()
