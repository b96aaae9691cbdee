"""Keep one built index per database, rebuilt when the catalogue's revision moves, without making requests wait."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from .store import IndexStore

__all__ = ["Built", "IndexKeeper"]

T = TypeVar("T")
log = logging.getLogger(__name__)
#: Brings a held index up to date by the changed rows: ``update(revision_held, index)`` returns True
#: (every change applied exactly), False (applied, but the index waits for a rebuild to be exact),
#: None (cannot tell: rebuild), or ``(True | False, new_index)`` when the update made a new object.
Update = Callable[[Hashable, object], "bool | None | tuple[bool, object]"]


@dataclass(frozen=True)
class Built(Generic[T]):
    """An index and the catalogue revision it was built from."""

    revision: Hashable
    value: T
    seconds: float  # how long the build took
    finished: float  # time.monotonic() when it was built or loaded
    stale: bool = False  # updated by changed rows, but some changes wait for a rebuild


class IndexKeeper(Generic[T]):
    """Hold the latest index per key (a database); decide when to rebuild it and where.

    - No index yet: build it now, in the caller (one build per key at a time; others wait).
    - The revision changed and the last build was quick (``slow_seconds``, e.g. a small catalogue,
      tests): rebuild now, so every answer reflects the catalogue.
    - The revision changed and builds are slow (a national catalogue): answer from the index at
      hand and rebuild in a background thread, at most once per ``refresh_interval`` seconds and
      never more often than keeps the process busy rebuilding ``max_busy`` of the time (a
      20-second build waits 400 s after the last one), so a steady trickle of edits cannot keep
      every worker rebuilding.

    With a ``store`` (an :class:`IndexStore`), slow builds are written to a file per revision and
    read back by the other processes of the machine (and after a restart) instead of being built
    again; while one process builds, the others wait for its file.

    Revisions are compared for equality only, so a database restored to an older state is noticed.

    Parameters
    ----------
    name : str
        Names the background thread and log lines.
    slow_seconds : float, default 1.0
        A build that took longer is no longer repeated inside a request.
    refresh_interval : float, default 60.0
        Least time between the end of one slow build and the start of the next.
    max_busy : float, default 0.05
        Largest share of the time spent on background rebuilds.
    """

    def __init__(self, name: str, slow_seconds: float = 1.0, refresh_interval: float = 60.0,
                 max_busy: float = 0.05):
        self.name = name
        self.slow_seconds = slow_seconds
        self.refresh_interval = refresh_interval
        self.max_busy = max_busy
        self.store: IndexStore | None = None
        self._built: dict[str, Built[T]] = {}
        self._locks: dict[str, threading.RLock] = {}
        self._refreshing: set[str] = set()
        self._state = threading.Lock()
        self.builds = 0  # indexes built (in a request or in the background), not read from the store
        self.updates = 0  # updates by changed rows

    def get(self, key: str, revision: Hashable, build_now: Callable[[], T],
            build_later: Callable[[], tuple[Hashable, T]], update: Update | None = None) -> T:
        """Return the index of ``key`` for ``revision``, or the one at hand while a slow rebuild runs.

        ``build_now`` builds in the caller's transaction (its revision is ``revision``);
        ``build_later`` runs in a thread with a transaction of its own and returns the revision
        it read first, and the index. ``update(revision_held, index)`` brings a held index up to
        ``revision`` by the changed rows (see ``Update``): True when every change was applied
        exactly, False when the index waits for a rebuild to be exact, None when it cannot tell
        (then rebuild); a new index object comes back as ``(applied, index)``.
        """
        built = self._built.get(key)
        if built is not None and built.revision == revision:
            if built.stale and built.seconds > self.slow_seconds:
                self._refresh_later(key, revision, build_later)
            return built.value
        if built is not None and update is not None:
            built = self._update(key, revision, built, update)
            if built.revision == revision and not built.stale:
                return built.value
        if built is not None and built.seconds > self.slow_seconds:
            self._refresh_later(key, revision, build_later)
            return built.value
        with self._lock(key):
            built = self._built.get(key)
            if built is not None and built.revision == revision and not built.stale:
                return built.value
            stored = self.store.load(key, revision) if self.store else None
            if stored is not None:
                self.put(key, revision, *stored)
                return stored[0]
            latest = self.store.load_latest(key) if self.store and update is not None and built is None else None
            if latest is not None:  # an older revision's file, brought up to date by the changed rows
                held = Built(latest[0], latest[1], latest[2], time.monotonic())
                held = self._update(key, revision, held, update, hold=True)
                if held.revision == revision and (not held.stale or held.seconds > self.slow_seconds):
                    if held.stale:
                        self._refresh_later(key, revision, build_later)
                    return held.value
            started = time.monotonic()
            value = build_now()
            seconds = time.monotonic() - started
            self.builds += 1
            self._save(key, revision, value, seconds)
            self.put(key, revision, value, seconds)
            return value

    def put(self, key: str, revision: Hashable, value: T, seconds: float, stale: bool = False) -> None:
        """Hold ``value`` as the index of ``key`` at ``revision`` (the latest put wins)."""
        with self._state:
            self._built[key] = Built(revision, value, seconds, time.monotonic(), stale)

    def _update(self, key: str, revision: Hashable, built: Built[T], update: Update, hold: bool = False) -> Built[T]:
        """Apply the changes since ``built`` to its index in place; return what is held afterwards."""
        with self._lock(key):
            current = self._built.get(key)
            if not hold and current is not None and current is not built:
                if current.revision == revision:
                    return current  # another thread updated it meanwhile
                built = current
            started = time.monotonic()
            try:
                applied = update(built.revision, built.value)
            except Exception:  # noqa: BLE001 - a failed update leaves the index as it was; a rebuild follows
                log.exception("%s: update by changed rows failed", self.name)
                applied = None
            value = built.value
            if isinstance(applied, tuple):
                applied, value = applied
            if applied is None:
                return built
            after = Built(revision, value, built.seconds, built.finished, built.stale or not applied)
            with self._state:
                self._built[key] = after
                self.updates += 1
            log.info("%s: updated to revision %s by changed rows in %.3f s%s", self.name, revision,
                     time.monotonic() - started, "" if applied else " (some changes wait for a rebuild)")
            return after

    def peek(self, key: str) -> Built[T] | None:
        """Return what is held for ``key`` without building anything."""
        return self._built.get(key)

    def clear(self) -> None:
        """Forget every index held in memory (tests, or after restoring a backup)."""
        with self._state:
            self._built.clear()

    def interval(self, seconds: float) -> float:
        """Return the least time between slow rebuilds that took ``seconds`` each."""
        return max(self.refresh_interval, seconds / self.max_busy if self.max_busy > 0 else 0.0)

    def _save(self, key: str, revision: Hashable, value: T, seconds: float) -> None:
        if self.store is None or seconds <= self.slow_seconds:
            return  # a quick build is cheaper than reading a file
        try:
            self.store.save(key, revision, value, seconds)
        except OSError:
            log.warning("%s: could not write the index file", self.name, exc_info=True)

    def _lock(self, key: str) -> threading.RLock:
        with self._state:
            return self._locks.setdefault(key, threading.RLock())

    def _refresh_later(self, key: str, revision: Hashable, build_later: Callable[[], tuple[Hashable, T]]) -> None:
        with self._state:
            built = self._built.get(key)
            if key in self._refreshing or (built is not None and
                                           time.monotonic() - built.finished < self.interval(built.seconds)):
                return
            if built is not None and built.revision == revision and not built.stale:
                return  # a refresh that finished meanwhile already holds this revision
            self._refreshing.add(key)
        threading.Thread(target=self._refresh, args=(key, revision, build_later), name=f"{self.name}-refresh",
                         daemon=True).start()

    def _refresh(self, key: str, revision: Hashable, build_later: Callable[[], tuple[Hashable, T]]) -> None:
        started = time.monotonic()
        try:
            stored = self.store.load(key, revision) if self.store else None
            if stored is None:
                with self.store.builder(key) if self.store else contextlib.nullcontext():
                    stored = self.store.load(key, revision) if self.store else None  # built while we waited
                    if stored is None:
                        revision, value = build_later()
                        stored = value, time.monotonic() - started
                        self.builds += 1
                        self._save(key, revision, *stored)
            self.put(key, revision, *stored)
            log.info("%s: ready for revision %s after %.1f s", self.name, revision, time.monotonic() - started)
        except Exception:  # noqa: BLE001 - a failed refresh keeps the index at hand; a later request retries
            log.exception("%s: background rebuild failed", self.name)
            with self._state:
                built = self._built.get(key)
                if built is not None:  # wait a full interval before trying again
                    self._built[key] = Built(built.revision, built.value, built.seconds, time.monotonic())
        finally:
            with self._state:
                self._refreshing.discard(key)
