"""The runtime: what one app, command or worker holds instead of module globals and environment reads.

``create_app`` builds one and keeps it in ``app.extensions["matcher.runtime"]``; the CLI context
and the worker build their own. It holds

- ``settings``: one ``Settings``, read once from the environment (and an app's test config),
- ``clock``: Copenhagen's date and time (``Clock.fixed(...)`` in tests),
- ``paths``: where the project's files are,
- ``search`` and ``matching``: the index holders (interest matcher and search index; fitted
  rankers), so two apps in one process keep independent indexes.

Sessions opened by ``runtime.sessions(engine)`` carry it: code handed such a session reaches the
runtime with ``runtime_of(session)``; web code uses ``runtime_of(current_app)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from matcher.catalogue.search import SearchIndexes
from matcher.clock import SYSTEM_CLOCK, Clock
from matcher.config import PROJECT_ROOT, Settings
from matcher.db import RUNTIME_KEY, session_runtime
from matcher.models import make_session_factory
from matcher.resources import SEEDS_DIR
from matcher.pathways.settings import IndicatorSettings, WarningSettings
from matcher.services.matching import MatchService, build_indexes, use_index_store

#: The ``app.extensions`` key of an app's runtime.
EXTENSION = RUNTIME_KEY


@dataclass(frozen=True)
class Paths:
    """Where the project's files are: the checkout, its instance folder and the seed data."""

    root: Path = PROJECT_ROOT
    instance: Path = PROJECT_ROOT / "instance"
    seeds: Path = SEEDS_DIR


class Runtime:
    """Settings, clock, paths and index holders of one app, command or worker."""

    def __init__(self, settings: Settings, clock: Clock = SYSTEM_CLOCK, paths: Paths | None = None,
                 match_weights: dict[str, float] | None = None, learn: bool = True):
        self.settings = settings
        self.clock = clock
        self.paths = paths or Paths()
        self.search = SearchIndexes()
        self.matching = MatchService(weights=match_weights, learn=learn, today=self.today)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None,
                 clock: Clock = SYSTEM_CLOCK, **kwargs: Any) -> "Runtime":
        """Build a runtime whose settings are read once from ``environ`` and ``overrides`` (an app config)."""
        return cls(Settings.from_env(environ, overrides), clock=clock, **kwargs)

    def today(self) -> dt.date:
        """Return Copenhagen's date by this runtime's clock."""
        return self.clock.today()

    @property
    def warning_settings(self) -> WarningSettings:
        """Return the warning thresholds of these settings."""
        return WarningSettings.from_settings(self.settings)

    @property
    def indicator_settings(self) -> IndicatorSettings:
        """Return the indicator windows of these settings."""
        return IndicatorSettings.from_settings(self.settings)

    def sessions(self, engine: Engine) -> sessionmaker[Session]:
        """Return a session factory on ``engine`` whose sessions carry this runtime."""
        return make_session_factory(engine, runtime=self)

    def clear_cache(self) -> None:
        """Forget this runtime's interest matcher, search index and fitted rankers (after a restore, tests)."""
        self.search.clear()
        self.matching.clear()

    def use_index_store(self, folder: str | Path) -> None:
        """Keep slow-to-build search and match indexes as files in ``folder`` (see ``IndexStore``)."""
        use_index_store(folder, self.search, self.matching)

    def build_indexes(self, session: Session, save: bool = False) -> dict[str, float]:
        """Build (or read from the index store) both indexes; return the seconds each took."""
        return build_indexes(session, self.search, self.matching, save=save)


def runtime_of(owner: Any) -> Runtime:
    """Return the runtime of a Flask app (``app.extensions``) or of a session it opened."""
    if isinstance(owner, Session):
        return session_runtime(owner)
    return owner.extensions[EXTENSION]
