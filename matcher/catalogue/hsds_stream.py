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
import re
from collections import deque
from collections.abc import Iterator
from typing import IO, Any

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
        # For a list document: the raw text of each element that is an object or list, in order, so
        # that the source of a service is stored (and hashed) as it came, without serialising it again.
        self.capture: bool | None = None  # decided by the document's first bracket
        self.sources: deque[bytes] = deque()
        self._open = False  # an element began in an earlier chunk and has not closed yet
        self._partial: list[bytes] = []

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
        self.out += data
        self.offset += len(data)

    def _check(self, data: bytes) -> None:
        a = np.frombuffer(data, dtype=np.uint8)
        n = len(a)
        quotes = np.flatnonzero(a == 34)
        if len(quotes):
            escaped = np.flatnonzero(a[np.maximum(quotes - 1, 0)] == 92)  # a backslash before: count the run
            if len(escaped) or (quotes[0] == 0 and self.backslashes):
                keep = np.ones(len(quotes), dtype=bool)
                for j in escaped.tolist() + ([0] if quotes[0] == 0 else []):
                    keep[j] = self._run_before(data, int(quotes[j])) % 2 == 0
                quotes = quotes[keep]
        inside = self.string_start is not None
        steps = _STEP[a]
        brackets = np.flatnonzero(steps)
        if len(brackets):
            outside = brackets[(np.searchsorted(quotes, brackets) + inside) % 2 == 0]
            step = steps[outside]
            depth = self.depth + np.cumsum(step, dtype=np.int64)
            if len(depth):
                if depth.max() > MAX_DEPTH:
                    where = self.offset + int(outside[np.argmax(depth > MAX_DEPTH)])
                    raise DocumentError("document.too_deep", max=MAX_DEPTH, at=where)
                if self.capture is None:
                    self.capture = a[outside[0]] == 91  # "[": a list of services
                if self.capture:
                    self._spans(data, outside, step, depth)
                self.depth = int(depth[-1])
            elif self._open:
                self._partial.append(data)
        elif self._open:
            self._partial.append(data)
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

    def _spans(self, data: bytes, positions: np.ndarray, step: np.ndarray, depth: np.ndarray) -> None:
        """Keep the raw text of each element of the top-level list that closes in this chunk."""
        opening = (step > 0) & (depth == 2)
        edges = (opening | ((step < 0) & (depth == 1)))
        start = None  # where the element open in this chunk began
        for pos, is_open in zip(positions[edges].tolist(), opening[edges].tolist(), strict=True):
            if is_open:
                start = pos
            elif start is not None:
                self.sources.append(data[start:pos + 1])
                start = None
            else:  # the element began in an earlier chunk
                self._partial.append(data[:pos + 1])
                self.sources.append(b"".join(self._partial))
                self._partial, self._open = [], False
        if start is not None:
            self._partial, self._open = [data[start:]], True
        elif self._open and not edges.any():
            self._partial.append(data)

    def _run_before(self, data: bytes, pos: int) -> int:
        """Return how many backslashes directly precede ``data[pos]`` (runs may start in the last chunk)."""
        head = data[:pos]
        plain = head.rstrip(b"\\")
        return len(head) - len(plain) + (self.backslashes if not plain else 0)


def stream_services(source: IO[bytes] | bytes | str) -> Iterator[Any]:
    """Yield the services of an HSDS document one by one; raise DocumentError when it is not strict JSON."""
    for item, _text in stream_with_sources(source):
        yield item


def stream_with_sources(source: IO[bytes] | bytes | str) -> Iterator[tuple[Any, str | None]]:
    """Yield each service with its JSON text as it stands in the document (None where not kept)."""
    if isinstance(source, str):
        source = source.encode("utf-8", "surrogatepass")
    raw = io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source
    guard = _Guard(raw)
    stream = io.BufferedReader(guard, CHUNK)
    try:
        first = _first_byte(stream)
        if first == b"[":
            sources = guard.sources
            for item in ijson.items(stream, "item", use_float=True):
                text = sources.popleft() if guard.capture and isinstance(item, (dict, list)) else None
                yield item, None if text is None else text.decode("utf-8")
        elif first == b"{":
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
