"""The app served by werkzeug on a free port of 127.0.0.1 in a thread: for API, feed and browser tests."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import threading
from collections.abc import Callable, Iterator


def live_app(url: str, secret: str, **settings):
    """Return an app on database ``url`` for a live server; ``settings`` override fields of its Settings."""
    from matcher.runtime import runtime_of
    from matcher.web import create_app

    os.environ.setdefault("MATCHER_ENV", "testing")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": secret, "TESTING": True})
    if settings:
        runtime_of(app).settings = dataclasses.replace(runtime_of(app).settings, **settings)
    return app


def serve(app) -> tuple[str, Callable[[], None]]:
    """Serve ``app`` on a free port of 127.0.0.1 in a thread; return its base URL and a stop function.

    Port 0 lets the system pick the port, so parallel test workers never collide.
    """
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        thread.join(timeout=5)
        app.extensions["matcher.engine"].dispose()

    return f"http://127.0.0.1:{server.server_port}", stop


@contextlib.contextmanager
def serving(app) -> Iterator[str]:
    """Serve ``app`` for the length of the block; yield its base URL."""
    base, stop = serve(app)
    try:
        yield base
    finally:
        stop()
