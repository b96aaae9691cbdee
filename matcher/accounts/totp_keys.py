"""Encryption of the stored TOTP secrets with keys kept outside the database (``MATCHER_TOTP_KEY``).

The secrets are sealed with Fernet (AES-128-CBC + HMAC-SHA256, from the ``cryptography`` package);
``MATCHER_TOTP_KEY`` holds one or more Fernet keys separated by commas, the newest first. Every key
opens a secret, the first one seals new secrets, so a key is rotated by putting a new key first,
running ``matcher users rotate-totp-key`` (which re-seals every secret with it) and then dropping the
old key. A database copy or backup carries only ciphertext.

Development and tests use :data:`DEVELOPMENT_KEY`, which is public and must never be used in
production; production refuses to start without ``MATCHER_TOTP_KEY``.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from matcher.config import DEVELOPMENT_KEY, parse_keys  # noqa: F401  (they read the setting; used from here too)

class TotpKeyError(RuntimeError):
    """A stored secret cannot be opened with the configured keys."""


def _ring(keys: Sequence[str]) -> MultiFernet:
    return MultiFernet([Fernet(k) for k in keys])


def seal(secret: str, keys: Sequence[str]) -> str:
    """Return ``secret`` encrypted with the first of ``keys``."""
    return _ring(keys).encrypt(secret.encode("ascii")).decode("ascii")


def unseal(stored: str, keys: Sequence[str]) -> str:
    """Return the secret inside ``stored``; raise TotpKeyError when none of ``keys`` opens it."""
    try:
        return _ring(keys).decrypt(stored.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError) as exc:
        raise TotpKeyError("the stored one-time-code secret cannot be opened with MATCHER_TOTP_KEY") from exc


def reseal(stored: str, keys: Sequence[str]) -> str:
    """Return ``stored`` encrypted again with the first of ``keys`` (for key rotation)."""
    try:
        return _ring(keys).rotate(stored.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError) as exc:
        raise TotpKeyError("the stored one-time-code secret cannot be opened with MATCHER_TOTP_KEY") from exc
