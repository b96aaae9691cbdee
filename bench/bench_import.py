"""Benchmark: import throughput for a generated national-scale HSDS file (not a test).

Generates N services in the Danish profile (real Danish postcode centroids) into a file, imports
it into a fresh database in one transaction (streaming, as `matcher import hsds` does), re-imports
it (all unchanged), exports it (streaming, as `matcher export hsds`), each step in a process of its
own so its peak RSS is its own, and prints a Markdown table.

    .venv/bin/python bench/bench_import.py --offers 1000000 [--postgres | --database-url URL] [--workers N]

``--workers N`` decodes and validates in N worker processes while the first writes (``import_services(...,
workers=N)``, as `matcher import hsds` does by default with one per core); CPU seconds then cover all
processes, and the peak RSS in brackets is the largest worker's.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matcher.catalogue.hsds_export import export_json  # noqa: E402
from matcher.db import make_engine  # noqa: E402
from matcher.migrate import upgrade  # noqa: E402
from matcher.seeding import load_reference  # noqa: E402

NS = uuid.UUID("0b5c3f7e-3a43-4f5e-a1a5-0c2b7a9d9e01")
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA"]


def postcodes() -> list[tuple[str, str, float, float]]:
    with (ROOT / "matcher" / "data" / "geo" / "dk_postnumre_centroids.csv").open(encoding="utf-8") as fh:
        return [(r["postnr"], r["navn"], float(r["centroid_lat"]), float(r["centroid_lon"]))
                for r in csv.DictReader(fh)]


def iter_generated(n: int, seed: int = 1) -> Iterator[dict]:
    """Yield N generated services (the same ones for the same seed)."""
    rng = random.Random(seed)
    places = postcodes()
    interests = [t["code"] for t in json.loads((ROOT / "seeds" / "interests.json").read_text())]
    n_orgs = max(1, n // 4)
    for i in range(n):
        org = i % n_orgs
        pc, city, lat, lon = places[org % len(places)]
        sid = str(uuid.uuid5(NS, f"s{i}"))
        age = rng.randint(6, 15)
        yield {
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
        }


def generate(n: int, seed: int = 1) -> list[dict]:
    """Return N generated services as a list."""
    return list(iter_generated(n, seed))


def write_generated(path: Path, n: int, seed: int = 1) -> None:
    """Write N generated services as one HSDS JSON list, one service per line, without holding them."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write("[")
        for i, service in enumerate(iter_generated(n, seed)):
            fh.write(("\n" if i == 0 else ",\n") + json.dumps(service))
        fh.write("\n]\n")


def step(args) -> None:
    """Run one step in this process and print its figures as JSON (peak RSS is this process's)."""
    from matcher.catalogue.hsds_import import import_services, read_services

    engine = make_engine(args.database_url)
    t0, cpu0 = time.perf_counter(), time.process_time()
    with Session(engine) as session:
        if args.step == "export":
            out = Path(args.file)
            with out.open("w", encoding="utf-8") as fh:
                n = export_json(session, fh)
            result = f"{n} services, {out.stat().st_size / 1e6:.0f} MB"
        else:
            with open(args.file, "rb") as fh:
                summary = import_services(session, read_services(fh), workers=args.workers)
            session.commit()
            n, result = summary.created + summary.updated + summary.unchanged, str(summary)
    secs, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    engine.dispose()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN)  # the worker processes of --workers
    print(json.dumps({"seconds": secs, "cpu": cpu + child.ru_utime + child.ru_stime, "n": n, "result": result,
                      "rss_mb": rss, "child_rss_mb": child.ru_maxrss / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    parser.add_argument("--postgres", action="store_true", help="start a throw-away PostgreSQL on loopback")
    parser.add_argument("--no-export", action="store_true", help="skip the export step")
    parser.add_argument("--services", type=Path, help="generated file to reuse (written there when missing)")
    parser.add_argument("--workers", type=int, default=0, help="worker processes that decode and validate")
    parser.add_argument("--step", choices=["import", "export"], help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        return step(args)

    tmp = Path(tempfile.mkdtemp(prefix="matcher-bench-"))
    path = args.services or tmp / "services.json"
    t0 = time.perf_counter()
    if not path.exists():
        write_generated(path, args.offers)
    gen_s = time.perf_counter() - t0
    pg = None
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    if args.postgres:
        sys.path.insert(0, str(ROOT / "bench" / "load"))
        from pgtemp import TempPostgres

        pg = TempPostgres()
        pg.start()
        url = pg.create_database()
    try:
        upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            load_reference(session)
            session.commit()
        engine.dispose()
        rows = []
        steps = [("first import (all created)", "import", path), ("re-import (all unchanged)", "import", path),
                 ("export", "export", tmp / "export.json")]
        for label, kind, file in steps[:2] if args.no_export else steps:
            out = subprocess.run([sys.executable, __file__, "--step", kind, "--file", str(file),
                                  "--database-url", url, "--workers", str(args.workers)],
                                 check=True, capture_output=True, text=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            rows.append((label, r["seconds"], r["cpu"], r["n"] / r["seconds"], r["n"] / r["cpu"], r["result"],
                         r["rss_mb"], r["child_rss_mb"], os.getloadavg()[0]))
    finally:
        if pg is not None:
            pg.stop()
        for leftover in ((tmp / "services.json"), tmp / "export.json", tmp / "bench.db"):
            leftover.unlink(missing_ok=True)
    print(f"\nHSDS import benchmark: {args.offers:,} services, {path.stat().st_size / 1e6:.0f} MB JSON "
          f"(generated in {gen_s:.1f} s), database {url.split(':')[0]}, "
          f"{f'{args.workers} workers' if args.workers else 'serial'}, load average {os.getloadavg()[0]:.1f}\n")
    print("| step | wall s | CPU s | services per wall s | services per CPU s | peak RSS MB (worker) "
          "| load avg at end | result |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for label, secs, cpu, rate, cpu_rate, result, rss, child_rss, load in rows:
        worker = f" ({child_rss:,.0f})" if child_rss else ""
        print(f"| {label} | {secs:.1f} | {cpu:.1f} | {rate:,.0f} | {cpu_rate:,.0f} | {rss:,.0f}{worker} | {load:.1f} "
              f"| {result} |")


if __name__ == "__main__":
    main()
