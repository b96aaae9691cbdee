"""Benchmark: a match as the server answers it, in process, against a prepared database (not a test).

Opens the app on ``--database-url`` (a PostgreSQL database the load test prepared, e.g. restored
from `bench/load/run_load.py --dump`), reads or builds its indexes in ``--index-cache`` as
`matcher serve --index-cache` does, freezes the heap as the server's master does before forking,
and then times, one call at a time and without the network or other users:

- `POST /api/v1/match` through Flask's test client (rate limit, token, catalogue revision,
  ranking, JSON), with the load generator's profiles (`make_profiles(300, seed=3)`) and kinds
  (80 % activities, 10 % leisure jobs, 10 % mentors);
- `Ranker.rank` alone on the same calls.

    .venv/bin/python bench/bench_match_served.py --database-url postgresql+psycopg://… --index-cache DIR
        [--requests 400] [--email noegle@demo.matcher.dk]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def percentiles(label: str, ms: list[float]) -> str:
    a = np.array(ms)
    return f"| {label} | {len(a)} | {np.percentile(a, 50):.1f} | {np.percentile(a, 95):.1f} | {a.mean():.1f} |"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database-url", required=True)
    ap.add_argument("--index-cache", required=True, type=Path)
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--email", default="noegle@demo.matcher.dk", help="the key staff user whose API token is used")
    args = ap.parse_args(argv)
    os.environ.update(MATCHER_DATABASE_URL=args.database_url, MATCHER_ENV="development",
                      MATCHER_LOG_LEVEL="WARNING", MATCHER_RATE_LIMIT_API="1000000")
    os.environ.setdefault("MATCHER_SECRET_KEY", "bench-" + "x" * 40)
    token = subprocess.run([str(Path(sys.executable).parent / "matcher"), "users", "token", args.email],
                           check=True, capture_output=True, text=True, env=os.environ).stdout.strip()

    from match_catalogue import make_profiles

    from matcher.catalogue.search import database_key
    from matcher.clock import local_today
    from matcher.matching.profile import ChildProfile
    from matcher.runtime import runtime_of
    from matcher.web import create_app
    from matcher.web.serving import warm

    app = create_app()
    runtime = runtime_of(app)
    runtime.use_index_store(args.index_cache)
    t0 = time.perf_counter()
    warm(app)
    print(f"indexes ready in {time.perf_counter() - t0:.1f} s (read from or built into {args.index_cache})")
    gc.freeze()  # as the server's master does before forking: the indexes' objects are never scanned again

    profiles = make_profiles(300, seed=3)
    rng = random.Random(5)
    calls = [{"child": rng.choice(profiles), "limit": 10,
              "kind": rng.choices(["activity", "leisure-job", "mentor"], [0.8, 0.1, 0.1])[0]}
             for _ in range(args.requests)]
    client, headers = app.test_client(), {"Authorization": f"Bearer {token}"}
    for body in calls[:20]:  # warm-up: caches, the first queries' plans
        assert client.post("/api/v1/match", json=body, headers=headers).status_code == 200
    http: dict[str, list[float]] = {"all": [], "activity": []}
    for body in calls:
        t = time.perf_counter()
        response = client.post("/api/v1/match", json=body, headers=headers)
        ms = (time.perf_counter() - t) * 1000
        if response.status_code != 200:
            raise SystemExit(f"POST /api/v1/match answered {response.status_code}: {response.get_data(as_text=True)[:200]}")
        http["all"].append(ms)
        if body["kind"] == "activity":
            http["activity"].append(ms)

    with app.extensions["matcher.sessions"]() as session:
        ranker = runtime.matching.indexes.peek(database_key(session)).value
    today = local_today()
    rank: dict[str, list[float]] = {"all": [], "activity": []}
    for body in calls:
        profile = ChildProfile.from_dict(body["child"], today=today)
        t = time.perf_counter()
        ranker.rank(profile, kind=body["kind"], limit=10, today=today)
        ms = (time.perf_counter() - t) * 1000
        rank["all"].append(ms)
        if body["kind"] == "activity":
            rank["activity"].append(ms)

    print(f"\n{ranker.n_candidates_:,} candidates, load average {os.getloadavg()[0]:.1f} at the end\n")
    print("| step | calls | p50 ms | p95 ms | mean ms |\n|---|---:|---:|---:|---:|")
    for name, ms in http.items():
        print(percentiles(f"POST /api/v1/match, {name}", ms))
    for name, ms in rank.items():
        print(percentiles(f"Ranker.rank, {name}", ms))


if __name__ == "__main__":
    main()
