"""Run a function over batches in worker processes, results in the batches' order, memory bounded.

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
import signal
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


__all__ = ["WorkerError", "default_workers", "ordered_map"]
