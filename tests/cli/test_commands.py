"""The command tree: every name and option stays as documented; feature modules register in one place."""

import click

from matcher.cli import cli

# Command path -> its options and arguments, as the README and the tests elsewhere use them.
EXPECTED = {
    "backup": ["PATH"],
    "children export": ["CODE", "--output", "--purpose"],
    "children erase": ["CODE", "--purpose"],
    "db upgrade": ["--revision"],
    "export hsds": ["PATH"],
    "export mentors": ["PATH"],
    "import hsds": ["PATH", "--lenient", "--workers"],
    "import hsds-feed": ["BASE_URL", "--since", "--dry-run", "--lenient"],
    "import interests": ["PATH"],
    "import mentors": ["PATH"],
    "import pathways": ["PATH"],
    "index build": ["--index-cache"],
    "match": ["--child", "--kind", "--limit"],
    "report": ["--period", "--format", "--district", "--output", "--today"],
    "restore": ["PATH"],
    "retention run": ["--years"],
    "seed": ["--if-empty"],
    "serve": ["--host", "--port", "--workers", "--timeout", "--index-cache"],
    "users create": ["--email", "--role", "--organisation", "--district", "--name"],
    "users reset-2fa": ["EMAIL"],
    "users rotate-totp-key": [],
    "users token": ["EMAIL"],
    "users totp-code": ["EMAIL"],
    "weights": [],
    "worker": ["--once", "--poll"],
}


def leaves(group, prefix=""):
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        if isinstance(command, click.Group):
            yield from leaves(command, path + " ")
        else:
            yield path, [p.opts[0] if isinstance(p, click.Option) else p.name.upper() for p in command.params]


def test_every_command_and_option_is_there():
    assert dict(leaves(cli)) == EXPECTED


def test_commands_live_in_the_cli_package():
    modules = {command.callback.__module__ for _, command in _commands(cli)}
    assert all(m.startswith("matcher.cli.") for m in modules), modules


def _commands(group):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command)
        else:
            yield name, command
