"""Read HSDS 3.1 services (Danish profile) into the catalogue, all or nothing, streaming files of any size."""

from __future__ import annotations

import functools
import gc
import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from typing import IO, Any

from sqlalchemy.orm import Session

from matcher.catalogue.errors import ImportFailed, Problem, RecordError, json_record_error
from matcher.catalogue.hsds_bulk import BulkWriter, Prepared, Unchanged, prepare, to_json, unchanged_records
from matcher.catalogue.hsds_hygiene import OrganisationLedger
from matcher.catalogue.hsds_parse import parse_service
from matcher.catalogue.hsds_pipeline import pipeline_url, read_in_process
from matcher.catalogue.hsds_stream import DocumentError, Known, stream_services, stream_with_sources
from matcher.catalogue.summary import ImportSummary
from matcher.jsonio import JSONInputError, loads

#: Progress callback: records read so far, and the total when known (else None).
Progress = Callable[[int, int | None], None]
#: Services written per bulk statement.
CHUNK = 2000
#: Record errors kept for the message; more are only counted.
MAX_ERRORS = 1000
#: A refused document up to this size is read again whole, to name the record and field at fault.
EXPLAIN_BYTES = 256 << 20


def load_services(text: str | bytes, source: str = "") -> list[Any]:
    """Decode an HSDS document (a list of services, one service, or a page with ``contents``) into a list."""
    try:
        return list(stream_services(text))
    except DocumentError as exc:
        raise ImportFailed([_explain(text, exc, None)], source) from None


def _explain(source: Any, exc: DocumentError, index: int | None) -> RecordError:
    """Name the record and field of a refused document, reading it again with ``matcher.jsonio`` when small enough."""
    data = source if isinstance(source, (bytes, bytearray, str)) else None
    if data is None and hasattr(source, "seek"):
        try:
            size = source.seek(0, 2)
            if size <= EXPLAIN_BYTES:
                source.seek(0)
                data = source.read()
        except (OSError, ValueError):
            data = None
    if data is not None:
        try:
            loads(data)
        except JSONInputError as found:
            return json_record_error(found, "service")
    if index:
        return DocumentError("document.after_service", problem=Problem(exc.code, exc.params), index=index - 1)
    return exc


class ServiceStream:
    """The services of an HSDS document, read one by one as ``import_services`` asks for them."""

    def __init__(self, stream: IO[bytes] | bytes):
        self.stream = stream

    def __iter__(self) -> Iterator[Any]:
        return stream_services(self.stream)

    def with_sources(self, known: Lookup | None = None) -> Iterator[tuple[Any, str | None]]:
        """Yield each service with its JSON text as in the file (stored as its source without re-encoding).

        A record that ``known`` finds unchanged since its last import comes as ``Known``, not decoded.
        """
        return stream_with_sources(self.stream, known)


def read_services(stream: IO[bytes] | bytes) -> ServiceStream:
    """Return the services of an HSDS document for ``import_services``; the file is never held whole."""
    return ServiceStream(stream)


def import_services(session: Session, services: Iterable[Any], *, strict: bool = True, source: str = "",
                    progress: Progress | None = None, pipeline: bool = False) -> ImportSummary:
    """Validate every service and create, update or keep offers and organisations in bulk; flush only.

    ``services`` may be a list or a stream (``read_services``). Records are validated one by one
    and written in chunks while all are valid; after the first bad record nothing more is
    written, the rest is still validated, and ``ImportFailed`` names each bad record and field
    (the first ``MAX_ERRORS``). The writes already made are in the caller's transaction, which
    rolls back on the error, so a refused import leaves the database as it was.
    With ``strict=False`` (for generic HSDS directories) coordinates outside Denmark and
    non-Danish postcodes are flagged and left out instead of refusing the file.

    With ``pipeline=True`` a stream is read and validated by a second process while this one
    writes (``hsds_pipeline``): the same rows, ids, counts and errors as a serial run. That
    process finds unchanged records with its own connection, which sees the committed catalogue,
    so the caller's transaction must not have written to it before the import (as in the CLI).
    Lists, and databases another process cannot open, are read serially.
    """
    with _fewer_collections():
        return _import(session, services, strict, source, progress, pipeline)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while an import allocates millions of short-lived objects."""
    saved = gc.get_threshold()
    gc.set_threshold(max(saved[0], 100_000), max(saved[1], 50), max(saved[2], 100))
    try:
        yield
    finally:
        gc.set_threshold(*saved)


# What the reading side asks the writing side to do, in order: (KEEP, (index, organisation id in
# the file, organisation row id)), (WRITE, chunk), (PROGRESS, records read), (FAILED, (errors,
# how many)) or (DONE, records read) last.
KEEP, WRITE, PROGRESS, FAILED, DONE = "keep", "write", "progress", "failed", "done"
#: Finds the records imported unchanged before, by their JSON text as in the file (``unchanged_records``).
Lookup = Callable[[list[bytes]], list[Unchanged | None]]


def _import(session: Session, services: Iterable[Any], strict: bool, source: str,
            progress: Progress | None, pipeline: bool) -> ImportSummary:
    summary = ImportSummary()
    writer = BulkWriter(session, summary, strict)
    total = len(services) if isinstance(services, (list, tuple)) else None
    try:
        url = pipeline_url(session) if pipeline and isinstance(services, ServiceStream) else None
        where = _portable_source(services.stream) if url is not None else None
        if where is not None:
            ops = read_in_process(functools.partial(_read_elsewhere, where, strict, CHUNK, MAX_ERRORS), url,
                                  last=frozenset({FAILED, DONE}), ends_batch=frozenset({WRITE}))
        else:
            ops = read_ahead(services, strict, writer.unchanged)
        with closing(ops):  # a refused or failed import stops the reading process at once
            n = _apply(writer, ops, progress, total, source)
        writer.finish()
        if progress:
            progress(n, total if total is not None else n)
        return summary
    finally:
        writer.close()


def _apply(writer: BulkWriter, ops: Iterator[tuple[str, Any]], progress: Progress | None, total: int | None,
           source: str) -> int:
    """Do what the reading side says, in order; return how many records it read."""
    n = 0
    for kind, arg in ops:
        if kind == KEEP:
            writer.keep(*arg)
        elif kind == WRITE:
            writer.write(arg)
        elif kind == PROGRESS:
            if progress:
                progress(arg, total)
        elif kind == FAILED:
            raise ImportFailed([_error(e) for e in arg[0]], source, total=arg[1])
        else:
            n = arg
    return n


def read_ahead(services: Iterable[Any], strict: bool, unchanged: Lookup, chunk_size: int | None = None,
               max_errors: int | None = None) -> Iterator[tuple[str, Any]]:
    """Read and validate every service; yield what the writer is to do with them (the import's reading side).

    ``unchanged`` finds, by their JSON text, the records imported before from exactly that text:
    they are kept without being decoded or validated again. Nothing here writes: the same steps
    run in this process or in a reading process of their own (``hsds_pipeline``). ``chunk_size`` and ``max_errors``
    default to ``CHUNK`` and ``MAX_ERRORS``.
    """
    size = chunk_size or CHUNK
    keep_errors = MAX_ERRORS if max_errors is None else max_errors
    errors: list[RecordError] = []
    seen: dict[str, int] = {}
    ledger = OrganisationLedger()
    chunk: list[Prepared] = []
    written: set[str] = set()  # organisations with a service to write: the first carries the organisation's values
    total_errors = n = 0
    pairs = services.with_sources(unchanged) if isinstance(services, ServiceStream) \
        else ((s, None) for s in services)
    for batch, failure in _batches(pairs, size):
        for i, raw, text in batch:
            n = i + 1
            found: list[RecordError] = []
            kept: Unchanged | None = raw.match if raw.__class__ is Known else None
            if kept is not None and kept.external_id in seen:  # a second record with one id: parsed, to name it
                (raw, text), kept = raw.decode(), None
            if kept is not None:  # the same bytes as its last import: valid then, so valid now
                if ledger.check_digest(kept.organisation, kept.organisation_digest, kept.external_id, i, found):
                    seen[kept.external_id] = i
                    yield KEEP, (i, kept.organisation, kept.organisation_id)
            else:
                s, source_json = _parse(raw, text, i, found, strict, ledger, seen)
                if not found and not total_errors:
                    org_ext = s.organisation.external_id
                    chunk.append(prepare(i, s, source_json, strict, org_ext not in written,
                                         ledger.digest(org_ext)))
                    written.add(org_ext)
                    if len(chunk) >= size:
                        yield WRITE, chunk
                        chunk = []
            if found:
                total_errors += len(found)
                errors.extend(found[:max(0, keep_errors - len(errors))])
                chunk = []
            if n % size == 0:
                yield PROGRESS, n
        if failure is not None:
            total_errors += 1
            stream = services.stream if isinstance(services, ServiceStream) else None
            errors.append(_explain(stream, failure, n))
    if total_errors:
        yield FAILED, (errors, total_errors)
        return
    if chunk:
        yield WRITE, chunk
    yield DONE, n


def _portable_source(stream: Any) -> tuple[str, Any, int] | None:
    """Describe a stream so a reading process can open it: a file by name and position, or bytes held."""
    if isinstance(stream, (bytes, bytearray)):
        return ("bytes", bytes(stream), 0)
    name = getattr(stream, "name", None)
    if isinstance(name, str) and not getattr(stream, "closed", True):
        try:
            return ("file", name, stream.tell())
        except (OSError, ValueError):
            return None
    return None


def _read_elsewhere(where: tuple[str, Any, int], strict: bool, chunk_size: int, max_errors: int,
                    conn) -> Iterator[tuple[str, Any]]:
    """The reading process's side (``hsds_pipeline``): ``read_ahead`` over the file, unchanged records by ``conn``."""
    kind, what, offset = where

    def unchanged(texts: list[bytes]) -> list[Unchanged | None]:
        try:
            return unchanged_records(conn, strict, texts)
        finally:
            conn.rollback()  # no snapshot held between chunks

    with _fewer_collections(), (open(what, "rb") if kind == "file" else io.BytesIO(what)) as fh:
        fh.seek(offset)
        for op in read_ahead(ServiceStream(fh), strict, unchanged, chunk_size, max_errors):
            if op[0] == FAILED:
                op = (FAILED, ([e.plain() for e in op[1][0]], op[1][1]))
            yield op


def _error(e: RecordError | tuple) -> RecordError:
    if isinstance(e, RecordError):
        return e
    record, fieldname, code, params = e
    if record == "document" and fieldname == "-":
        return DocumentError(code, **params)
    return RecordError(record, fieldname, code, **params)


def _batches(pairs: Iterator[tuple[Any, str | None]], size: int) -> Iterator[tuple[list, DocumentError | None]]:
    """Yield the records in lists of ``size`` (index, service, text); the last with the document error, if any."""
    batch: list[tuple[int, Any, str | None]] = []
    try:
        for i, (raw, text) in enumerate(pairs):
            batch.append((i, raw, text))
            if len(batch) >= size:
                yield batch, None
                batch = []
    except DocumentError as exc:
        yield batch, exc
        return
    yield batch, None


def _parse(raw: Any, text: str | None, i: int, found: list[RecordError], strict: bool,
           ledger: OrganisationLedger, seen: dict[str, int]) -> tuple[Any, str]:
    """Validate one record fully; return the parsed service (None when bad) and its source JSON."""
    s = parse_service(raw, i, found, strict=strict, text=text)
    if s is not None and not ledger.check(s, i, found):
        s = None  # one organisation id with two different contents in one file
    if s is not None and s.external_id in seen:
        found.append(RecordError(f"service[{i}] id={s.external_id}", "id",
                                 "hsds.duplicate_service", index=seen[s.external_id]))
        s = None
    source_json = ""
    if s is not None:
        seen[s.external_id] = i
        try:
            source_json = text if text is not None else to_json(raw)
        except ValueError:
            found.append(RecordError(f"service[{i}] id={s.external_id}", "-",
                                     "hsds.not_json_number"))
    return s, source_json
