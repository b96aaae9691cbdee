"""Built indexes as files, so the processes of one machine build each catalogue revision once."""

from __future__ import annotations

import contextlib
import fcntl
import gc
import hashlib
import logging
import os
# Only files this service wrote into its own private (0700) folder are ever unpickled.
import pickle  # nosec B403
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["IndexStore"]

log = logging.getLogger(__name__)
#: Bumped when the file layout changes; the code digest below covers changes to the pickled classes.
FORMAT = 1


def _code_digest() -> str:
    """Return a digest of the ranking core's source and libraries, so files written by other code are never read."""
    import numpy
    import scipy
    import sklearn

    digest = hashlib.sha256(f"{FORMAT} {sys.version} {numpy.__version__} {scipy.__version__} "
                            f"{sklearn.__version__}".encode())
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


_CODE = _code_digest()


def _short(value: Any) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()[:16]


class IndexStore:
    """A private folder of built indexes, one file per database and catalogue revision.

    A cache, not a source of truth: a missing, unreadable or foreign file is rebuilt. Files are
    written atomically (temporary file, then rename) and an older revision's file is removed once
    a newer one is written. ``builder`` is an exclusive file lock, so that while one process
    builds a revision the others wait for its file instead of building the same thing.

    Parameters
    ----------
    folder : str or Path
        Created with mode 0700 when missing; refused when others may write to it.
    name : str
        Which index (``search``, ``match``); part of every file name.
    """

    def __init__(self, folder: str | Path, name: str):
        self.folder = Path(folder)
        self.name = name
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        mode = self.folder.stat().st_mode
        if mode & 0o022:
            raise PermissionError(f"{self.folder} may be written by other users; use a private folder (0700)")

    def _prefix(self, key: str) -> str:
        return f"{self.name}-{_short((key, _CODE))}-"

    def _path(self, key: str, revision: Any) -> Path:
        return self.folder / f"{self._prefix(key)}{_short(revision)}.pickle"

    def _read(self, path: Path) -> Any:
        """Return the record in ``path``, or None when it is missing or unreadable."""
        try:
            with path.open("rb") as fh:
                collecting = gc.isenabled()
                gc.disable()  # unpickling creates many objects: twice as fast without collections meanwhile
                try:
                    # Written by this service into its own private folder (see the class docstring).
                    return pickle.load(fh)  # nosec B301
                finally:
                    if collecting:
                        gc.enable()
        except FileNotFoundError:
            return None
        except Exception:  # noqa: BLE001 - a damaged cache file is rebuilt, never fatal
            log.warning("ignoring unreadable index file %s", path, exc_info=True)
            return None

    def load(self, key: str, revision: Any) -> tuple[Any, float] | None:
        """Return the index stored for ``key`` at exactly ``revision`` and how long it took to build, or None."""
        record = self._read(self._path(key, revision))
        if not isinstance(record, dict) or record.get("revision") != revision or record.get("key") != key:
            return None
        return record["value"], float(record.get("seconds", 0.0))

    def load_latest(self, key: str) -> tuple[Any, Any, float] | None:
        """Return the revision, index and build seconds of the newest file stored for ``key``, or None."""
        files = sorted(self.folder.glob(self._prefix(key) + "*.pickle"),
                       key=lambda f: f.stat().st_mtime if f.exists() else 0, reverse=True)
        for path in files[:1]:
            record = self._read(path)
            if isinstance(record, dict) and record.get("key") == key and "revision" in record:
                return record["revision"], record["value"], float(record.get("seconds", 0.0))
        return None

    def save(self, key: str, revision: Any, value: Any, seconds: float) -> None:
        """Write the index for ``key`` at ``revision`` and remove older revisions' files."""
        path = self._path(key, revision)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump({"key": key, "revision": revision, "seconds": seconds, "value": value}, fh,
                            protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        for old in self.folder.glob(self._prefix(key) + "*.pickle"):
            if old != path:
                with contextlib.suppress(OSError):
                    old.unlink()  # a process still reading it keeps its open file

    @contextlib.contextmanager
    def builder(self, key: str) -> Iterator[None]:
        """Hold the exclusive right to build indexes for ``key`` (blocks while another process builds)."""
        with (self.folder / f"{self._prefix(key)}lock").open("a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
