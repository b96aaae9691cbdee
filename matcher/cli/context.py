"""What every command shares: settings, the one transaction boundary, progress and summaries."""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from typing import Any, NoReturn

import click
from sqlalchemy.orm import Session

from matcher.config import Settings
from matcher.db import make_engine
from matcher.runtime import Runtime


class Context:
    """The command's runtime (settings read once, clock, indexes) and a lazily created engine."""

    def __init__(self) -> None:
        self._runtime: Runtime | None = None
        self._factory = None
        self._rollback_only = False

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

    def rollback_only(self) -> None:
        """Mark the running transaction to be rolled back when the command ends (a dry run)."""
        self._rollback_only = True

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """Yield a session in one transaction: commit on success, roll back on any error or a dry run."""
        if self._factory is None:
            engine = make_engine(self.settings.database_url)
            self._factory = self.runtime.sessions(engine)
            click.get_current_context().call_on_close(engine.dispose)
        session = self._factory()
        self._rollback_only = False
        try:
            yield session
            if self._rollback_only:
                session.rollback()
            else:
                session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


pass_ctx = click.make_pass_decorator(Context, ensure=True)


def transactional(command: Callable[..., Any]) -> Callable[..., Any]:
    """Run the command in one transaction, passing ``ctx`` and ``session`` first; the body never commits.

    The transaction commits when the body returns and rolls back when it raises or exits, so a refused
    input (``error: ...``, exit 1) stores nothing.
    """

    @pass_ctx
    @functools.wraps(command)
    def run(ctx: Context, *args: Any, **kwargs: Any) -> Any:
        with ctx.session() as session:
            return command(ctx, session, *args, **kwargs)

    return run


def fail(message: str) -> NoReturn:
    """Print ``error: MESSAGE`` and exit with code 1; the transaction rolls back."""
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


class Progress:
    """Prints ``label: n/total`` to stderr now and then, and a newline at the end."""

    def __init__(self, label: str, every: int = 500):
        self.label, self.every, self.last = label, every, 0

    def __call__(self, done: int, total: int | None) -> None:
        if done == total or done - self.last >= self.every:
            self.last = done
            shown = f"{done}/{total}" if total is not None else f"{done}"
            click.echo(f"\r{self.label}: {shown}", nl=done == total, err=True)


def report_summary(summary) -> None:
    """Print an import summary: up to 50 flagged records on stderr, the counts on stdout."""
    for note in summary.notes[:50]:
        click.echo(f"flagged: {note}", err=True)
    if len(summary.notes) > 50:
        click.echo(f"flagged: ... and {len(summary.notes) - 50} more", err=True)
    click.echo(str(summary))
