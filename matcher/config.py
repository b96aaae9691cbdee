"""Settings, read once from the environment (and, for an app, its config) into one ``Settings``.

Every setting the product reads is listed here, with its default. ``create_app(test_config)``
takes any of them under its name without the ``MATCHER_`` prefix (``{"STALE_AFTER_DAYS": 3}``),
checked by the same rules. Nothing else reads the environment: code gets the settings from the
runtime (``matcher.runtime``).

==============================  ===============================================
``MATCHER_ENV``                 ``development`` (default), ``testing`` or
                                ``production``.
``MATCHER_DATABASE_URL``        SQLAlchemy URL. Default: SQLite file
                                ``instance/matcher.db`` in the project folder.
``MATCHER_SECRET_KEY``          Signs sessions and CSRF tokens. Required
                                outside development and testing.
``MATCHER_TOTP_KEY``            Fernet key(s) sealing the stored one-time-code
                                secrets, comma-separated, newest first (see
                                ``matcher.accounts.totp_keys``). Required in
                                production; development and testing use the
                                public ``DEVELOPMENT_KEY``.
``MATCHER_GEOCODER_URL``        Optional geopy Nominatim domain (self-hosted);
                                empty = the offline postcode geocoder.
``MATCHER_STALE_AFTER_DAYS``    A listing not confirmed for this many days is
                                shown as stale (default 180).
``MATCHER_LOG_LEVEL``           Log level (default ``INFO``).
``MATCHER_LOG_FORMAT``          ``json`` (one JSON object per line on stdout;
                                default in production) or ``text``.
``MATCHER_RATE_LIMIT_LOGIN``   Login and one-time-code attempts per IP address
                                per minute (30); 0 = no limit.
``MATCHER_RATE_LIMIT_API``     API requests per bearer token (or session, or IP
                                address) per minute (1200); 0 = no limit.
``MATCHER_TRUSTED_PROXIES``    How many reverse proxies in front of the app set
                                X-Forwarded-For/-Proto (0 = none, the default).
``MATCHER_MAP_TILES``           URL template of a map tile server for the
                                search and offer maps, e.g.
                                ``https://tile.openstreetmap.org/{z}/{x}/{y}.png``
                                (``{s}`` may be the first label of the host);
                                empty (default) = the offline district drawing.
``MATCHER_MAP_ATTRIBUTION``     The tile server's required credit, shown on the
                                map (HTML links allowed), e.g.
                                ``© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>``.
``MATCHER_SMTP_URL``            Where the worker delivers mail: ``smtp://host:port``
                                (STARTTLS when offered) or ``smtps://user:pass@host:465``.
                                Empty (default): mail stays in the outbox.
``MATCHER_MAIL_FROM``           The sender of every mail
                                (default ``matcher@kk.dk``).
``MATCHER_BASE_URL``            The address users open, for links in mail
                                (default ``http://127.0.0.1:5000``).
``MATCHER_RETENTION_YEARS``     A child's data is erased this many years after
                                the last activity by ``matcher retention run`` (5).
``MATCHER_COMMUNITY_DAYS``      A child is "in a positive community" with an
                                attended session within this many days (30).
``MATCHER_WARN_NO_PARTICIPATION_DAYS``  Warn when an active referral has no
                                participation for this many days (14).
``MATCHER_WARN_MISSED_IN_ROW``  Warn after this many missed sessions (3).
``MATCHER_WARN_FRITIDSPAKKE_DAYS``  Warn when a Fritidspakke runs this long
                                without a bridge planned (183).
``MATCHER_WARN_CHILDCERT_DAYS`` Warn when a mentor's children's certificate
                                expires within this many days (30).
``MATCHER_WARN_SUGGESTED_DAYS`` Warn when a referral stays "suggested" this
                                long (14).
==============================  ===============================================

The pathway thresholds are grouped for the warnings and indicators by ``matcher.pathways.settings``.
"""

from __future__ import annotations

import os
import secrets
from urllib.parse import urlsplit
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RUNTIME_KEY = "matcher.runtime"  # the Session.info key of the runtime that opened a session (matcher.db)
DEFAULT_SQLITE = PROJECT_ROOT / "instance" / "matcher.db"


#: The pathway thresholds (whole days or counts, at least 1), read as ``MATCHER_<NAME>``.
PATHWAY_SETTINGS = ("community_days", "warn_no_participation_days", "warn_missed_in_row",
                    "warn_fritidspakke_days", "warn_childcert_days", "warn_suggested_days")


class ConfigError(RuntimeError):
    """A setting is missing or malformed."""


PREFIX = "MATCHER_"


def _int(env: dict[str, str], name: str, default: int, minimum: int | None = None) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {raw!r}")
    return value


def _env_value(key: str, value: object) -> str:
    """Return a config value as the environment would spell it (ints and key lists; no booleans)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, tuple, list)):
        raise ConfigError(f"{key} must be text or a whole number, got {value!r}")
    if isinstance(value, (tuple, list)):
        return ",".join(str(v) for v in value)
    return str(value)


#: The documented key of development and test databases (public: never for real data).
DEVELOPMENT_KEY = "bWF0Y2hlci1kZXZlbG9wbWVudC10b3RwLWtleS0wMDA="



def parse_keys(raw: str) -> tuple[str, ...]:
    """Return the Fernet keys of a ``MATCHER_TOTP_KEY`` value; raise ValueError naming a malformed one."""
    keys = tuple(part.strip() for part in raw.split(",") if part.strip())
    for i, key in enumerate(keys, 1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ValueError(f"key {i} is not a Fernet key (32 url-safe base64-encoded bytes; "
                             "make one with `python -c 'from cryptography.fernet import Fernet; "
                             "print(Fernet.generate_key().decode())'`)") from None
    if not keys:
        raise ValueError("no key given")
    return keys


def _totp_keys(env: dict[str, str], mode: str) -> tuple[str, ...]:
    raw = env.get("MATCHER_TOTP_KEY", "").strip()
    if not raw:
        if mode == "production":
            raise ConfigError("MATCHER_TOTP_KEY is required in production (it seals the one-time-code secrets)")
        return (DEVELOPMENT_KEY,)
    try:
        return parse_keys(raw)
    except ValueError as exc:
        raise ConfigError(f"MATCHER_TOTP_KEY: {exc}") from None


@dataclass(frozen=True)
class Settings:
    """The product's settings, resolved once from the environment."""

    env: str = "development"
    database_url: str = f"sqlite:///{DEFAULT_SQLITE}"
    secret_key: str = field(default="", repr=False)
    totp_keys: tuple[str, ...] = field(default=(), repr=False)
    geocoder_url: str = ""
    stale_after_days: int = 180
    log_level: str = "INFO"
    log_format: str = "text"
    retention_years: int = 5
    rate_limit_login: int = 30
    rate_limit_api: int = 1200
    trusted_proxies: int = 0
    map_tiles: str = ""
    map_attribution: str = ""
    smtp_url: str = field(default="", repr=False)
    mail_from: str = "matcher@kk.dk"
    base_url: str = "http://127.0.0.1:5000"
    community_days: int = 30
    warn_no_participation_days: int = 14
    warn_missed_in_row: int = 3
    warn_fritidspakke_days: int = 183
    warn_childcert_days: int = 30
    warn_suggested_days: int = 14

    @property
    def testing(self) -> bool:
        """Return whether the app runs under the test suite."""
        return self.env == "testing"

    @classmethod
    def names(cls) -> dict[str, str]:
        """Return the config key of every setting (its environment name without ``MATCHER_``), by field."""
        return {f.name: "TOTP_KEY" if f.name == "totp_keys" else f.name.upper() for f in fields(cls)}

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None,
                 overrides: Mapping[str, object] | None = None) -> "Settings":
        """Read the settings from ``environ`` (default: the process environment), then ``overrides``.

        ``overrides`` is an app config: the keys naming a setting (``STALE_AFTER_DAYS``) win over
        the environment and are checked by the same rules; other keys are ignored.
        """
        env = dict(os.environ if environ is None else environ)
        known = set(cls.names().values())
        for key, value in (overrides or {}).items():
            if key in known:
                env[PREFIX + key] = _env_value(key, value)
        mode = env.get("MATCHER_ENV", "development")
        if mode not in ("development", "testing", "production"):
            raise ConfigError(f"MATCHER_ENV must be development, testing or production, got {mode!r}")
        secret = env.get("MATCHER_SECRET_KEY", "")
        if not secret:
            if mode == "production":
                raise ConfigError("MATCHER_SECRET_KEY is required in production")
            secret = secrets.token_hex(32)
        return cls(
            totp_keys=_totp_keys(env, mode),
            env=mode,
            database_url=env.get("MATCHER_DATABASE_URL") or cls.database_url,
            secret_key=secret,
            geocoder_url=env.get("MATCHER_GEOCODER_URL", ""),
            stale_after_days=_int(env, "MATCHER_STALE_AFTER_DAYS", 180, minimum=1),
            log_level=env.get("MATCHER_LOG_LEVEL", "INFO").upper(),
            log_format=env.get("MATCHER_LOG_FORMAT") or ("json" if mode == "production" else "text"),
            retention_years=_int(env, "MATCHER_RETENTION_YEARS", 5),
            rate_limit_login=_int(env, "MATCHER_RATE_LIMIT_LOGIN", 30),
            rate_limit_api=_int(env, "MATCHER_RATE_LIMIT_API", 1200),
            trusted_proxies=_int(env, "MATCHER_TRUSTED_PROXIES", 0),
            map_tiles=tile_template(env.get("MATCHER_MAP_TILES", "")),
            map_attribution=env.get("MATCHER_MAP_ATTRIBUTION", "").strip(),
            smtp_url=env.get("MATCHER_SMTP_URL", "").strip(),
            mail_from=env.get("MATCHER_MAIL_FROM", "").strip() or cls.mail_from,
            base_url=(env.get("MATCHER_BASE_URL", "").strip() or cls.base_url).rstrip("/"),
            **{name: _int(env, PREFIX + name.upper(), getattr(cls, name), minimum=1) for name in PATHWAY_SETTINGS},
        )


def settings_of(session: Any) -> Settings:
    """Return the settings of the runtime that opened ``session``; a bare session (a script) reads the environment."""
    runtime = session.info.get(RUNTIME_KEY)
    return runtime.settings if runtime is not None else Settings.from_env()


def tile_template(raw: str) -> str:
    """Return a checked map tile URL template ({z}, {x}, {y}; https or http), or "" when none is set."""
    template = (raw or "").strip()
    if not template:
        return ""
    parts = urlsplit(template)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ConfigError(f"MATCHER_MAP_TILES must be an http(s) URL template, got {template!r}")
    if not all(k in template for k in ("{z}", "{x}", "{y}")):
        raise ConfigError("MATCHER_MAP_TILES must contain {z}, {x} and {y}")
    host = parts.netloc.replace("{s}.", "", 1) if parts.netloc.startswith("{s}.") else parts.netloc
    if "{" in host or "}" in host or "@" in host:
        raise ConfigError("MATCHER_MAP_TILES: only {s} as the first label of the host may be a placeholder")
    return template


def tile_origin(template: str) -> str:
    """Return the CSP source of the tile server (``https://*.host`` when the host starts with {s})."""
    parts = urlsplit(template)
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*', 1)}"
