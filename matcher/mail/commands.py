"""The ``matcher worker`` command: send the outbox and run the periodic jobs."""

from __future__ import annotations

import click


@click.command("worker")
@click.option("--once", is_flag=True, help="Send what is due, run due jobs, and exit (for cron and tests).")
@click.option("--poll", default=5.0, show_default=True, type=float, help="Seconds between passes.")
def worker(once: bool, poll: float) -> None:
    """Send mail from the outbox over MATCHER_SMTP_URL and run the leased periodic jobs."""
    from matcher.cli import Context
    from matcher.db import make_engine
    from matcher.mail.smtp import SmtpTarget
    from matcher.worker import run_forever, run_once

    runtime = click.get_current_context().ensure_object(Context).runtime  # the worker's own
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
