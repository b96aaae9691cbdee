"""Load N generated HSDS services through the product's own streaming import, in one transaction.

The generator writes the services to a temporary file one by one, and `import_services` reads it
as a stream (the same validation, bulk writes, district assignment and revision stamps as
`matcher import hsds`), so neither side holds the whole catalogue in memory.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def bulk_import(database_url: str, n: int, log=print) -> str:
    from bench_import import write_generated  # bench/bench_import.py: the generator of N HSDS services

    from matcher.catalogue.hsds_import import import_services, read_services
    from matcher.catalogue.hsds_workers import default_workers
    from matcher.db import make_engine

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="matcher-bulk-") as tmp:
        path = Path(tmp) / "services.json"
        write_generated(path, n, seed=7)  # distinct external ids from the demo catalogue (uuid5 namespace)
        log(f"generated {n:,} services in {time.perf_counter() - t0:.1f} s")
        engine = make_engine(database_url)
        try:
            with Session(engine) as session, path.open("rb") as fh:
                summary = import_services(session, read_services(fh), source=str(path),
                                          workers=default_workers())
                session.commit()
        finally:
            engine.dispose()
    log(f"  imported: {summary}")
    return f"{n:,} services in {time.perf_counter() - t0:.0f} s (one transaction)"


if __name__ == "__main__":
    print(bulk_import(sys.argv[1], int(sys.argv[2])))
