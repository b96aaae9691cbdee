"""Time-based one-time passwords (RFC 6238, the codes of any authenticator app).

Six digits, SHA-1, 30-second steps — the parameters every authenticator app supports. A code is
accepted one step either side of now (clock drift) and only for a step later than the last one the
user logged in with, so an overheard code cannot be replayed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

DIGITS = 6
STEP_SECONDS = 30
DRIFT_STEPS = 1
ISSUER = "Matcher København"


def new_secret() -> str:
    """Return a fresh 160-bit secret in base32 (what authenticator apps take)."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def current_step(now: float | None = None) -> int:
    """Return the 30-second time step of ``now`` (default: the clock)."""
    return int((time.time() if now is None else now) // STEP_SECONDS)


def code_at(secret: str, step: int) -> str:
    """Return the code of ``secret`` for time step ``step`` (RFC 4226 dynamic truncation)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10 ** DIGITS).zfill(DIGITS)


def verify(secret: str, code: str, *, last_step: int | None = None, now: float | None = None) -> int | None:
    """Return the time step ``code`` belongs to, or None when it is wrong, stale or already used."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    step = current_step(now)
    for candidate in range(step - DRIFT_STEPS, step + DRIFT_STEPS + 1):
        if last_step is not None and candidate <= last_step:
            continue
        if hmac.compare_digest(code_at(secret, candidate), code):
            return candidate
    return None


def provisioning_uri(secret: str, account: str) -> str:
    """Return the ``otpauth://`` URI an authenticator app reads from the QR code."""
    label = quote(f"{ISSUER}:{account}")
    query = urlencode({"secret": secret, "issuer": ISSUER, "digits": DIGITS, "period": STEP_SECONDS},
                      quote_via=quote)
    return f"otpauth://totp/{label}?{query}"


def grouped(secret: str) -> str:
    """Return the secret in groups of four letters, for typing it in by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
