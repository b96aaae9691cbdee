"""Benchmark catalogue search (``matcher.catalogue.search.search``) on a demo or national catalogue.

    .venv/bin/python bench/bench_search.py                          # demo catalogue in SQLite
    .venv/bin/python bench/bench_search.py --offers 100000          # + 100,000 generated offers (SQLite)
    .venv/bin/python bench/bench_search.py --dump /tmp/load300k.dump  # a load-test dump in a temporary PostgreSQL

Runs the load test's search mix (``bench/load/loadgen.py``: a few dozen interest words, age,
district, postcode + distance, weekday, free) and a mix of texts that never repeat (typos and
unknown words, so no cached text scores help) and, where the version has them, the load mix with
gender and time-of-day filters and sorting (district searches with few results also look for the
nearest offers outside the district), and prints the time of the first search (which
builds the search index) and p50/p95/p99/max per search. Uses only the public search API, so
the same script measures older versions (``PYTHONPATH=/path/to/old/checkout``).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench" / "load"))
sys.path.insert(0, str(ROOT / "bench"))

import loadgen  # noqa: E402

LETTERS = "abdefgiklmnoprstuvæøå"


def loadgen_args(rng: random.Random) -> dict:
    """Return the query parameters the load generator sends (same distribution)."""
    params = {"q": rng.choice(loadgen.SEARCH_TERMS), "limit": "20"}
    if rng.random() < 0.5:
        params["age"] = str(rng.randint(7, 17))
    r = rng.random()
    if r < 0.3:
        params["district"] = rng.choice(loadgen.DISTRICTS)
    elif r < 0.6:
        params["postcode"], params["max_km"] = rng.choice(loadgen.POSTCODES), str(rng.choice([2, 3, 5]))
    if rng.random() < 0.2:
        params["weekday"] = rng.choice(loadgen.WEEKDAYS)
    if rng.random() < 0.1:
        params["free"] = "1"
    return params


def unique_args(rng: random.Random, i: int) -> dict:
    """Return a search whose text was never asked before: a typo of a known word, or a new word."""
    word = rng.choice([w for w in loadgen.SEARCH_TERMS if len(w) >= 4])
    if rng.random() < 0.5:
        pos = rng.randrange(len(word))
        text = word[:pos] + rng.choice(LETTERS) + word[pos + 1:] + f" {i}"
    else:
        text = "".join(rng.choice(LETTERS) for _ in range(rng.randint(4, 9)))
    params = {"q": text, "limit": "20"}
    if rng.random() < 0.3:
        params["age"] = str(rng.randint(7, 17))
    return params


def filter_args(rng: random.Random) -> dict:
    """Return the load mix with a gender or time-of-day filter and a sort; a district search shows nearby offers."""
    params = loadgen_args(rng)
    if rng.random() < 0.5:
        params["gender"] = rng.choice(["girl", "boy", "girls-only", "boys-only"])
    if rng.random() < 0.5:
        params["time"] = rng.choice(["morning", "afternoon", "evening"])
    places = "postcode" in params or "district" in params
    params["sort"] = rng.choice(["relevance", "price", "spots"] + (["distance"] if places else []))
    return params


def percentile(values: list[float], p: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, max(0, int(round(p / 100 * len(v) + 0.5)) - 1))] * 1000


def prepare_sqlite(path: Path, offers: int) -> str:
    """Migrate and seed a SQLite database, plus ``offers`` generated services; return its URL."""
    url = f"sqlite:///{path}"
    if path.exists():
        return url
    from bulk_catalogue import bulk_import
    from sqlalchemy.orm import Session

    from matcher.db import make_engine
    from matcher.migrate import upgrade
    from matcher.seeding import seed

    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        seed(session, log=lambda *_: None)
        session.commit()
    engine.dispose()
    if offers:
        bulk_import(url, offers, log=lambda m: print(m, file=sys.stderr))
    return url


def run(url: str, n: int, seed: int) -> list[tuple[str, int, float, float, float, float, float]]:
    from sqlalchemy import func, select

    from matcher.catalogue.models import Offer
    from matcher.catalogue.search import SearchQuery, parse_query, search
    from matcher.db import make_engine
    from matcher.runtime import Runtime

    engine = make_engine(url)
    factory = Runtime.from_env().sessions(engine)
    rows = []
    with factory() as session:
        t0 = time.perf_counter()
        first = search(session, parse_query({"q": "fodbold", "limit": "20"}))
        first_s = time.perf_counter() - t0
        total = session.scalar(select(func.count(Offer.id)))
        print(f"{total:,} offers; first search (builds what it needs) {first_s:.2f} s, {first.total} hits",
              file=sys.stderr)
        mixes = [("load-test mix", lambda rng, i: loadgen_args(rng)), ("never-repeated texts", unique_args)]
        if hasattr(SearchQuery, "sort"):  # versions with gender, time of day, sort and nearby offers
            mixes.append(("+ gender/time filters, sorts, nearby", lambda rng, i: filter_args(rng)))
        for label, make in mixes:
            rng = random.Random(seed)
            times = []
            for i in range(n):
                args = make(rng, i)
                t = time.perf_counter()
                search(session, parse_query(args))
                times.append(time.perf_counter() - t)
                session.rollback()
            rows.append((label, total, first_s, percentile(times, 50), percentile(times, 95), percentile(times, 99),
                         max(times) * 1000))
            print(f"  {label}: {n} searches", file=sys.stderr)
    engine.dispose()
    return rows


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--offers", type=int, default=0, help="generated offers on top of the demo (SQLite)")
    ap.add_argument("--sqlite", type=Path, default=None, help="keep/reuse the SQLite database here")
    ap.add_argument("--dump", type=Path, default=None, help="a load-test dump to restore into a temporary PostgreSQL")
    ap.add_argument("--database-url", default=None, help="an existing, prepared database")
    ap.add_argument("--searches", type=int, default=300, help="searches per mix")
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args(argv)
    pg, scratch = None, None
    try:
        if args.database_url:
            url = args.database_url
        elif args.dump:
            from pgtemp import TempPostgres
            from run_load import restore_dump

            pg = TempPostgres()
            pg.start()
            url = pg.create_database("matcher")
            restore_dump(pg, args.dump)
        else:
            if args.sqlite is None:
                scratch = tempfile.TemporaryDirectory(prefix="matcher-bench-search-")
            path = args.sqlite or Path(scratch.name) / "search.db"
            url = prepare_sqlite(path, args.offers)
        print(f"load average at start {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", file=sys.stderr)
        rows = run(url, args.searches, args.seed)
    finally:
        if pg is not None:
            pg.stop()
        if scratch is not None:
            scratch.cleanup()
    print(f"\nSearch benchmark, {url.split(':')[0]}; load average at end {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} CPUs\n")
    print("| searches | offers | first search s | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, total, first_s, p50, p95, p99, top in rows:
        print(f"| {label} | {total:,} | {first_s:.2f} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {top:.1f} |")


if __name__ == "__main__":
    main()
