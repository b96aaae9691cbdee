"""Benchmark: import throughput for a generated national-scale HSDS file (not a test).

Generates N services in the Danish profile (real Danish postcode centroids), imports them
into a fresh database in one transaction, re-imports them (all unchanged), exports them,
and prints a Markdown table.

    .venv/bin/python bench/bench_import.py --offers 100000 [--database-url URL]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matcher.catalogue.hsds_export import iter_services  # noqa: E402
from matcher.catalogue.hsds_import import import_services, load_services  # noqa: E402
from matcher.db import make_engine  # noqa: E402
from matcher.migrate import upgrade  # noqa: E402
from matcher.seeding import load_reference  # noqa: E402

NS = uuid.UUID("0b5c3f7e-3a43-4f5e-a1a5-0c2b7a9d9e01")
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA"]


def postcodes() -> list[tuple[str, str, float, float]]:
    with (ROOT / "matcher" / "data" / "geo" / "dk_postnumre_centroids.csv").open(encoding="utf-8") as fh:
        return [(r["postnr"], r["navn"], float(r["centroid_lat"]), float(r["centroid_lon"]))
                for r in csv.DictReader(fh)]


def generate(n: int, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    places = postcodes()
    interests = [t["code"] for t in json.loads((ROOT / "seeds" / "interests.json").read_text())]
    services = []
    n_orgs = max(1, n // 4)
    for i in range(n):
        org = i % n_orgs
        pc, city, lat, lon = places[org % len(places)]
        sid = str(uuid.uuid5(NS, f"s{i}"))
        age = rng.randint(6, 15)
        services.append({
            "id": sid, "name": f"Hold {i}", "description": "Et hold for børn og unge.", "status": "active",
            "minimum_age": age, "maximum_age": age + rng.randint(1, 4),
            "assured_date": f"2026-{rng.randint(1, 11):02d}-01",
            "organization": {"id": str(uuid.uuid5(NS, f"o{org}")), "name": f"Forening {org}",
                             "description": "En forening."},
            "service_at_locations": [{"id": str(uuid.uuid5(NS, f"sal{i}")), "location": {
                "id": str(uuid.uuid5(NS, f"l{i}")), "location_type": "physical", "name": f"Sted {i}",
                "latitude": lat + rng.uniform(-0.01, 0.01), "longitude": lon + rng.uniform(-0.01, 0.01),
                "addresses": [{"id": str(uuid.uuid5(NS, f"a{i}")), "address_1": f"Vej {i}", "city": city,
                               "state_province": "", "postal_code": pc, "country": "DK",
                               "address_type": "physical"}]}}],
            "schedules": [{"id": str(uuid.uuid5(NS, f"sc{i}")), "freq": "WEEKLY",
                           "byday": ",".join(rng.sample(DAYS, 2)), "opens_at": "16:00:00", "closes_at": "17:30:00"}],
            "cost_options": [{"id": str(uuid.uuid5(NS, f"c{i}")), "option": "per month", "currency": "DKK",
                              "amount": rng.choice([0, 50, 100, 150, 250])}],
            "capacities": [{"id": str(uuid.uuid5(NS, f"cap{i}")), "unit": {"id": "u", "name": "pladser"},
                            "available": rng.randint(0, 10), "maximum": 20, "updated": "2026-11-01T00:00:00Z"}],
            "languages": [{"id": str(uuid.uuid5(NS, f"lang{i}")), "name": "Dansk", "code": "da"}],
            "attributes": [{"id": str(uuid.uuid5(NS, f"at{i}")), "taxonomy_term": {
                "id": "t-" + code, "code": code, "name": code.title(), "description": code, "taxonomy": "interest"}}
                for code in rng.sample(interests, 2)],
        })
    return services


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="matcher-bench-"))
    path = tmp / "services.json"
    t0 = time.perf_counter()
    path.write_text(json.dumps(generate(args.offers)), encoding="utf-8")
    gen_s = time.perf_counter() - t0
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    upgrade(url)
    engine = make_engine(url)
    rows = []
    with Session(engine) as session:
        load_reference(session)
        session.commit()
        for label in ("first import (all created)", "re-import (all unchanged)"):
            t0 = time.perf_counter()
            services = load_services(path.read_bytes())
            summary = import_services(session, services)
            session.commit()
            secs = time.perf_counter() - t0
            rows.append((label, secs, args.offers / secs, str(summary)))
        t0 = time.perf_counter()
        n = sum(1 for _ in iter_services(session))
        secs = time.perf_counter() - t0
        rows.append(("export", secs, n / secs, f"{n} services"))
    engine.dispose()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nHSDS import benchmark: {args.offers:,} services, {path.stat().st_size / 1e6:.0f} MB JSON "
          f"(generated in {gen_s:.1f} s), database {url.split(':')[0]}, peak RSS {rss:.0f} MB\n")
    print("| step | seconds | services/s | result |")
    print("|---|---:|---:|---|")
    for label, secs, rate, result in rows:
        print(f"| {label} | {secs:.1f} | {rate:,.0f} | {result} |")


if __name__ == "__main__":
    main()
