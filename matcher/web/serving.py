"""Serve the app under gunicorn: the indexes are built once in the master and shared by every worker it forks."""

from __future__ import annotations

import gc
import logging
import time
from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from matcher.runtime import Runtime, runtime_of

log = logging.getLogger(__name__)


def warm(app: Flask) -> None:
    """Build the search index and the match index for the app's database; only warn when the database fails."""
    from sqlalchemy.exc import DBAPIError

    session = app.extensions["matcher.sessions"]()
    started = time.monotonic()
    try:
        runtime_of(app).build_indexes(session)
        log.info("search and match indexes ready in %.1f s, before any worker starts", time.monotonic() - started)
    except DBAPIError as exc:  # unreachable or not migrated yet: the workers build them on first use instead
        log.warning("indexes not built before serving: %s", exc)
    finally:
        session.close()  # read only: closing ends the transaction
        app.extensions["matcher.engine"].dispose()  # no connection may be shared with the workers


class Server(BaseApplication):
    """gunicorn with the app loaded in the master (``preload_app``) and its indexes warmed there.

    A worker forked later (more workers, or the replacement of a killed one) inherits the indexes
    copy-on-write instead of fitting them again. ``gc.freeze()`` keeps the collector from touching
    (and so copying) the inherited objects. If the catalogue moved since, a worker answers from
    the inherited index and rebuilds in the background (``IndexKeeper``).

    Parameters
    ----------
    options : dict
        gunicorn settings by name (``bind``, ``workers``, ``timeout``, ``accesslog``, ...).
    index_cache : str or Path, optional
        A private folder for built indexes (``Runtime.use_index_store``): a restart reads them back instead
        of building, and after a catalogue change one worker builds while the others wait for its file.
    runtime : Runtime, optional
        The app's runtime (settings, clock, index holders); built from the environment if None.
    """

    def __init__(self, options: dict[str, Any], index_cache: str | Path | None = None,
                 runtime: Runtime | None = None):
        self.options = options
        self.index_cache = index_cache
        self.runtime = runtime
        super().__init__()

    def load_config(self) -> None:
        """Apply the options, with the app preloaded and the forked workers given fresh connections."""
        for name, value in self.options.items():
            self.cfg.set(name, value)
        self.cfg.set("preload_app", True)
        self.cfg.set("post_fork", post_fork)

    def load(self) -> Flask:
        """Create the app and build its indexes (in the master, before it listens)."""
        from matcher.web import create_app

        app = create_app(runtime=self.runtime)
        if self.index_cache:
            runtime_of(app).use_index_store(self.index_cache)
        warm(app)
        gc.freeze()
        return app


def post_fork(server: Any, _worker: Any) -> None:
    """Forget any pooled connection inherited from the master (the worker opens its own)."""
    server.app.wsgi().extensions["matcher.engine"].dispose(close=False)
