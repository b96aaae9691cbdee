"""Benchmark: how long a club's change of free spots or status takes to reach search and match (not a test).

Imports N generated services (bench_import's generator) into a fresh SQLite database (or uses
--database-url), builds the search and match indexes once (timed: the full rebuild), then makes
K changes the way a club does (free spots to 0, status to paused), each in its own transaction,
and times the next search and the next match, which apply the changed rows to the indexes.

    .venv/bin/python bench/bench_incremental.py --offers 100000 [--services FILE] [--changes 20]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_import import write_generated  # noqa: E402

from matcher.catalogue.hsds_import import import_services, read_services  # noqa: E402
from matcher.catalogue.models import Offer, OfferStatus  # noqa: E402
from matcher.catalogue.search import SearchQuery, database_key, search, search_index  # noqa: E402
from matcher.db import make_engine  # noqa: E402
from matcher.migrate import upgrade  # noqa: E402
from matcher.seeding import load_reference  # noqa: E402
from matcher.runtime import Runtime  # noqa: E402

PROFILE = {"age": 11, "interests": "fodbold", "postcode": "8000"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--services", type=Path, help="generated file to reuse (written there when missing)")
    parser.add_argument("--database-url", help="an already filled database (skips the import)")
    parser.add_argument("--changes", type=int, default=20)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="matcher-bench-inc-"))
    url = args.database_url
    if url is None:
        url = f"sqlite:///{tmp / 'bench.db'}"
        path = args.services or tmp / "services.json"
        if not path.exists():
            write_generated(path, args.offers)
        upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session, path.open("rb") as fh:
            load_reference(session)
            t0 = time.perf_counter()
            print(import_services(session, read_services(fh)), f"in {time.perf_counter() - t0:.1f} s")
            session.commit()
        engine.dispose()
    engine = make_engine(url)
    runtime = Runtime.from_env(learn=False)
    service, sessions = runtime.matching, runtime.sessions(engine)
    with sessions() as session:
        t0 = time.process_time()
        search_index(session, runtime.search)
        search_s = time.process_time() - t0
        t0 = time.process_time()
        service.ranker(session)
        match_s = time.process_time() - t0
        offers = session.scalars(select(Offer.id).where(Offer.status == OfferStatus.active)
                                 .order_by(Offer.id).limit(args.changes)).all()
        session.commit()
    applied_search, applied_match = [], []
    for i, offer_id in enumerate(offers):
        with sessions() as session:
            offer = session.get(Offer, offer_id)
            if i % 2:
                offer.status = OfferStatus.paused
            else:
                offer.spots_free = 0
            session.commit()
            t0 = time.process_time()
            rows = search(session, SearchQuery(text="fodbold", limit=10))
            applied_search.append(time.process_time() - t0)
            t0 = time.process_time()
            service.match(session, PROFILE)
            applied_match.append(time.process_time() - t0)
            assert rows.total >= 0
            key = database_key(session)
            assert not runtime.search.indexes.peek(key).stale and not service.indexes.peek(key).stale
    engine.dispose()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nIncremental indexes: {args.offers:,} generated offers, {len(offers)} club changes, peak RSS {rss:,.0f} MB\n")
    print("CPU time of this process (the machine is shared; wall time would measure the neighbours)\n")
    print("| index | full build CPU s | next answer after a change: median CPU ms | max CPU ms |")
    print("|---|---:|---:|---:|")
    print(f"| search | {search_s:.1f} | {statistics.median(applied_search) * 1000:.0f} | {max(applied_search) * 1000:.0f} |")
    print(f"| match | {match_s:.1f} | {statistics.median(applied_match) * 1000:.0f} | {max(applied_match) * 1000:.0f} |")


if __name__ == "__main__":
    main()
