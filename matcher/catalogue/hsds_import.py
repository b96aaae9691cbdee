"""Read HSDS 3.1 services (Danish profile) into the catalogue, all or nothing, streaming files of any size."""

from __future__ import annotations

import functools
import gc
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from typing import IO, Any, NamedTuple

from sqlalchemy.orm import Session

from matcher.catalogue.errors import ImportFailed, Problem, RecordError, json_record_error
from matcher.catalogue.hsds_bulk import BulkWriter, Prepared, Unchanged, prepare, to_json
from matcher.catalogue.hsds_hygiene import OrganisationLedger, organisation_digest
from matcher.catalogue.hsds_parse import parse_service
from matcher.catalogue.hsds_stream import DocumentError, Encoded, Known, stream_services, stream_with_sources
from matcher.catalogue.hsds_workers import Behind, ordered_map
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

        A record of a list document comes as ``Encoded`` (``check_record`` decodes it), or as
        ``Known``, not to be decoded, when ``known`` finds it unchanged since its last import.
        """
        return stream_with_sources(self.stream, known, decode=False)


def read_services(stream: IO[bytes] | bytes) -> ServiceStream:
    """Return the services of an HSDS document for ``import_services``; the file is never held whole."""
    return ServiceStream(stream)


def import_services(session: Session, services: Iterable[Any], *, strict: bool = True, source: str = "",
                    progress: Progress | None = None, workers: int = 0) -> ImportSummary:
    """Validate every service and create, update or keep offers and organisations in bulk; flush only.

    ``services`` may be a list or a stream (``read_services``). Records are validated one by one
    and written in chunks while all are valid; after the first bad record nothing more is
    written, the rest is still validated, and ``ImportFailed`` names each bad record and field
    (the first ``MAX_ERRORS``). The writes already made are in the caller's transaction, which
    rolls back on the error, so a refused import leaves the database as it was.
    With ``strict=False`` (for generic HSDS directories) coordinates outside Denmark and
    non-Danish postcodes are flagged and left out instead of refusing the file.

    With ``workers`` > 0, records are decoded and validated by that many worker processes
    (``hsds_workers``) while this process reads the file and writes: the same rows, ids, counts
    and errors as with none. The workers need no database; the transaction stays this process's.
    """
    with _fewer_collections():
        return _import(session, services, strict, source, progress, workers)


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
            progress: Progress | None, workers: int) -> ImportSummary:
    summary = ImportSummary()
    writer = BulkWriter(session, summary, strict)
    total = len(services) if isinstance(services, (list, tuple)) else None
    try:
        with closing(read_ahead(services, strict, writer.unchanged, workers=workers)) as ops:
            n = _apply(writer, ops, progress, total, source)  # closing stops the workers of a refused import
        writer.finish()
        if progress:
            progress(n, total if total is not None else n)
        return summary
    finally:
        writer.close()


def _apply(writer: BulkWriter, ops: Iterator[tuple[str, Any]], progress: Progress | None, total: int | None,
           source: str) -> int:
    """Do what the reading side says, in order; return how many records it read.

    The writer's operations run in a thread of their own (``Behind``), so the database writes
    while the next records are read and checked.
    """
    n = 0
    behind = Behind(writer.apply, CHUNK)
    try:
        for kind, arg in ops:
            if kind == KEEP or kind == WRITE:
                behind.add((kind, arg), now=kind == WRITE)
            elif kind == PROGRESS:
                if progress:
                    progress(arg, total)
            elif kind == FAILED:
                raise ImportFailed(arg[0], source, total=arg[1])
            else:
                n = arg
        behind.finish()
    except BaseException:
        behind.stop()
        raise
    return n


class Refused(NamedTuple):
    """A record ``check_record`` refused: its errors as plain values (``RecordError.plain``).

    ``document``: the record is not JSON at all, and the document is unreadable from there on.
    """

    errors: list[tuple]
    document: bool = False


def check_record(i: int, raw: Any, text: str | None, strict: bool) -> Prepared | Refused:
    """Decode (an ``Encoded`` record) and validate record ``i`` alone; return its writer's values or its errors.

    Everything that needs only the record itself is here, so it can run in a worker process;
    what needs the other records (one id per service, one content per organisation id, the
    first service of an organisation carrying its values) is ``read_ahead``'s. The values
    returned always carry the organisation's; ``read_ahead`` drops them where an earlier
    service of the import carries them.
    """
    if raw.__class__ is Encoded:
        try:
            raw, text = raw.decode()
        except DocumentError as exc:
            return Refused([exc.plain()], document=True)
    found: list[RecordError] = []
    s = parse_service(raw, i, found, strict=strict, text=text)
    if s is None:
        return Refused([e.plain() for e in found])
    try:
        source_json = text if text is not None else to_json(raw)
    except ValueError:
        return Refused([RecordError(f"service[{i}] id={s.external_id}", "-", "hsds.not_json_number").plain()])
    return prepare(i, s, source_json, strict, True, organisation_digest(s.organisation.source))


def check_records(records: list[tuple[int, Any, str | None]], strict: bool) -> list[Prepared | Refused]:
    """``check_record`` for each (index, record, text): what a worker process runs per batch."""
    return [check_record(i, raw, text, strict) for i, raw, text in records]


def read_ahead(services: Iterable[Any], strict: bool, unchanged: Lookup, chunk_size: int | None = None,
               max_errors: int | None = None, workers: int = 0) -> Iterator[tuple[str, Any]]:
    """Read and validate every service; yield what the writer is to do with them (the import's reading side).

    ``unchanged`` finds, by their JSON text, the records imported before from exactly that text:
    they are kept without being decoded or validated again. The others are checked alone by
    ``check_record``, here or (``workers`` > 0) in worker processes, a batch at a time and in
    order; then here against the records before them. Nothing here writes. ``chunk_size`` and
    ``max_errors`` default to ``CHUNK`` and ``MAX_ERRORS``.
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
    batches: deque[tuple[list, DocumentError | None]] = deque()  # read, their results not taken yet

    def to_check() -> Iterator[list[tuple[int, Any, str | None]]]:
        for batch, failure in _batches(pairs, size):
            batches.append((batch, failure))
            yield [r for r in batch if r[1].__class__ is not Known]

    with closing(ordered_map(functools.partial(check_records, strict=strict), to_check(), workers)) as checked:
        for results in checked:
            batch, failure = batches.popleft()
            checks = iter(results)
            for i, raw, text in batch:
                result = None if raw.__class__ is Known else next(checks)
                found: list[RecordError] = []
                if result is None and raw.match.external_id in seen:  # a second record with one id: parsed, to name it
                    result = check_record(i, *raw.decode(), strict)
                if result is None:  # the same bytes as its last import: valid then, so valid now
                    kept: Unchanged = raw.match
                    if ledger.check_digest(kept.organisation, kept.organisation_digest, kept.external_id, i, found):
                        seen[kept.external_id] = i
                        yield KEEP, (i, kept.organisation, kept.organisation_id)
                elif result.__class__ is Refused:
                    if result.document:
                        failure = _error(result.errors[0])
                        break
                    found.extend(map(_error, result.errors))
                elif _one_of_a_kind(result, i, found, ledger, seen) and not total_errors:
                    first = result.org_ext not in written
                    chunk.append(result if first else result._replace(org=None))
                    written.add(result.org_ext)
                    if len(chunk) >= size:
                        yield WRITE, chunk
                        chunk = []
                n = i + 1
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
                break
    if total_errors:
        yield FAILED, (errors, total_errors)
        return
    if chunk:
        yield WRITE, chunk
    yield DONE, n


def _one_of_a_kind(p: Prepared, i: int, found: list[RecordError], ledger: OrganisationLedger,
                   seen: dict[str, int]) -> bool:
    """Check a valid record against the ones before it: its organisation's content, then its id."""
    if not ledger.check_digest(p.org_ext, p.org_digest, p.external_id, i, found):
        return False  # one organisation id with two different contents in one file
    if p.external_id in seen:
        found.append(RecordError(f"service[{i}] id={p.external_id}", "id",
                                 "hsds.duplicate_service", index=seen[p.external_id]))
        return False
    seen[p.external_id] = i
    return True


def _error(e: tuple) -> RecordError:
    """Return the error of ``RecordError.plain``'s values (a ``DocumentError`` where the document is at fault)."""
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
