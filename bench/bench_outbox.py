"""Outbox throughput: write N mails, then send them with one or two workers to aiosmtpd on 127.0.0.1.

Run: .venv/bin/python bench/bench_outbox.py [--messages 2000] [--workers 1|2] [--postgres]
Each message costs three committed transactions (claim, hand-over, mark sent) besides the SMTP
conversation, so durable commits (fsync) bound the rate; the figures go into the README.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from matcher.db import make_engine  # noqa: E402
from matcher.models import make_session_factory  # noqa: E402
from matcher.mail.models import OutboxMessage  # noqa: E402
from matcher.mail.operations import enqueue  # noqa: E402
from matcher.mail.sender import send_due  # noqa: E402
from matcher.mail.smtp import SmtpTarget  # noqa: E402
from matcher.migrate import upgrade  # noqa: E402
from tests.smtp import SmtpServer  # noqa: E402


def run(url: str, messages: int, workers: int) -> dict:
    """Write and send ``messages`` mails on ``url``; return the timings."""
    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    started = time.perf_counter()
    with factory.begin() as s:
        for i in range(messages):
            enqueue(s, f"modtager{i}@example.org", f"Besked {i}", "Hej\n\nDu har 1 nyt svar.\n", kind="bench",
                    flush=False)
    written = time.perf_counter() - started
    server = SmtpServer().start()
    target = SmtpTarget.parse(server.url)
    started = time.perf_counter()

    def work(n: int) -> None:
        while send_due(factory, target, "matcher@kk.dk", owner=f"bench{n}", limit=200).sent:
            pass

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sent_s = time.perf_counter() - started
    server.stop()
    with factory() as s:
        sent = s.scalar(select(func.count()).where(OutboxMessage.status == "sent"))
    ids = [m.message_id for m in server.received]
    engine.dispose()
    return {"messages": messages, "workers": workers, "write_s": written, "send_s": sent_s, "sent": sent,
            "received": len(ids), "duplicates": len(ids) - len(set(ids))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--postgres", action="store_true", help="a temporary PostgreSQL instead of SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pg = None
        if args.postgres:
            sys.path.insert(0, str(Path(__file__).resolve().parent / "load"))
            from pgtemp import TempPostgres

            pg = TempPostgres()
            pg.start()
            url = pg.create_database("outbox")
        else:
            url = f"sqlite:///{tmp}/outbox.db"
        try:
            r = run(url, args.messages, args.workers)
        finally:
            if pg is not None:
                pg.stop()
    print(f"{'PostgreSQL' if args.postgres else 'SQLite'}, {r['workers']} worker(s): wrote {r['messages']} in "
          f"{r['write_s']:.2f} s; sent {r['sent']} in {r['send_s']:.1f} s = {r['sent'] / r['send_s']:.0f} mails/s; "
          f"server got {r['received']}, duplicates {r['duplicates']}")
    return 0 if r["sent"] == r["received"] == r["messages"] and r["duplicates"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
