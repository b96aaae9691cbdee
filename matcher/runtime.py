"""The runtime: what one app, command or worker holds instead of module globals and environment reads.

``create_app`` builds one and keeps it in ``app.extensions["matcher.runtime"]``; the CLI context
and the worker build their own. It holds

- ``settings``: one ``Settings``, read once from the environment (and an app's test config),
- ``clock``: Copenhagen's date and time (``Clock.fixed(...)`` in tests),
- ``paths``: where the project's files are,
- ``search`` and ``matching``: the index holders (interest matcher and search index; fitted
  rankers), so two apps in one process keep independent indexes. They are created on first use:
  their modules bring in NumPy, SciPy and scikit-learn (about a second), which a command such as
  ``matcher users ...`` or ``matcher db upgrade`` never needs.

Sessions opened by ``runtime.sessions(engine)`` carry it: code handed such a session reaches the
runtime with ``runtime_of(session)``; web code uses ``runtime_of(current_app)``.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from matcher.clock import SYSTEM_CLOCK, Clock
from matcher.config import PROJECT_ROOT, Settings
from matcher.db import RUNTIME_KEY, session_runtime
from matcher.models import make_session_factory
from matcher.resources import SEEDS_DIR
from matcher.pathways.settings import IndicatorSettings, WarningSettings

if TYPE_CHECKING:
    from types import ModuleType

    from matcher.catalogue.search import SearchIndexes
    from matcher.services.matching import MatchService

#: The ``app.extensions`` key of an app's runtime.
EXTENSION = RUNTIME_KEY


@dataclass(frozen=True)
class Paths:
    """Where the project's files are: the checkout, its instance folder and the seed data."""

    root: Path = PROJECT_ROOT
    instance: Path = PROJECT_ROOT / "instance"
    seeds: Path = SEEDS_DIR


def _index_modules() -> tuple[ModuleType, ModuleType]:
    """Return ``matcher.catalogue.search`` and ``matcher.services.matching``, imported at first use.

    The package's one deferred import: both bring in the ranking core with NumPy, SciPy and
    scikit-learn (about a second), which a command such as ``matcher users ...`` never needs.
    """
    from matcher.catalogue import search
    from matcher.services import matching

    return search, matching


class Runtime:
    """Settings, clock, paths and index holders of one app, command or worker."""

    def __init__(self, settings: Settings, clock: Clock = SYSTEM_CLOCK, paths: Paths | None = None,
                 match_weights: dict[str, float] | None = None, learn: bool = True):
        self.settings = settings
        self.clock = clock
        self.paths = paths or Paths()
        self._match_options = {"weights": match_weights, "learn": learn}
        self._holders: tuple[SearchIndexes, MatchService] | None = None
        self._holders_lock = threading.Lock()
        self._index_store: Path | None = None

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

    def _index_holders(self) -> tuple[SearchIndexes, MatchService]:
        """Create the search and match index holders on first use (once, also under threads)."""
        if self._holders is None:
            with self._holders_lock:
                if self._holders is None:
                    search_module, matching_module = _index_modules()
                    search = search_module.SearchIndexes()
                    matching = matching_module.MatchService(today=self.today, **self._match_options)
                    if self._index_store is not None:
                        matching_module.use_index_store(self._index_store, search, matching)
                    self._holders = (search, matching)
        return self._holders

    @property
    def search(self) -> SearchIndexes:
        """Return the search index holder (interest matchers and search indexes), created on first use."""
        return self._index_holders()[0]

    @property
    def matching(self) -> MatchService:
        """Return the match service holding the fitted rankers, created on first use."""
        return self._index_holders()[1]

    def sessions(self, engine: Engine) -> sessionmaker[Session]:
        """Return a session factory on ``engine`` whose sessions carry this runtime."""
        return make_session_factory(engine, runtime=self)

    def clear_cache(self) -> None:
        """Forget this runtime's interest matcher, search index and fitted rankers (after a restore, tests)."""
        if self._holders is not None:
            self.search.clear()
            self.matching.clear()

    def use_index_store(self, folder: str | Path) -> None:
        """Keep slow-to-build search and match indexes as files in ``folder`` (see ``IndexStore``)."""
        with self._holders_lock:
            self._index_store = Path(folder)
            if self._holders is not None:
                _index_modules()[1].use_index_store(self._index_store, *self._holders)

    def build_indexes(self, session: Session, save: bool = False) -> dict[str, float]:
        """Build (or read from the index store) both indexes; return the seconds each took."""
        search, matching = self._index_holders()
        return _index_modules()[1].build_indexes(session, search, matching, save=save)


def runtime_of(owner: Any) -> Runtime:
    """Return the runtime of a Flask app (``app.extensions``) or of a session it opened."""
    if isinstance(owner, Session):
        return session_runtime(owner)
    return owner.extensions[EXTENSION]
