"""Concurrency of an HSDS import: records checked in worker processes, writes in a thread of their own.

``ordered_map`` runs a function over batches in worker processes, results in the batches' order,
memory bounded. ``Behind`` applies operations in a thread of its own, in order, so the
database's work (SQLite's and psycopg's C code release the interpreter lock; PostgreSQL works
in its own process) overlaps the reading side's.

An HSDS import spends three quarters of its time decoding and validating records, which needs
no database: ``ordered_map`` hands that to a pool of fresh interpreters (``spawn``: no database
connection of the importing process is carried across a fork) while the importing process cuts
the file into records and writes. At most ``ahead`` batches are in flight, so memory stays
bounded whatever the file's size. The pool starts only when a second batch comes, so a small
import never pays for it, and it is stopped whenever the caller stops early: an error, a refused
file, KeyboardInterrupt.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


class WorkerError(RuntimeError):
    """A worker process died (killed, out of memory); the caller's transaction rolls back."""


def default_workers() -> int:
    """One worker per core this process may run on, or none on a single core (where they only add hand-overs)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores if cores > 1 else 0


def _start_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the importing process stops us
    gc.set_threshold(100_000, 50, 100)  # as ``hsds_import`` does: millions of short-lived objects


def ordered_map(fn: Callable[[T], R], items: Iterable[T], workers: int, ahead: int | None = None,
                busy: Callable[[T], bool] = bool) -> Iterator[R]:
    """Yield ``fn(item)`` for each item, in order; with ``workers`` > 0 computed in that many processes.

    ``fn`` must be a module-level function and items and results plain values (they are pickled).
    Items for which ``busy`` is false (by default: empty ones) are computed here, never sent. The
    first busy item is computed here too; the pool starts with the second. ``ahead`` (default
    twice ``workers``) is how many items are read and sent before the first result is waited for.
    """
    ahead = ahead or 2 * max(workers, 1)
    pool: ProcessPoolExecutor | None = None
    pending: deque[tuple[T, Future | None]] = deque()
    seen_busy = False
    try:
        for item in items:
            send = workers > 0 and busy(item)
            if send and pool is None and seen_busy:
                pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                           initializer=_start_worker)
            seen_busy = seen_busy or send
            pending.append((item, _submit(pool, fn, item) if send and pool is not None else None))
            while len(pending) > ahead or (pending and pending[0][1] is None):
                yield _result(fn, *pending.popleft())
        while pending:
            yield _result(fn, *pending.popleft())
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _submit(pool: ProcessPoolExecutor, fn: Callable[[T], R], item: T) -> Future:
    try:
        return pool.submit(fn, item)
    except BrokenProcessPool as exc:
        raise WorkerError(f"a worker process stopped before it finished: {exc}") from None


def _result(fn: Callable[[T], R], item: T, future: Future | None) -> R:
    if future is None:
        return fn(item)
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise WorkerError(f"a worker process stopped before it finished: {exc}") from None


class Behind:
    """Applies items in a thread of its own, in the order they were added, a list at a time, at most ``depth`` behind.

    ``apply`` gets lists of at most ``batch`` items (fewer where ``add(..., now=True)`` ended a list).
    An error in ``apply`` is raised by the next ``add`` or by ``finish``; once it failed or was
    stopped, nothing more is applied. The caller must end it with ``finish`` (all applied) or
    ``stop`` (the rest dropped); both return only when the thread has ended, so whatever ``apply``
    uses (a database connection) is the caller's again.
    """

    def __init__(self, apply: Callable[[list[T]], None], batch: int, depth: int = 2):
        self.apply, self.batch = apply, batch
        self.items: list[T] = []
        self.queue: queue.Queue[list[T] | None] = queue.Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.stopped = False
        self.thread = threading.Thread(target=self._run, name="import-writer", daemon=True)
        self.thread.start()

    def add(self, item: T, now: bool = False) -> None:
        """Queue ``item``; with ``now``, hand the list over at once (a write, not to wait for more)."""
        self.items.append(item)
        if now or len(self.items) >= self.batch:
            self._hand_over()

    def finish(self) -> None:
        """Apply everything added; raise the error ``apply`` raised, if any."""
        self._hand_over()
        self._put(None)
        self.thread.join()
        self._raise()

    def stop(self) -> None:
        """Drop what is not applied yet and wait for the item being applied."""
        self.stopped = True
        while True:
            try:
                self.queue.get_nowait()
            except queue.Empty:
                break
        self.queue.put(None)  # room for it: the thread only takes from the queue
        self.thread.join()

    def _hand_over(self) -> None:
        if self.items:
            items, self.items = self.items, []
            self._put(items)

    def _put(self, items: list[T] | None) -> None:
        while True:
            self._raise()
            try:
                self.queue.put(items, timeout=0.2)
                return
            except queue.Full:
                continue

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        while (items := self.queue.get()) is not None:
            if self.error is None and not self.stopped:
                try:
                    self.apply(items)
                except BaseException as exc:  # noqa: BLE001 - raised in the caller's thread
                    self.error = exc


__all__ = ["Behind", "WorkerError", "default_workers", "ordered_map"]
