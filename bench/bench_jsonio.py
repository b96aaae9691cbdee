"""Cost of strict JSON reading: matcher.jsonio.loads against json.loads on a generated HSDS file."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_import import generate  # noqa: E402

from matcher.jsonio import loads  # noqa: E402


def best_of(runs: int, fn, text) -> float:
    """Return the fastest of ``runs`` timings of ``fn(text)`` in seconds."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn(text)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    text = json.dumps(generate(args.offers), ensure_ascii=False).encode()
    plain, strict = best_of(args.runs, json.loads, text), best_of(args.runs, loads, text)
    deep = b"[" * 20_000 + b"]" * 20_000
    refused = best_of(args.runs, lambda t: _refuse(t), deep)
    print(f"{args.offers} services, {len(text) / 1e6:.0f} MB: json.loads {plain:.2f} s, "
          f"jsonio.loads {strict:.2f} s ({strict / plain:.2f}x); 20,000-deep body refused in {refused * 1000:.1f} ms")


def _refuse(text: bytes) -> None:
    try:
        loads(text)
    except ValueError:
        return
    raise AssertionError("a 20,000-deep document was accepted")


if __name__ == "__main__":
    main()
