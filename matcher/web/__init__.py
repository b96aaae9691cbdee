"""The web application: create_app and its registration steps."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask, current_app
from flask_wtf import CSRFProtect

from matcher.runtime import EXTENSION, Runtime

csrf = CSRFProtect()
SESSION_IDLE = dt.timedelta(minutes=30)
SESSION_ABSOLUTE = dt.timedelta(hours=12)


def create_app(test_config: dict[str, Any] | None = None, runtime: Runtime | None = None) -> Flask:
    """Create the Flask app from the environment, with ``test_config`` overrides.

    Builds the app's runtime (settings read once, with any setting of ``test_config`` named as in
    ``matcher.config`` without ``MATCHER_``, e.g. ``STALE_AFTER_DAYS``), unless one is given.
    """
    runtime = runtime or Runtime.from_env(overrides=test_config)
    settings = runtime.settings
    app = Flask(__name__, instance_relative_config=True)
    app.extensions[EXTENSION] = runtime
    app.config.from_mapping(
        SECRET_KEY=settings.secret_key,
        DATABASE_URL=settings.database_url,
        TESTING=settings.testing,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.env == "production",
        SESSION_COOKIE_NAME="matcher_session",
        PERMANENT_SESSION_LIFETIME=SESSION_ABSOLUTE,
        MAX_CONTENT_LENGTH=64 * 1024 * 1024,
    )
    if test_config:
        app.config.update(test_config)
    if settings.trusted_proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Client address and scheme from the proxy's X-Forwarded-For/-Proto: rate limits, the audit
        # log and HSTS need them. Trust only as many hops as there are proxies of our own.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies,
                                x_proto=settings.trusted_proxies)
    if not app.testing:
        from matcher import logging as matcher_logging

        matcher_logging.configure(settings.log_level, settings.log_format)
    register_input_rules(app)
    register_extensions(app)
    register_blueprints(app)
    return app


def current_runtime() -> Runtime:
    """Return the runtime of the app handling the current request or command."""
    return current_app.extensions[EXTENSION]


def register_input_rules(app: Flask) -> None:
    """Read ids in URLs and JSON bodies strictly (before any route is added)."""
    from matcher.web import strict

    strict.init_app(app)


def register_extensions(app: Flask) -> None:
    """Bind the database session to the request cycle."""
    from matcher.web import auth, database, errors, health, ratelimit, security

    database.init_app(app)
    errors.init_app(app)
    csrf.init_app(app)
    ratelimit.init_app(app)
    auth.init_app(app)
    security.init_app(app)
    health.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Register the feature blueprints."""
    from matcher.web import (
        account,
        admin,
        api,
        catalogue,
        changes,
        children,
        club,
        club_offers,  # noqa: F401  (adds the new-offer views to club's blueprint before it is registered)
        clubloop,
        followup,
        handout,
        matchpage,
        referrals,
        search,
        shortlists,
    )

    account.init_app(app)
    catalogue.init_app(app)
    search.init_app(app)
    club.init_app(app)
    clubloop.init_app(app)
    handout.init_app(app)
    changes.init_app(app)
    admin.init_app(app)
    children.init_app(app)
    referrals.init_app(app)
    matchpage.init_app(app)
    followup.init_app(app)
    shortlists.init_app(app)
    api.init_app(app)
