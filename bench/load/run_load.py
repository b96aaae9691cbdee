"""Load test of matcher on PostgreSQL under gunicorn, with a worker kill and a database restart.

    .venv/bin/python bench/load/run_load.py [--offers 300000] [--duration 60] [--users N] [--dump PATH] [--prepare-only]
        [--index-cache DIR]

Starts a throw-away PostgreSQL on 127.0.0.1, migrates and seeds the demo data (plus N generated
offers with --offers N; --dump PATH saves that database, or restores it when PATH exists), serves
the app with `matcher serve --workers 4` on 127.0.0.1 (indexes built in the master first), issues
API tokens for the demo contact person and key staff, and drives a closed-loop mix of search
(60 %), match (25 %) and participation logging (15 %) bounded by --duration and --max-requests.
At 1/3 of the run one gunicorn worker is SIGKILLed, at 2/3 PostgreSQL is restarted
(pg_ctl restart -m fast). Afterwards every acknowledged participation write (2xx) is looked up
by its Idempotency-Key (each write also carries it in its note): it must be present exactly once
with the id that was returned.
Prints Markdown tables; exits 1 when an acknowledged write is missing or duplicated.
Every request goes to 127.0.0.1 only. All processes and temp dirs are removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import loadgen  # noqa: E402
from pgtemp import TempPostgres, find_bin, free_port  # noqa: E402

SECRET_KEY = "load-test-fixed-secret-key-0123456789abcdef0123456789abcdef"
CONTACT = "kontakt@demo.matcher.dk"
KEY_STAFF = "noegle@demo.matcher.dk"
P95_TARGET_MS = 300.0


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def matcher_cmd(env: dict, *args: str, timeout: float = 3600) -> str:
    exe = str(Path(sys.executable).parent / "matcher")
    out = subprocess.run([exe, *args], env=env, check=True, capture_output=True, text=True, timeout=timeout)
    return out.stdout


def worker_pids(master: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def process_memory(master: int) -> str:
    """Return RSS and PSS of the gunicorn master and each worker, in MB."""
    parts = []
    for label, pid in [("master", master)] + [(f"worker {p}", p) for p in worker_pids(master)]:
        try:
            rss = pss = 0
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss = int(line.split()[1]) // 1024
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1]) // 1024
            parts.append(f"{label} RSS {rss:,} MB / PSS {pss:,} MB")
        except OSError:
            continue
    return "; ".join(parts)


def wait_http(port: int, timeout: float) -> None:
    import http.client

    t0 = time.time()
    while time.time() - t0 < timeout:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz")


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, max(0, int(round(p / 100 * len(v) + 0.5)) - 1))] * 1000


def in_windows(t: float, windows: list[tuple[float, float]]) -> bool:
    return any(a <= t <= b for a, b in windows)


def report(label: str, sh: loadgen.Shared, elapsed: float, windows: list[tuple[float, float]],
           t_start: float) -> tuple[str, dict]:
    rows = []
    groups = {"GET /offers": [], "POST /match": [], "POST /participation": []}
    for s in sh.samples:
        groups.setdefault(s.endpoint, []).append(s)
    out = ["| scenario | endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | p95 ms outside faults | errors "
           "| errors in fault windows |", "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    summary = {}
    for name, samples in [*groups.items(), ("overall", sh.samples)]:
        lat = [s.latency for s in samples]
        calm = [s.latency for s in samples if not in_windows(s.start, windows)]
        errs = [s for s in samples if not 200 <= s.status < 300]
        ferrs = [s for s in errs if in_windows(s.start, windows) or in_windows(s.start + s.latency, windows)]
        row = (label, name, len(samples), len(samples) / elapsed, pct(lat, 50), pct(lat, 95), pct(lat, 99),
               pct(calm, 95), len(errs), len(ferrs))
        rows.append(row)
        out.append("| %s | %s | %d | %.1f | %.0f | %.0f | %.0f | %.0f | %d | %d |" % row)
        summary[name] = row
    # 10-second timeline
    out += ["", f"Timeline ({label}), 10 s buckets; F = bucket overlaps a fault window:", "",
            "| t s | req/s | p95 ms | errors | |", "|---:|---:|---:|---:|---|"]
    buckets: dict[int, list] = {}
    for s in sh.samples:
        buckets.setdefault(int((s.start - t_start) // 10), []).append(s)
    for b in sorted(buckets):
        ss = buckets[b]
        lo, hi = t_start + b * 10, t_start + b * 10 + 10
        fault = any(a < hi and lo < z for a, z in windows)
        out.append("| %d | %.1f | %.0f | %d | %s |" % (b * 10, len(ss) / 10, pct([s.latency for s in ss], 95),
                                                      sum(1 for s in ss if not 200 <= s.status < 300),
                                                      "F" if fault else ""))
    return "\n".join(out), summary


def error_kinds(sh: loadgen.Shared) -> str:
    kinds: dict[str, int] = {}
    for s in sh.samples:
        if not 200 <= s.status < 300:
            detail = re.sub(r"\d+", "N", s.detail)[:120]
            k = f"{s.endpoint} status={s.status} {detail}"
            kinds[k] = kinds.get(k, 0) + 1
    return "\n".join(f"- {n} × {k}" for k, n in sorted(kinds.items(), key=lambda x: -x[1])) or "- none"


def gunicorn_summary(glog: str) -> str:
    """Master events and application exceptions in gunicorn's log, deduplicated."""
    lines, kinds = [], {}
    for line in glog.splitlines():
        if line.startswith("[") and ("ERROR" in line or "CRITICAL" in line or "WARNING" in line):
            lines.append("    " + line[:200])
        elif line.startswith("{") and '"exception"' in line:
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            exc = [x for x in rec["exception"].splitlines() if re.match(r"^[\w.]+(Error|Exception|Exit)\b", x)]
            k = f"{rec.get('message', '')[:50]}: " + re.sub(r"port \d+", "port N", exc[-1][:170] if exc else "?")
            kinds[k] = kinds.get(k, 0) + 1
    out = ["gunicorn master events:"] + (lines or ["    none"]) + ["application exceptions (count × last exception line):"]
    out += [f"    {n} × {k}" for k, n in sorted(kinds.items(), key=lambda x: -x[1])] or ["    none"]
    return "\n".join(out)


def save_dump(pg: TempPostgres, path: Path) -> None:
    """Write the prepared database (migrated, seeded, bulk-imported) as a pg_dump custom archive."""
    tmp = path.with_name(path.name + ".part")
    subprocess.run([find_bin("pg_dump"), "--format=custom", "--no-owner", "--file", str(tmp), "--dbname",
                    pg.dsn()], check=True, capture_output=True)
    tmp.replace(path)


def restore_dump(pg: TempPostgres, path: Path) -> None:
    """Load a dump made by ``save_dump`` into the empty database and gather the planner's statistics."""
    import psycopg

    subprocess.run([find_bin("pg_restore"), "--no-owner", "--exit-on-error", "--jobs", "2", "--dbname", pg.dsn(),
                    str(path)], check=True, capture_output=True)
    with psycopg.connect(pg.dsn(), autocommit=True) as conn:
        conn.execute("ANALYZE")  # a restored database has none; the planner would guess


def verify(pg: TempPostgres, sh: loadgen.Shared) -> dict:
    import psycopg

    with psycopg.connect(pg.dsn()) as conn:
        rows = conn.execute(
            "SELECT note, count(*), min(id), max(id) FROM participations "
            "WHERE note LIKE %s GROUP BY note", (f"load-{sh.run_id}-%",)).fetchall()
        total_rows = conn.execute("SELECT count(*) FROM participations WHERE note LIKE %s",
                                  (f"load-{sh.run_id}-%",)).fetchone()[0]
    by_key = {k: (n, lo, hi) for k, n, lo, hi in rows}
    acked = {a.key: a for a in sh.acks}
    missing = [k for k in acked if k not in by_key]
    dup = [k for k, (n, _, _) in by_key.items() if n > 1]
    wrong_id = [k for k, a in acked.items() if k in by_key and by_key[k][1] != a.entry_id]
    ack_twice = len(sh.acks) - len(acked)
    unacked_present = sum(1 for k in sh.unacked if k in by_key)
    return {"acknowledged": len(acked), "retried_acks": sum(1 for a in sh.acks if a.attempts > 1),
            "missing": len(missing), "duplicated": len(dup), "wrong_id": len(wrong_id),
            "rows_for_run": total_rows, "unacknowledged": len(sh.unacked),
            "unacknowledged_but_stored": unacked_present, "ack_key_twice": ack_twice,
            "missing_keys": missing[:10], "dup_keys": dup[:10], "wrong_id_keys": wrong_id[:10]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--offers", type=int, default=0, help="generated offers imported on top of the demo catalogue")
    ap.add_argument("--duration", type=float, default=60)
    ap.add_argument("--users", type=int, default=16, help="concurrent closed-loop virtual users")
    ap.add_argument("--max-requests", type=int, default=200_000)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--think", type=float, default=0.0, help="mean think time per user between requests, s")
    ap.add_argument("--no-faults", action="store_true")
    ap.add_argument("--warmup-timeout", type=float, default=900)
    ap.add_argument("--keep-log", type=Path, default=None, help="copy gunicorn's log here")
    ap.add_argument("--index-cache", type=Path, default=None,
                    help="build the indexes into this folder first (`matcher index build`, timed) and serve with "
                         "`--index-cache` (start-up then reads them instead of building)")
    ap.add_argument("--dump", type=Path, default=None,
                    help="reuse the prepared database in this pg_dump file if it exists (--offers then only labels the run), "
                         "else prepare it as usual and save it there; a 300,000-offer import takes ~15 min")
    ap.add_argument("--prepare-only", action="store_true",
                    help="stop after preparing (and with --dump saving) the database: prepare a large dump early")
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="matcher-load-"))
    pg = TempPostgres()
    server: subprocess.Popen | None = None
    gunicorn_log = tmp / "gunicorn.log"
    label = f"demo + {args.offers:,} offers" if args.offers else "demo catalogue"
    ok = False
    try:
        log(f"starting PostgreSQL in {pg.dir} on 127.0.0.1:{pg.port}")
        pg.start()
        url = pg.create_database("matcher")
        # MATCHER_RATE_LIMIT_API: the per-token API rate limit must not throttle the load generator.
        env = dict(os.environ, MATCHER_DATABASE_URL=url, MATCHER_SECRET_KEY=SECRET_KEY, MATCHER_ENV="development",
                   MATCHER_LOG_FORMAT="json", MATCHER_LOG_LEVEL="WARNING", MATCHER_RATE_LIMIT_API="1000000")
        import_note = ""
        if args.dump and args.dump.exists():
            t0 = time.time()
            restore_dump(pg, args.dump)
            matcher_cmd(env, "db", "upgrade")  # migrations newer than the dump
            import_note = f"restored {args.dump.name} in {time.time() - t0:.0f} s (made with --offers as then)"
            log(import_note)
        else:
            matcher_cmd(env, "db", "upgrade")
            matcher_cmd(env, "seed")
            log("migrated and seeded the demo data")
            if args.offers:
                from bulk_catalogue import bulk_import

                import_note = bulk_import(url, args.offers, log=log)
                log("bulk import: " + import_note)
            if args.dump:
                save_dump(pg, args.dump)
                log(f"saved the prepared database to {args.dump} for --dump reruns")
        if args.prepare_only:
            ok = True
            return 0
        import psycopg

        with psycopg.connect(pg.dsn()) as conn:
            n_offers = conn.execute("SELECT count(*) FROM offers").fetchone()[0]
            conn.execute("ANALYZE")
        tokens = {e: matcher_cmd(env, "users", "token", e).strip() for e in (CONTACT, KEY_STAFF)}

        cache_note = ""
        serve_extra: list[str] = []
        if args.index_cache:
            t0 = time.time()
            built = matcher_cmd(env, "index", "build", "--index-cache", str(args.index_cache)).strip()
            cache_note = f"`matcher index build` before serving: {time.time() - t0:.1f} s ({built})"
            log(cache_note)
            serve_extra = ["--index-cache", str(args.index_cache)]
        port = free_port()
        with gunicorn_log.open("wb") as fh:
            server = subprocess.Popen([str(Path(sys.executable).parent / "matcher"), "serve", "--host", "127.0.0.1",
                                       "--port", str(port), "--workers", str(args.workers), *serve_extra],
                                      env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
        t0 = time.time()
        wait_http(port, args.warmup_timeout)  # the master builds the search and match indexes before it listens
        ready_s = time.time() - t0
        log(f"gunicorn master {server.pid} on 127.0.0.1:{port} ready after {ready_s:.1f} s, "
            f"workers {worker_pids(server.pid)}")

        from match_catalogue import make_profiles

        profiles = make_profiles(300, seed=3)
        sh = loadgen.Shared("127.0.0.1", port, tokens[KEY_STAFF], tokens[KEY_STAFF], tokens[CONTACT], [], profiles,
                            deadline=0, max_requests=args.max_requests, think=args.think)
        status, body, err = loadgen.request(sh, "GET", "/api/v1/children?limit=500", tokens[CONTACT])
        assert status == 200, (status, body, err)
        children = [c["id"] for c in json.loads(body)["results"]]
        for cid in children:
            status, body, err = loadgen.request(sh, "GET", f"/api/v1/children/{cid}", tokens[CONTACT])
            assert status == 200, (status, body, err)
            for ref in json.loads(body)["referrals"]:
                if ref["status"] != "ended":
                    sh.targets.append((cid, ref["id"]))
        log(f"{CONTACT}: {len(children)} children, {len(sh.targets)} referrals open for participation")
        if not sh.targets:
            raise RuntimeError("the contact person has no open referral to log participation on")

        # Warm-up: every worker builds its match index and search caches before the clock starts.
        t0 = time.time()
        warm = [threading.Thread(target=lambda i=i: (loadgen.do_match(sh, random.Random(i)),
                                                     loadgen.do_search(sh, random.Random(i))))
                for i in range(args.workers * 3)]
        sh.timeout = args.warmup_timeout
        for t in warm:
            t.start()
        for t in warm:
            t.join()
        warmup_s = time.time() - t0
        warm_errors = [s for s in sh.samples if not 200 <= s.status < 300]
        log(f"warm-up {warmup_s:.1f} s, {len(sh.samples)} requests, {len(warm_errors)} errors "
            f"{[(s.endpoint, s.status, s.detail[:80]) for s in warm_errors[:3]]}")
        sh.samples.clear()
        sh.timeout = 30.0
        memory = process_memory(server.pid)
        log("resident memory after warm-up: " + memory)

        windows: list[tuple[float, float]] = []
        events: list[str] = []
        t_start = time.time()
        sh.deadline = t_start + args.duration

        def faults() -> None:
            time.sleep(args.duration / 3)
            pids = worker_pids(server.pid)
            victim = random.Random(1).choice(pids)
            ft = time.time()
            os.kill(victim, signal.SIGKILL)
            while True:  # gunicorn forks a replacement
                now = worker_pids(server.pid)
                if victim not in now and len(now) >= args.workers or time.time() - ft > 60:
                    break
                time.sleep(0.05)
            rec = time.time() - ft
            windows.append((ft, ft + rec + 5))
            events.append(f"t={ft - t_start:.1f} s SIGKILL worker {victim}; replacement forked after {rec:.2f} s "
                          f"(window counted: kill → +{rec + 5:.1f} s)")
            time.sleep(max(0.0, t_start + 2 * args.duration / 3 - time.time()))
            ft = time.time()
            took = pg.restart_fast()
            windows.append((ft, ft + took + 5))
            events.append(f"t={ft - t_start:.1f} s pg_ctl restart -m fast; accepting connections after {took:.2f} s "
                          f"(window counted: restart → +{took + 5:.1f} s)")

        fault_thread = None
        if not args.no_faults:
            fault_thread = threading.Thread(target=faults, daemon=True)
            fault_thread.start()
        log(f"driving {args.users} users for {args.duration:.0f} s (max {args.max_requests} requests)")
        elapsed = loadgen.run(sh, args.users)
        if fault_thread:
            fault_thread.join(timeout=120)
        log(f"load done in {elapsed:.1f} s, {len(sh.samples)} requests")

        table, summary = report(label, sh, elapsed, windows, t_start)
        check = verify(pg, sh)
        glog = gunicorn_log.read_text(errors="replace")
        print(f"\n## Load test: {label} ({n_offers:,} offers in the database), PostgreSQL 15, gunicorn "
              f"{args.workers} sync workers, {args.users} closed-loop users, think {args.think} s, "
              f"{os.cpu_count()} CPUs shared by load generator, gunicorn and PostgreSQL\n")
        if import_note:
            print(f"Catalogue import: {import_note}\n")
        print(f"Server start until /healthz answered: {ready_s:.1f} s ("
              f"{'indexes read from the index cache' if args.index_cache else 'indexes built'} in the master "
              f"before forking). Warm-up before the clock: {warmup_s:.1f} s ({args.workers * 3} match + search "
              f"requests). Load average at the end: {os.getloadavg()[0]:.1f}.\n")
        if cache_note:
            print(cache_note + "\n")
        print(f"Resident memory after warm-up (RSS; workers share the master's pages copy-on-write, PSS is each "
              f"one's share): {memory}\n")
        print("Faults:\n" + ("\n".join("- " + e for e in events) or "- none") + "\n")
        print(table + "\n")
        o = summary["overall"]
        print("| scenario | duration s | requests | req/s | p95 ms overall | p95 ≤ 300 ms | errors | errors in fault "
              "windows | acknowledged writes | acked after retry | missing | duplicated | id mismatch "
              "| given up (stored anyway) |")
        print("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|")
        print(f"| {label} | {elapsed:.0f} | {o[2]} | {o[3]:.1f} | {o[5]:.0f} | "
              f"{'yes' if o[5] <= P95_TARGET_MS else 'NO'} | {o[8]} | {o[9]} | {check['acknowledged']} | "
              f"{check['retried_acks']} | {check['missing']} | {check['duplicated']} | {check['wrong_id']} | "
              f"{check['unacknowledged']} ({check['unacknowledged_but_stored']}) |\n")
        print("Errors by kind:\n" + error_kinds(sh) + "\n")
        print("gunicorn log: %d worker timeouts, %d tracebacks, %d 'Booting worker', %d 5xx access lines\n" % (
            glog.count("WORKER TIMEOUT"), glog.count("Traceback"), glog.count("Booting worker"),
            len(re.findall(r'"status":5\d\d', glog))))
        print(gunicorn_summary(glog))
        if check["missing"] or check["duplicated"] or check["wrong_id"]:
            print("\nWRITE CHECK FAILED:", json.dumps(check, indent=1))
        ok = not (check["missing"] or check["duplicated"] or check["wrong_id"])
        if args.keep_log:
            shutil.copy(gunicorn_log, args.keep_log)
            shutil.copy(pg.dir / "log", str(args.keep_log) + ".postgres")
    except BaseException:
        if gunicorn_log.exists():
            print("--- gunicorn log tail ---\n" + "\n".join(gunicorn_log.read_text(errors="replace").splitlines()[-40:]),
                  file=sys.stderr)
        print("--- postgres log tail ---\n" + pg.log_tail(), file=sys.stderr)
        raise
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)  # our own process group: master and its workers
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(10)
        pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
