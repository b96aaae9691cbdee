"""Run the reading side of an HSDS import in a process of its own, so that reading and writing use two cores.

The reading process decodes and validates the records and hands the writing process what to
do with them, in batches of plain values, through a pipe: a full pipe stops the reader, so
memory stays bounded (the pipe's buffer and one batch on each side). It reads the database only
to find unchanged records, with a connection of its own; the writing process holds the import's
one transaction. The reading process is a fresh interpreter (``python -m
matcher.catalogue.hsds_pipeline``, importing only the import's modules; no database connection
of the writer is carried across a fork) and is stopped whenever the writing side ends early:
an error, a refused file, KeyboardInterrupt.
"""

from __future__ import annotations

import os
import pickle  # nosec B403 - only over the pipes between this process and the reading process it starts
import signal
import subprocess  # nosec B404
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from matcher.db import make_engine

#: Operations per batch when no write ends it earlier (kept records of a re-import).
BATCH_OPS = 4000
#: Seconds a reader that has sent everything gets to close its connection before it is killed.
EXIT_SECONDS = 10
_CRASH = "crash"
_ROOT = str(Path(__file__).resolve().parent.parent.parent)  # the directory holding the matcher package

#: What the reading process runs: given its connection, the operations for the writer, in order.
#: It is pickled to the reading process, so a module-level function (or a partial of one).
Produce = Callable[[Connection], Iterator[tuple[str, Any]]]


class PipelineError(RuntimeError):
    """The reading process failed (a bug or a lost database); the caller's transaction rolls back."""


def pipeline_url(session: Session) -> str | None:
    """Return the database URL a reading process can open, or None when it cannot (an in-memory SQLite)."""
    url = session.get_bind().url
    if url.get_backend_name() == "sqlite" and (not url.database or url.database == ":memory:"
                                               or url.database.startswith("file:")):
        return None
    return url.render_as_string(hide_password=False)


def read_in_process(produce: Produce, url: str, last: frozenset[str], ends_batch: frozenset[str]
                    ) -> Iterator[tuple[str, Any]]:
    """Yield the operations ``produce`` makes in a reading process, as it makes them.

    ``last`` are the kinds of operation after which the reading process has nothing more to say;
    ``ends_batch`` those sent at once (a chunk to write). The reading process is stopped when
    the caller stops early (an exception, or closing this generator).
    """
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [_ROOT, os.environ.get("PYTHONPATH")])))
    proc = subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE,  # nosec B603
                            stdout=subprocess.PIPE, env=env)
    finished = False
    try:
        pickle.dump((produce, url, last, ends_batch), proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        proc.stdin.close()  # the URL (with its password) goes through the pipe, not the command line
        while True:
            try:
                batch = pickle.load(proc.stdout)  # nosec B301 - written by the reading process started above
            except EOFError:
                raise PipelineError(f"the reading process stopped (exit code {proc.wait()})") from None
            if batch and batch[0][0] == _CRASH:
                raise PipelineError(f"the reading process failed:\n{batch[0][1]}")
            if batch and batch[-1][0] in last:
                finished = True
            yield from batch
            if finished:
                return
    finally:
        try:  # a reader that said all closes its connection and exits; any other is stopped at once
            proc.wait(timeout=EXIT_SECONDS if finished else 0)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()


def _reader() -> None:
    """The reading process: run the ``produce`` read from stdin, write its operations to stdout in batches."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the writing side stops it (Ctrl-C reaches both)
    out = sys.stdout.buffer
    produce, url, last, ends_batch = pickle.load(sys.stdin.buffer)  # nosec B301 - from the process that started us
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            batch: list[tuple[str, Any]] = []
            for op in produce(conn):
                batch.append(op)
                if op[0] in ends_batch or op[0] in last or len(batch) >= BATCH_OPS:
                    pickle.dump(batch, out, protocol=pickle.HIGHEST_PROTOCOL)
                    batch = []
            if batch:
                pickle.dump(batch, out, protocol=pickle.HIGHEST_PROTOCOL)
    except BrokenPipeError:
        pass  # the writing side stopped early
    except BaseException:  # noqa: BLE001 - reported to the writing side, which raises it
        pickle.dump([(_CRASH, traceback.format_exc())], out, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        engine.dispose()
    try:
        out.flush()
    except BrokenPipeError:
        pass


if __name__ == "__main__":
    _reader()
