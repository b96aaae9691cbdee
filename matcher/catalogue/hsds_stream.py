"""Read HSDS services one at a time from a JSON stream of any size, refusing what strict JSON refuses.

A document is a list of services, a page with ``contents`` (a list), or one service. Memory
stays bounded by the largest single service, not by the file: services are built by ijson's C
parser (yajl) as the bytes arrive. NaN and Infinity are refused (they are not JSON), and so are
nesting deeper than ``MAX_DEPTH`` and single texts longer than ``MAX_TEXT_BYTES``: the bytes are
checked on their way to the parser (numpy over each chunk), because a few hundred kilobytes of
brackets would otherwise cost the parser gigabytes.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections import deque
from collections.abc import Callable, Iterator
from typing import IO, Any, NamedTuple

import ijson
import numpy as np

from matcher.catalogue.errors import RecordError

#: Deepest nesting of lists and objects accepted (an HSDS service needs about 8).
MAX_DEPTH = 64
#: Longest single JSON text (string) accepted, in bytes.
MAX_TEXT_BYTES = 1 << 20
CHUNK = 1 << 20
_WHITESPACE = b" \t\r\n"
_BOM = b"\xef\xbb\xbf"
_ESCAPE = 12
# yajl turns a lone UTF-16 surrogate escape into "?"; it is rewritten (same length) to U+FFFF, a
# noncharacter that record validation refuses, so the error still names the record and field.
_LONE_SURROGATE = re.compile(rb"(?<!\\)\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
                             rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})(?<!\\)\\u[dD][c-fC-F][0-9a-fA-F]{2}")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_HIGH_SURROGATE = re.compile(rb"\\u[dD][89abAB][0-9a-fA-F]{2}")
_STEP = np.zeros(256, dtype=np.int8)
_STEP[list(b"[{")] = 1
_STEP[list(b"]}")] = -1


def _noncharacter(_match: re.Match) -> bytes:
    return b"\\uffff"


class DocumentError(RecordError):
    """The document is not JSON this product reads; says where reading stopped."""

    def __init__(self, code: str, /, **params: Any):
        super().__init__("document", "-", code, **params)


class _Guard(io.RawIOBase):
    """A binary reader that checks nesting depth and text length of the bytes on their way to the parser.

    Per chunk, quotes not escaped by an odd run of backslashes delimit strings; brackets outside
    strings change the depth. The state (depth, inside a string, trailing backslashes) carries
    over chunk boundaries, so the check is exact for any chunking.
    """

    def __init__(self, raw: IO[bytes]):
        self.raw = raw
        self.offset = 0
        self.depth = 0
        self.string_start: int | None = None  # absolute offset of the open string's quote
        self.backslashes = 0  # length of the backslash run that ended the last chunk
        self.held = b""  # the end of the last chunk, where an escape may continue
        self.out = bytearray()  # checked bytes not yet handed to the parser
        self.eof = False
        self._masks: tuple[np.ndarray, np.ndarray] | None = None  # see ``_scratch``
        # For a list document: the raw text of each element that is an object or list, in order, so
        # that the source of a service is stored (and hashed) as it came, without serialising it again.
        self.capture: bool | None = None  # decided by the document's first bracket
        self.keep_out = True  # False once the list path reads the elements from ``sources`` instead
        # Elements ("item", bytes) and what lies between them ("gap", bytes, after an element, before one).
        self.sources: deque[tuple] = deque()
        self._open = False  # an element began in an earlier chunk and has not closed yet
        self._partial: list[bytes] = []
        self._in_gap = False  # between elements of the top-level list
        self._after_item = False  # the gap began after an element (not after the opening bracket)
        self._gap: list[bytes] = []
        self._gap_bytes = 0
        self.list_closed = False  # the top-level list has closed: only whitespace may follow

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self.out and not self.eof:
            self._fill()
        n = min(len(buffer), len(self.out))
        buffer[:n] = self.out[:n]
        del self.out[:n]
        return n

    def _fill(self) -> None:
        more = self.raw.read(CHUNK)
        data = self.held + more
        self.held = b""
        if not more:
            self.eof = True
        else:  # never cut a \\uXXXX\\uXXXX escape in two: keep a tail that may hold one for the next chunk
            tail = data.find(b"\\", max(len(data) - _ESCAPE, 0))
            if tail >= 6 and _HIGH_SURROGATE.fullmatch(data, tail - 6, tail):
                tail -= 6  # the first half of a pair whose second half is cut
            if tail >= 0:
                data, self.held = data[:tail], data[tail:]
        if not data:
            return
        if _SURROGATE_ESCAPE.search(data):
            data = _LONE_SURROGATE.sub(_noncharacter, data)
        self._check(data)
        if self.keep_out:
            self.out += data
        self.offset += len(data)

    def _scratch(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Return two boolean arrays of length ``n``, the same memory for every chunk.

        A new megabyte array per chunk is fresh memory from the system each time, and its first
        touch costs more than the comparison written into it.
        """
        if self._masks is None or len(self._masks[0]) < n:
            self._masks = (np.empty(n, dtype=np.bool_), np.empty(n, dtype=np.bool_))
        return self._masks[0][:n], self._masks[1][:n]

    def _check(self, data: bytes) -> None:
        a = np.frombuffer(data, dtype=np.uint8)
        n = len(a)
        mask, other = self._scratch(n)
        quotes = np.flatnonzero(np.equal(a, 34, out=mask))
        if len(quotes):
            escaped = np.flatnonzero(a[np.maximum(quotes - 1, 0)] == 92)  # a backslash before: count the run
            if len(escaped) or (quotes[0] == 0 and self.backslashes):
                keep = np.ones(len(quotes), dtype=bool)
                for j in escaped.tolist() + ([0] if quotes[0] == 0 else []):
                    keep[j] = self._run_before(data, int(quotes[j])) % 2 == 0
                quotes = quotes[keep]
        inside = self.string_start is not None
        folded = np.bitwise_and(a, 0xDF, out=other.view(np.uint8))  # "{" and "}" become "[" and "]"
        np.equal(folded, 91, out=mask)
        np.equal(folded, 93, out=other)  # element by element over its own input: safe in place
        brackets = np.flatnonzero(np.logical_or(mask, other, out=mask))
        outside = brackets[(np.searchsorted(quotes, brackets) + inside) % 2 == 0] if len(brackets) else brackets
        step = _STEP[a[outside]]
        depth = self.depth + np.cumsum(step, dtype=np.int64)
        if len(depth):
            if depth.max() > MAX_DEPTH:
                where = self.offset + int(outside[np.argmax(depth > MAX_DEPTH)])
                raise DocumentError("document.too_deep", max=MAX_DEPTH, at=where)
            if self.capture is None:
                self.capture = a[outside[0]] == 91  # "[": a list of services
            self.depth = int(depth[-1])
        if self.capture:
            edges = ((step > 0) & (depth <= 2)) | ((step < 0) & (depth <= 1))
            self._split(data, outside[edges].tolist(), step[edges].tolist(), depth[edges].tolist())
        marks = quotes + self.offset
        if inside:
            marks = np.concatenate(([self.string_start], marks))
        pairs = len(marks) // 2
        if pairs and int((marks[1:2 * pairs:2] - marks[0:2 * pairs:2]).max()) > MAX_TEXT_BYTES:
            raise DocumentError("document.text_too_long", max=MAX_TEXT_BYTES)
        self.string_start = int(marks[-1]) if len(marks) % 2 else None
        if self.string_start is not None and self.offset + n - self.string_start > MAX_TEXT_BYTES:
            raise DocumentError("document.text_too_long_at", at=self.string_start, max=MAX_TEXT_BYTES)
        plain = data.rstrip(b"\\")
        self.backslashes = n - len(plain) + (self.backslashes if not plain else 0)

    def _split(self, data: bytes, positions: list[int], steps: list[int], depths: list[int]) -> None:
        """Cut the top-level list into its elements and the bytes between them, across chunk boundaries."""
        gap_from = 0 if self._in_gap else None
        item_from = 0 if self._open else None
        tail_from = 0 if self.list_closed else None
        for pos, step, depth in zip(positions, steps, depths, strict=True):
            if self.list_closed or depth < 0:
                raise DocumentError("document.after_list", at=self.offset + pos)
            if step > 0 and depth == 1:  # the list opens
                self._in_gap, self._after_item, gap_from = True, False, pos + 1
            elif step > 0:  # an element opens
                self._end_gap(data[gap_from:pos], before_item=True)
                self._open, item_from, gap_from = True, pos, None
            elif depth == 1:  # an element closes
                self._partial.append(data[item_from:pos + 1])
                self.sources.append(("item", b"".join(self._partial)))
                self._partial, self._open, item_from = [], False, None
                self._in_gap, self._after_item, gap_from = True, True, pos + 1
            else:  # the list closes
                self._end_gap(data[gap_from:pos], before_item=False)
                self.list_closed, gap_from, tail_from = True, None, pos + 1
        if item_from is not None:
            self._partial.append(data[item_from:])
        if gap_from is not None:
            self._gap.append(data[gap_from:])
            self._gap_bytes += len(data) - gap_from
            if self._gap_bytes > MAX_TEXT_BYTES:
                raise DocumentError("document.gap_too_long", max=MAX_TEXT_BYTES, at=self.offset)
        if tail_from is not None and data[tail_from:].strip(_WHITESPACE):
            raise DocumentError("document.after_list", at=self.offset + tail_from)

    def _end_gap(self, last: bytes, before_item: bool) -> None:
        self._gap.append(last)
        self.sources.append(("gap", b"".join(self._gap), self._after_item, before_item))
        self._gap, self._gap_bytes, self._in_gap = [], 0, False

    def _run_before(self, data: bytes, pos: int) -> int:
        """Return how many backslashes directly precede ``data[pos]`` (runs may start in the last chunk)."""
        head = data[:pos]
        plain = head.rstrip(b"\\")
        return len(head) - len(plain) + (self.backslashes if not plain else 0)


def stream_services(source: IO[bytes] | bytes | str) -> Iterator[Any]:
    """Yield the services of an HSDS document one by one; raise DocumentError when it is not strict JSON."""
    for item, _text in stream_with_sources(source):
        yield item


class Known(NamedTuple):
    """An element of a list document that the reader's ``known`` recognised by its bytes: not decoded."""

    data: bytes  # the element as in the document
    match: Any  # what ``known`` said of it

    def decode(self) -> tuple[Any, str]:
        """Return the element decoded, and its text (it decoded when it was first met, so it decodes now)."""
        text = self.data.decode("utf-8")
        return _decode(text), text


class Encoded(NamedTuple):
    """An element of a list document as bytes, checked for depth and text length but not decoded yet.

    Decoding is left to whoever validates it (``hsds_import.check_record``), which may be another
    process; ``decode`` raises the same ``DocumentError`` the stream raises for an element it decodes.
    """

    data: bytes  # the element as in the document
    at: int  # how far the document had been read when the element was cut out (named in the error)

    def decode(self) -> tuple[Any, str]:
        """Return the element decoded and its text; raise DocumentError when it is not strict JSON."""
        try:
            text = self.data.decode("utf-8")
            return _decode(text), text
        except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            raise DocumentError("document.invalid_near", at=self.at, detail=_first_line(exc)) from None


#: Given the elements of a list document as bytes (those of one chunk read), say what is known of
#: each (None: unknown, to be decoded).
KnownLookup = Callable[[list[bytes]], list[Any]]


def stream_with_sources(source: IO[bytes] | bytes | str, known: KnownLookup | None = None,
                        decode: bool = True) -> Iterator[tuple[Any, str | None]]:
    """Yield each service with its JSON text as it stands in the document (None where not kept).

    With ``known``, an element of a list document that it recognises is yielded as ``Known`` (and
    text None) without being decoded; it must only recognise bytes that decoded before, as an
    import's digests of records it stored do. With ``decode=False`` the other elements of a list
    document come as ``Encoded`` (text None), for the caller to decode. The document is still
    checked whole.
    """
    if isinstance(source, str):
        source = source.encode("utf-8", "surrogatepass")
    raw = io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source
    guard = _Guard(raw)
    try:
        if _first_checked(guard) == b"[":
            yield from _list(guard, known, decode)
            return
        stream = io.BufferedReader(guard, CHUNK)
        first = _first_byte(stream)
        if first == b"{":
            for item in _object(stream):
                yield item, None
        elif first == b"":
            raise DocumentError("document.empty")
        else:
            for _value in ijson.items(stream, "", use_float=True):  # a number or text, or not JSON at all
                raise DocumentError("document.not_services")
            raise DocumentError("document.invalid")
    except (ijson.JSONError, UnicodeDecodeError, ValueError) as exc:  # ValueError: an int of over 4,300 digits
        if isinstance(exc, DocumentError):
            raise
        raise DocumentError("document.invalid_near", at=guard.offset, detail=_first_line(exc)) from None


def _first_checked(guard: _Guard) -> bytes:
    """Return the first byte of the document after a byte-order mark and whitespace, reading as needed."""
    while True:
        head = bytes(guard.out[:3]) == _BOM
        rest = guard.out[3:] if head else guard.out
        stripped = rest.lstrip(_WHITESPACE)
        if stripped or guard.eof:
            return bytes(stripped[:1])
        guard._fill()


def _list(guard: _Guard, known: KnownLookup | None, decode: bool) -> Iterator[tuple[Any, str | None]]:
    """Yield the elements of a top-level list: each element the standard library's C decoder reads alone."""
    guard.keep_out = False
    guard.out.clear()
    sources = guard.sources
    while True:
        events = list(sources)
        sources.clear()
        matches = iter(known([e[1] for e in events if e[0] == "item"]) if known and events else ())
        for event in events:
            if event[0] != "item":
                yield from ((value, None) for value in _between(*event[1:]))
            elif known and (match := next(matches)) is not None:
                yield Known(event[1], match), None
            elif not decode:
                yield Encoded(event[1], guard.offset), None
            else:
                text = event[1].decode("utf-8")
                yield _decode(text), text
        if guard.eof:
            break
        guard._fill()
        guard.out.clear()
    if not guard.list_closed or guard.string_start is not None:
        raise DocumentError("document.truncated", at=guard.offset)


def _between(gap: bytes, after_item: bool, before_item: bool) -> list[Any]:
    """Return the values (not objects or lists) between two elements; refuse what is not commas and values."""
    stripped = gap.strip(_WHITESPACE)
    if stripped == (b"," if after_item and before_item else b""):
        return []
    head, tail = ("0" if after_item else ""), ("0" if before_item else "")
    values = _decode(f"[{head}{gap.decode('utf-8')}{tail}]")
    return values[1 if after_item else 0:len(values) - (1 if before_item else 0)]


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"number {text[:40]} is too large")
    return value


def _refuse(text: str) -> Any:
    raise ValueError(f"{text} is not JSON")


#: One decoder for every element (``json.loads`` with hooks builds a decoder and its scanner per call).
_DECODER = json.JSONDecoder(parse_float=_finite, parse_constant=_refuse)


def _decode(text: str) -> Any:
    """Decode strict JSON: no NaN, no Infinity, no number too large for a float."""
    return _DECODER.decode(text)


def _first_byte(stream: io.BufferedReader) -> bytes:
    """Skip a byte-order mark and leading whitespace; return the first byte of the document (b"" when empty)."""
    if stream.peek(3)[:3] == _BOM:
        stream.read(3)
    while True:
        head = stream.peek(1)
        if not head:
            return b""
        stripped = head.lstrip(_WHITESPACE)
        if stripped:
            stream.read(len(head) - len(stripped))
            return stripped[:1]
        stream.read(len(head))


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


class _Value:
    """Builds one JSON value from parser events, telling when it is complete."""

    def __init__(self) -> None:
        self.builder = ijson.ObjectBuilder()
        self.open = 0

    def event(self, event: str, value: Any) -> bool:
        """Feed one event; return True when the value is complete."""
        self.builder.event(event, value)
        if event in ("start_map", "start_array"):
            self.open += 1
        elif event in ("end_map", "end_array"):
            self.open -= 1
        return self.open == 0 and event != "map_key"


def _object(stream: IO[bytes]) -> Iterator[Any]:
    """Yield the ``contents`` of a page one by one, or the document itself when it is one service."""
    top: dict[str, Any] = {}
    key: str | None = None
    value: _Value | None = None
    streamed = False
    events = ijson.parse(stream, use_float=True)
    for prefix, event, data in events:
        if value is None and prefix == "":
            if event == "map_key":
                key = data
            continue
        if value is None and key == "contents" and event == "start_array":
            streamed = True
            yield from _array(events)
            continue
        if value is None:
            value = _Value()
        if value.event(event, data):
            top[key] = value.builder.value
            value = None
    if not streamed:
        yield top


def _array(events) -> Iterator[Any]:
    """Yield each element of the array whose ``start_array`` was just read."""
    value: _Value | None = None
    for _prefix, event, data in events:
        if value is None and event == "end_array":
            return
        if value is None:
            value = _Value()
        if value.event(event, data):
            yield value.builder.value
            value = None
