"""Benchmark: how long a club's change takes to reach search and match, by the changed rows (not a test).

Imports N generated services (bench_import's generator) into a fresh SQLite database (or uses
--database-url), builds the search and match indexes once (timed: the full rebuild), then makes
changes the way clubs and staff do, each in its own transaction, cycling through the kinds: free
spots to 0, status to paused, a new offer, a new title, a new description, other interests, a
deleted offer. After each commit it times the next search and the next match (they apply the
changed rows to the indexes) and checks that the change shows: the new offer is found by its
title and proposed, the deleted one is neither.

Background refits (the ranker's exact TF-IDF weights after a text change) are switched off, so
the figures are those of the update path alone; a server runs them at most once per interval.

    .venv/bin/python bench/bench_incremental.py --offers 100000 [--services FILE] [--changes 21]
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
from matcher.catalogue.models import InterestTerm, Offer, OfferStatus  # noqa: E402
from matcher.catalogue.new_offers import create_offer  # noqa: E402
from matcher.catalogue.search import SearchQuery, database_key, search, search_index  # noqa: E402
from matcher.db import make_engine  # noqa: E402
from matcher.migrate import upgrade  # noqa: E402
from matcher.seeding import load_reference  # noqa: E402
from matcher.runtime import Runtime  # noqa: E402

PROFILE = {"age": 11, "interests": "fodbold", "postcode": "8000"}
KINDS = ("spots", "status", "new offer", "title", "description", "interests", "deleted offer")


def change(session: Session, kind: str, offer: Offer, i: int) -> tuple[int | None, int | None, str | None]:
    """Make one change of ``kind``; return (new offer id, deleted offer id, a title to search for)."""
    if kind == "spots":
        offer.spots_free = 0
    elif kind == "status":
        offer.status = OfferStatus.paused
    elif kind == "new offer":
        title = f"Zykelpolo hold {i}"
        new = create_offer(session, offer.organisation, {"title": title, "kind": "activity", "interests": ["fodbold"],
                                                         "age_min": 8, "age_max": 14, "postcode": "8000"},
                           None, needs_review=False)
        return new.id, None, title
    elif kind == "title":
        offer.title = f"Zykelfodbold {i}"
        return None, None, offer.title
    elif kind == "description":
        offer.description = f"Fodbold og zykelpolo for alle, hold {i}"
    elif kind == "interests":
        offer.interests = session.scalars(select(InterestTerm).where(InterestTerm.code.in_(["fodbold", "dans"]))).all()
    elif kind == "deleted offer":
        session.delete(offer)
        return None, offer.id, None
    return None, None, None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--services", type=Path, help="generated file to reuse (written there when missing)")
    parser.add_argument("--database-url", help="an already filled database (skips the import)")
    parser.add_argument("--changes", type=int, default=21)
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
    else:
        upgrade(url)  # a database filled before the deletion log existed
    engine = make_engine(url)
    runtime = Runtime.from_env(learn=False)
    service, sessions = runtime.matching, runtime.sessions(engine)
    for keeper in (runtime.search.indexes, service.indexes):
        keeper.refresh_interval = 1e9  # no background refit during the measurement
    with sessions() as session:
        t0, c0 = time.perf_counter(), time.process_time()
        search_index(session, runtime.search)
        search_s = (time.perf_counter() - t0, time.process_time() - c0)
        t0, c0 = time.perf_counter(), time.process_time()
        service.ranker(session)
        match_s = (time.perf_counter() - t0, time.process_time() - c0)
        offers = session.scalars(select(Offer.id).where(Offer.status == OfferStatus.active)
                                 .order_by(Offer.id).limit(args.changes)).all()
        n_offers = len(service.ranker(session).blocks_["activity"])
        session.commit()
    builds = (runtime.search.indexes.builds, service.indexes.builds)
    timings: dict[str, dict[str, list[tuple[float, float]]]] = {k: {"search": [], "match": []} for k in KINDS}
    for i, offer_id in enumerate(offers):
        kind = KINDS[i % len(KINDS)]
        with sessions() as session:
            new, gone, title = change(session, kind, session.get(Offer, offer_id), i)
            session.commit()
            t0, c0 = time.perf_counter(), time.process_time()
            rows = search(session, SearchQuery(text=title or "fodbold", limit=10))
            timings[kind]["search"].append((time.perf_counter() - t0, time.process_time() - c0))
            t0, c0 = time.perf_counter(), time.process_time()
            result = service.match(session, PROFILE)
            timings[kind]["match"].append((time.perf_counter() - t0, time.process_time() - c0))
            found = [r.id for r in rows.rows]
            ranker = service.ranker(session)
            held = {c.id for c in ranker.blocks_["activity"].candidates}
            if new is not None:
                assert new in found and new in held, "the new offer is not found"
            if title is not None and new is None:
                assert offer_id in found, "the offer is not found by its new title"
            if gone is not None:
                assert gone not in held and gone not in [m.candidate.id for m in result.results]
                assert gone not in runtime.search.indexes.peek(database_key(session)).value.ids
    assert (runtime.search.indexes.builds, service.indexes.builds) == builds, "an index was rebuilt"
    with sessions() as session:
        stale = service.indexes.peek(database_key(session)).stale
    engine.dispose()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nIncremental indexes: {args.offers:,} generated offers ({n_offers:,} ranked activities), "
          f"{len(offers)} changes, peak RSS {rss:,.0f} MB; no index rebuilt, match index stale "
          f"(a background refit due) at the end: {stale}\n")
    print(f"Full build: search {search_s[0]:.1f} s wall / {search_s[1]:.1f} s CPU, "
          f"match {match_s[0]:.1f} s wall / {match_s[1]:.1f} s CPU\n")
    print("Next answer after a change (the update by the changed rows plus the answer), ms: median wall / CPU, max wall\n")
    print("| change | n | search median wall | CPU | max wall | match median wall | CPU | max wall |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind in KINDS:
        row = [kind, str(len(timings[kind]["search"]))]
        for index in ("search", "match"):
            got = timings[kind][index]
            if not got:
                row += ["", "", ""]
                continue
            row += [f"{statistics.median(w for w, _ in got) * 1000:.0f}",
                    f"{statistics.median(c for _, c in got) * 1000:.0f}", f"{max(w for w, _ in got) * 1000:.0f}"]
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
