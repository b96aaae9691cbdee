"""Bulk-load N generated HSDS services through the product's own import code, in chunks.

`matcher import hsds` imports a file in ONE transaction (all or nothing), which at 300,000 services
needs several minutes and ~8 GB RAM because every parsed service and ORM object of the whole file is
alive until the commit. For the load test we only need the catalogue to exist, so we call the same
`load_services`/`import_services` (same validation, same upserts, same district assignment and
catalogue revision bump) on chunks of CHUNK services, each in its own transaction. Organisations
shared between chunks are found again by external id, so the result equals one big import.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

CHUNK = 20_000


def bulk_import(database_url: str, n: int, log=print) -> str:
    from bench_import import generate  # bench/bench_import.py: the generator of N HSDS services

    from matcher.catalogue.hsds_import import import_services, load_services
    from matcher.db import make_engine

    t0 = time.perf_counter()
    services = generate(n, seed=7)
    # Distinct external ids from the demo catalogue are guaranteed by the uuid5 namespace.
    log(f"generated {n:,} services in {time.perf_counter() - t0:.1f} s")
    engine = make_engine(database_url)
    created = 0
    try:
        for start in range(0, n, CHUNK):
            chunk = load_services(json.dumps(services[start:start + CHUNK]))
            with Session(engine) as session:
                summary = import_services(session, chunk, source=f"bulk[{start}:{start + len(chunk)}]")
                session.commit()
            created += len(chunk)
            log(f"  imported {created:,}/{n:,} ({time.perf_counter() - t0:.0f} s): {summary}")
    finally:
        engine.dispose()
    return f"{n:,} services in {time.perf_counter() - t0:.0f} s (chunks of {CHUNK:,})"


if __name__ == "__main__":
    print(bulk_import(sys.argv[1], int(sys.argv[2])))
