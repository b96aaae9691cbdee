"""Benchmark: what holding a block's TF-IDF rows in chunks costs ``Ranker.rank`` (not a test).

Fits one generated catalogue (bench_match's), then ranks every profile twice in turn, once with
the blocks as fitted (TF-IDF rows in chunks of ``CHUNK_ROWS``) and once with the same blocks
holding their TF-IDF rows as one chunk (what a block was before chunks: one matrix and one
transpose), so both see the same machine conditions call by call. Checks that both give the
same results and prints p50/p95 per kind.

    .venv/bin/python bench/bench_rank_chunks.py [--offers 1000000] [--mentors 20000] [--profiles 300]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.match_catalogue import FALLBACK_TERMS, make_catalogue, make_profiles  # noqa: E402
from matcher.matching import ChildProfile, OfflineGeocoder, Ranker, load_interest_terms  # noqa: E402
from matcher.matching.chunks import RowChunks  # noqa: E402

TODAY = dt.date(2026, 11, 25)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--offers", type=int, default=1_000_000)
    ap.add_argument("--mentors", type=int, default=20_000)
    ap.add_argument("--profiles", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    seeds = ROOT / "seeds" / "interests.json"
    terms = load_interest_terms(seeds) if seeds.exists() else FALLBACK_TERMS
    geocoder = OfflineGeocoder()
    print(f"load average at start {os.getloadavg()[0]:.1f}; {os.cpu_count()} CPUs", flush=True)
    catalogue = make_catalogue(args.offers, args.mentors, terms, seed=args.seed, geocoder=geocoder)
    ranker = Ranker(interest_matcher=terms, geocoder=geocoder, today=TODAY).fit(catalogue)
    del catalogue
    chunked = dict(ranker.blocks_)
    whole = {kind: dataclasses.replace(b, tfidf=None if b.tfidf is None else RowChunks([b.tfidf.tocsr()]),
                                       static=None) for kind, b in chunked.items()}
    profiles = [ChildProfile.from_dict(p, today=TODAY, geocoder=geocoder)
                for p in make_profiles(args.profiles, geocoder=geocoder, seed=args.seed + 1)]
    print("| kind | candidates | chunks | chunked p50 ms | p95 ms | one chunk p50 ms | p95 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for kind in ("activity", "leisure-job", "mentor"):
        times = {"chunked": [], "whole": []}
        for i, p in enumerate(profiles * 2):  # the first pass warms up, the second is timed
            order = ("chunked", "whole") if i % 2 else ("whole", "chunked")
            got = {}
            for side in order:
                ranker.blocks_[kind] = chunked[kind] if side == "chunked" else whole[kind]
                t0 = time.perf_counter()
                result = ranker.rank(p, kind=kind, limit=10)
                if i >= len(profiles):
                    times[side].append(time.perf_counter() - t0)
                got[side] = [(m.candidate.id, m.score, m.reasons) for m in result.results]
            assert got["chunked"] == got["whole"], "chunked and whole rankings differ"
        n_chunks = len(chunked[kind].tfidf.parts) if chunked[kind].tfidf is not None else 0
        row = [kind, f"{len(chunked[kind]):,}", str(n_chunks)]
        for side in ("chunked", "whole"):
            ms = np.asarray(times[side]) * 1000
            row += [f"{np.percentile(ms, 50):.2f}", f"{np.percentile(ms, 95):.2f}"]
        print("| " + " | ".join(row) + " |", flush=True)
    print(f"\nload average at end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
