"""Benchmark: the public HSDS API and the feed sync at a given catalogue size (not a test).

Generates N services (as bench_import.py), serves them from a separate server process on 127.0.0.1,
and measures: streaming everything as ndjson (time, and the server's peak memory before/after, to
show the stream does not grow with N), paging through everything as JSON, a follower's first
`hsds-feed` sync and a re-sync with nothing new. Prints a Markdown row per step.

    .venv/bin/python bench/bench_hsds_api.py --offers 20000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_import import generate  # noqa: E402
from matcher.catalogue.hsds_import import import_services  # noqa: E402
from matcher.catalogue.hsds_sync import sync_feed  # noqa: E402
from matcher.db import make_engine  # noqa: E402
from matcher.migrate import upgrade  # noqa: E402
from matcher.seeding import load_reference  # noqa: E402

SERVER = """
import os, sys
os.environ["MATCHER_ENV"] = "testing"
from werkzeug.serving import make_server
from matcher.web import create_app
app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "bench", "TESTING": True, "RATE_LIMIT_API": 0})
server = make_server("127.0.0.1", int(sys.argv[2]), app, threaded=True)
print("ready", flush=True)
server.serve_forever()
"""


def database(url: str, services: list | None) -> None:
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        load_reference(session)
        if services:
            for start in range(0, len(services), 10_000):
                import_services(session, services[start:start + 10_000])
        session.commit()
    engine.dispose()


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=20_000)
    parser.add_argument("--port", type=int, default=5899)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="matcher-hsds-bench-"))
    publisher, follower = f"sqlite:///{tmp / 'publisher.db'}", f"sqlite:///{tmp / 'follower.db'}"
    t0 = time.perf_counter()
    database(publisher, generate(args.offers))
    database(follower, None)
    print(f"catalogue of {args.offers:,} services built in {time.perf_counter() - t0:.0f} s", file=sys.stderr)

    proc = subprocess.Popen([sys.executable, "-c", SERVER, publisher, str(args.port)], stdout=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, text=True)
    try:
        proc.stdout.readline()
        base = f"http://127.0.0.1:{args.port}/api/hsds"
        requests.get(base + "/services", params={"per_page": 1}, timeout=60)
        rows = [("server started (one small request)", 0.0, "", peak_mb(proc.pid))]

        t0 = time.perf_counter()
        lines = size = 0
        with requests.get(base + "/services", params={"format": "ndjson", "full": "true"}, stream=True,
                          timeout=600) as response:
            for line in response.iter_lines():
                lines += 1
                size += len(line) + 1
        secs = time.perf_counter() - t0
        rows.append((f"ndjson, full, all {lines:,} services ({size / 1e6:.0f} MB)", secs,
                     f"{lines / secs:,.0f}", peak_mb(proc.pid)))

        t0 = time.perf_counter()
        page, seen = 1, 0
        while True:
            body = requests.get(base + "/services", params={"page": page, "per_page": 200, "full": "true"},
                                timeout=600).json()
            seen += len(body["contents"])
            if body["last_page"]:
                break
            page += 1
        secs = time.perf_counter() - t0
        rows.append((f"JSON pages of 200, full, {seen:,} services ({page} pages)", secs, f"{seen / secs:,.0f}",
                     peak_mb(proc.pid)))

        engine = make_engine(follower)
        for label in ("follower: first hsds-feed sync", "follower: re-sync, nothing new"):
            t0 = time.perf_counter()
            with Session(engine) as session:
                result = sync_feed(session, base, overlap=dt.timedelta(0))
                session.commit()
            secs = time.perf_counter() - t0
            rate = f"{result.services / secs:,.0f}" if result.services else ""
            rows.append((f"{label}: {result.summary}", secs, rate, peak_mb(proc.pid)))
        engine.dispose()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(f"\nHSDS API benchmark: {args.offers:,} services, SQLite, werkzeug server in its own process\n")
    print("| step | seconds | services/s | server peak RSS MB |")
    print("|---|---:|---:|---:|")
    for label, secs, rate, rss in rows:
        print(f"| {label} | {secs:.1f} | {rate} | {rss:.0f} |")


if __name__ == "__main__":
    main()
