"""Benchmark the ranking core at national scale and at municipal scale.

Run:  .venv/bin/python bench/bench_match.py [--offers 300000] [--mentors 20000] [--profiles 1000]
Prints a Markdown table: fit time, memory, p50/p95 of ``Ranker.rank`` per kind, and a bare
numpy floor (one dense (n, 6) dot product + one haversine + argpartition over the same
candidates, i.e. the least any vectorised ranker must do) for comparison.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.match_catalogue import FALLBACK_TERMS, make_catalogue, make_profiles  # noqa: E402
from matcher.matching import COMPONENTS, ChildProfile, OfflineGeocoder, Ranker, load_interest_terms  # noqa: E402
from matcher.matching.chunks import RowChunks  # noqa: E402

TODAY = dt.date(2026, 11, 25)


def rss_mb() -> float:
    """Return the resident set size of this process in MB (Linux)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def index_mb(ranker: Ranker) -> float:
    """Return the bytes held by the fitted arrays and sparse matrices, in MB."""
    total = 0
    for block in ranker.blocks_.values():
        for value in vars(block).values():
            matrices = [*value.parts, *value.parts_t] if isinstance(value, RowChunks) else [value]
            for m in matrices:
                if isinstance(m, np.ndarray):
                    total += m.nbytes
                elif hasattr(m, "data") and hasattr(m, "indices"):
                    total += m.data.nbytes + m.indices.nbytes + m.indptr.nbytes
    return total / 2**20


def percentiles(samples: list[float]) -> tuple[float, float]:
    """Return p50 and p95 in milliseconds."""
    arr = np.asarray(samples) * 1000
    return float(np.percentile(arr, 50)), float(np.percentile(arr, 95))


class NumpyFloor:
    """A bare (n, 6) dot product + haversine + top-50 over ``n`` candidates, timed two ways.

    ``textbook`` recomputes the candidates' sines/cosines every call; ``tuned``
    precomputes them and runs one arcsine per call, as the ranker does.
    """

    def __init__(self, n: int, n_features: int, rng):
        self.rng = rng
        self.x = rng.random((n, n_features), dtype=np.float32)
        self.lat, self.lon = np.radians(rng.uniform(54.5, 57.7, n)), np.radians(rng.uniform(8, 15, n))
        self.clat, self.slat = np.cos(self.lat), np.sin(self.lat)
        self.clon, self.slon = np.cos(self.lon), np.sin(self.lon)
        self.top = min(50, n - 1)

    def textbook(self) -> float:
        """Return seconds for one textbook pass."""
        q = self.rng.random(self.x.shape[1], dtype=np.float32)
        p, l0 = np.radians(55.68 + self.rng.random() * 1e-2), np.radians(12.55)
        t0 = time.perf_counter()
        s = self.x @ q
        a = np.sin((self.lat - p) / 2) ** 2 + np.cos(p) * np.cos(self.lat) * np.sin((self.lon - l0) / 2) ** 2
        d = 2 * 6371.0088 * np.arcsin(np.sqrt(a))
        np.argpartition(d - s, self.top)[: self.top]
        return time.perf_counter() - t0

    def tuned(self) -> float:
        """Return seconds for one pass with precomputed trigonometry."""
        q = self.rng.random(self.x.shape[1], dtype=np.float32)
        p, l0 = np.radians(55.68 + self.rng.random() * 1e-2), np.radians(12.55)
        t0 = time.perf_counter()
        s = self.x @ q
        cp = np.cos(p)
        a = (1 - (self.clat * cp + self.slat * np.sin(p))) + self.clat * cp * (
            1 - (self.clon * np.cos(l0) + self.slon * np.sin(l0))
        )
        d = 2 * 6371.0088 * np.arcsin(np.sqrt(a * 0.5))
        np.argpartition(d - s, self.top)[: self.top]
        return time.perf_counter() - t0


def run(n_offers: int, n_mentors: int, n_profiles: int, terms, seed: int) -> list[dict]:
    """Fit one catalogue and time ``rank`` for every kind; return table rows."""
    geocoder = OfflineGeocoder()
    t0 = time.perf_counter()
    catalogue = make_catalogue(n_offers, n_mentors, terms, seed=seed, geocoder=geocoder)
    gen_s = time.perf_counter() - t0
    profiles = [ChildProfile.from_dict(p, today=TODAY, geocoder=geocoder)
                for p in make_profiles(n_profiles, geocoder=geocoder, seed=seed + 1)]
    gc.collect()
    before = rss_mb()
    t0 = time.perf_counter()
    ranker = Ranker(interest_matcher=terms, geocoder=geocoder, today=TODAY).fit(catalogue)
    fit_s = time.perf_counter() - t0
    gc.collect()
    rss_delta = rss_mb() - before
    rows = []
    rng = np.random.default_rng(seed)
    for kind in ("activity", "leisure-job", "mentor"):
        n_kind = len(ranker.blocks_[kind])
        for p in profiles[:20]:  # warm-up
            ranker.rank(p, kind=kind)
        floor = NumpyFloor(n_kind, len(COMPONENTS), rng)
        times, textbook, tuned = [], [], []
        for p in profiles:  # interleaved, so ranker and floor see the same machine conditions
            t = time.perf_counter()
            ranker.rank(p, kind=kind, limit=10)
            times.append(time.perf_counter() - t)
            textbook.append(floor.textbook())
            tuned.append(floor.tuned())
        p50, p95 = percentiles(times)
        f50, _ = percentiles(textbook)
        t50, t95 = percentiles(tuned)
        rows.append({
            "catalogue": f"{n_offers:,} offers + {n_mentors:,} mentors",
            "kind": kind, "n": n_kind, "gen_s": gen_s, "fit_s": fit_s, "rss_mb": rss_delta,
            "index_mb": index_mb(ranker), "p50": p50, "p95": p95, "floor50": f50, "tuned50": t50, "tuned95": t95,
        })
    return rows


def main(argv=None) -> None:
    """Parse options, run the large and the small catalogue, print a Markdown table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--offers", type=int, default=300_000)
    ap.add_argument("--mentors", type=int, default=20_000)
    ap.add_argument("--profiles", type=int, default=1_000)
    ap.add_argument("--small-offers", type=int, default=1_000)
    ap.add_argument("--small-mentors", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    seeds = ROOT / "seeds" / "interests.json"
    terms = load_interest_terms(seeds) if seeds.exists() else FALLBACK_TERMS
    print(f"taxonomy: {'seeds/interests.json' if seeds.exists() else 'built-in fallback'} ({len(terms)} terms); "
          f"numpy {np.__version__}; python {sys.version.split()[0]}; {args.profiles} profiles per kind; "
          f"{os.cpu_count()} CPUs; load average at start {os.getloadavg()[0]:.1f}\n")
    rows = run(args.offers, args.mentors, args.profiles, terms, args.seed)
    rows += run(args.small_offers, args.small_mentors, args.profiles, terms, args.seed + 10)
    print("| catalogue | kind | candidates of kind | fit s | RSS Δ MB | index MB | rank p50 ms | rank p95 ms "
          "| floor textbook p50 ms | floor tuned p50 ms | floor tuned p95 ms | rank p50 / tuned floor p50 |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['catalogue']} | {r['kind']} | {r['n']:,} | {r['fit_s']:.1f} | {r['rss_mb']:.0f} | "
              f"{r['index_mb']:.0f} | {r['p50']:.2f} | {r['p95']:.2f} | {r['floor50']:.2f} | "
              f"{r['tuned50']:.2f} | {r['tuned95']:.2f} | {r['p50'] / r['tuned50']:.1f}× |")
    print(f"\nload average at end {os.getloadavg()[0]:.1f} (1-min; above {os.cpu_count()} means other work shared the CPUs)")


if __name__ == "__main__":
    main()
