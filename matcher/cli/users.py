"""``matcher users ...``: accounts, API tokens and two-factor login."""

from __future__ import annotations

import sys

import click
from sqlalchemy.orm import Session

from matcher.accounts import totp, totp_keys
from matcher.accounts.operations import (
    create_user,
    find_district,
    find_user,
    issue_token,
    reseal_totp_secrets,
    reset_two_factor,
)
from matcher.cli.context import Context, transactional
from matcher.privacy.audit import record


@click.group()
def users() -> None:
    """Manage user accounts."""


def read_password() -> str:
    """Return the new password from a prompt (asked twice) or the first line of standard input."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\n")


@users.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(["admin", "key_staff", "contact_person", "club_rep"]))
@click.option("--organisation", "organisation", default=None, help="Organisation id or external id (club_rep).")
@click.option("--district", "district", default=None,
              help="District id, slug or name (required for key_staff: the district they oversee).")
@click.option("--name", default="")
@transactional
def users_create(ctx: Context, session: Session, email: str, role: str, organisation: str | None,
                 district: str | None, name: str) -> None:
    """Create a user; the password is read from a prompt or standard input."""
    password = read_password()
    district_id = find_district(session, district).id if district else None
    user = create_user(session, email, role, password, name=name, organisation=organisation,
                       district_id=district_id)
    click.echo(f"created user {user.id} {user.email} ({user.role.value})")


@users.command("token")
@click.argument("email")
@transactional
def users_token(ctx: Context, session: Session, email: str) -> None:
    """Print a new API bearer token for EMAIL (the previous one stops working)."""
    click.echo(issue_token(session, email))


@users.command("reset-2fa")
@click.argument("email")
@transactional
def users_reset_two_factor(ctx: Context, session: Session, email: str) -> None:
    """Forget EMAIL's authenticator app (lost phone); the next login sets up a new one."""
    user = find_user(session, email)
    reset_two_factor(user)
    record(session, None, "totp_reset", "user", user.id, purpose="matcher users reset-2fa")
    click.echo(f"two-factor login reset for {user.email}; every session ended")


@users.command("totp-code")
@click.argument("email")
@transactional
def users_totp_code(ctx: Context, session: Session, email: str) -> None:
    """Print EMAIL's current one-time code — development only, for trying the demo without a phone."""
    if ctx.settings.env != "development":
        raise click.ClickException("totp-code is only available with MATCHER_ENV=development")
    user = find_user(session, email)
    if not user.totp_secret:
        raise click.ClickException(f"user {user.email}: totp_secret: no authenticator app set up")
    try:
        secret = totp_keys.unseal(user.totp_secret, ctx.settings.totp_keys)
    except totp_keys.TotpKeyError as exc:
        raise click.ClickException(f"user {user.email}: totp_secret: {exc}") from None
    click.echo(totp.code_at(secret, totp.current_step()))


@users.command("rotate-totp-key")
@transactional
def users_rotate_totp_key(ctx: Context, session: Session) -> None:
    """Seal every stored one-time-code secret again with the first key of MATCHER_TOTP_KEY (key rotation)."""
    count = reseal_totp_secrets(session, ctx.settings.totp_keys)
    click.echo(f"re-sealed {count} one-time-code secret(s) with the first key of MATCHER_TOTP_KEY; "
               "the older keys can now be removed")
