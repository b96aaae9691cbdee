"""The ``matcher`` command: the product's command-line face, reusing the features' operations.

One module per feature's commands; every command is registered here, in one place. A command that
touches the database runs in one transaction (``context.transactional``).
"""

from __future__ import annotations

import sys

import click

from matcher.backup import BackupError
from matcher.catalogue.errors import ImportFailed, RecordError
from matcher.cli import backup, db, matching, pathways, privacy, serving, transfers, users
from matcher.cli.context import Context
from matcher.config import ConfigError
from matcher.jsonio import JSONInputError
from matcher.matching.profile import ProfileError

__all__ = ["Context", "cli", "main"]

#: Refused input: printed as ``error: ...`` with exit code 1, nothing stored.
REFUSED = (ImportFailed, RecordError, ConfigError, ProfileError, BackupError, JSONInputError)


@click.group()
def cli() -> None:
    """matcher: find each child a place in a positive community."""


for command in (db.db, db.seed, transfers.import_, transfers.export, matching.match, matching.weights,
                privacy.children, privacy.retention, users.users, backup.backup_cmd, backup.restore_cmd,
                serving.serve, matching.index, pathways.report, serving.worker):
    cli.add_command(command)


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
    except REFUSED as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
