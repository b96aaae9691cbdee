"""A closed-loop HTTP load generator (stdlib threads + http.client) for the matcher API.

Each virtual user loops: pick an operation by weight, send it, record (start, latency, status).
Participation writes carry a unique Idempotency-Key and are retried with the SAME key on
connection errors, timeouts and 5xx; every 2xx is recorded as an acknowledged write.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode

SEARCH_TERMS = ["fodbold", "soccer", "fotbold", "gaming", "dans", "svømning", "musik", "heste", "spejder",
                "boksning", "teater", "kunst", "hiphop", "basket", "klatring", "madlavning", "håndbold", ""]
DISTRICTS = ["noerrebro", "oesterbro", "vesterbro-kongens-enghave", "valby", "amager-oest", "bispebjerg"]
POSTCODES = ["2200", "2100", "1620", "2500", "2300", "2400", "2450", "2700", "2720", "1050"]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@dataclass
class Sample:
    endpoint: str
    start: float
    latency: float
    status: int  # 0 = connection error / timeout
    detail: str = ""


@dataclass
class Ack:
    key: str
    child_id: int
    referral_id: int
    entry_id: int
    attempts: int


@dataclass
class Shared:
    host: str
    port: int
    search_token: str
    match_token: str
    write_token: str
    targets: list[tuple[int, int]]  # (child_id, referral_id) of the contact person
    profiles: list[dict]
    deadline: float
    max_requests: int
    weights: tuple[float, float, float] = (0.60, 0.25, 0.15)
    timeout: float = 30.0
    think: float = 0.0
    samples: list[Sample] = field(default_factory=list)
    acks: list[Ack] = field(default_factory=list)
    unacked: list[str] = field(default_factory=list)  # keys given up on (state unknown)
    lock: threading.Lock = field(default_factory=threading.Lock)
    sent: int = 0
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])

    def take_ticket(self) -> bool:
        with self.lock:
            if self.sent >= self.max_requests or time.time() >= self.deadline:
                return False
            self.sent += 1
            return True


def request(sh: Shared, method: str, path: str, token: str, body: dict | None = None,
            headers: dict | None = None) -> tuple[int, bytes, str]:
    conn = http.client.HTTPConnection(sh.host, sh.port, timeout=sh.timeout)
    try:
        hdrs = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        hdrs.update(headers or {})
        conn.request(method, path, body=data, headers=hdrs)
        resp = conn.getresponse()
        return resp.status, resp.read(), ""
    except Exception as exc:  # connection refused/reset, timeout
        return 0, b"", f"{type(exc).__name__}: {exc}"
    finally:
        conn.close()


def record(sh: Shared, endpoint: str, t0: float, status: int, detail: str) -> None:
    s = Sample(endpoint, t0, time.time() - t0, status, detail)
    with sh.lock:
        sh.samples.append(s)


def do_search(sh: Shared, rng: random.Random) -> None:
    params = {"q": rng.choice(SEARCH_TERMS), "limit": 20}
    if rng.random() < 0.5:
        params["age"] = rng.randint(7, 17)
    r = rng.random()
    if r < 0.3:
        params["district"] = rng.choice(DISTRICTS)
    elif r < 0.6:
        params["postcode"], params["max_km"] = rng.choice(POSTCODES), rng.choice([2, 3, 5])
    if rng.random() < 0.2:
        params["weekday"] = rng.choice(WEEKDAYS)
    if rng.random() < 0.1:
        params["free"] = 1
    t0 = time.time()
    status, body, err = request(sh, "GET", "/api/v1/offers?" + urlencode(params), sh.search_token)
    record(sh, "GET /offers", t0, status, err or (body[:200].decode(errors="replace") if status >= 400 else ""))


def do_match(sh: Shared, rng: random.Random) -> None:
    kind = rng.choices(["activity", "leisure-job", "mentor"], [0.8, 0.1, 0.1])[0]
    body = {"child": rng.choice(sh.profiles), "kind": kind, "limit": 10}
    token = sh.match_token if rng.random() < 0.5 else sh.write_token
    t0 = time.time()
    status, resp, err = request(sh, "POST", "/api/v1/match", token, body)
    record(sh, "POST /match", t0, status, err or (resp[:200].decode(errors="replace") if status >= 400 else ""))


def do_participation(sh: Shared, rng: random.Random) -> None:
    child_id, referral_id = rng.choice(sh.targets)
    key = f"load-{sh.run_id}-{uuid.uuid4().hex}"
    # The note carries the key, so the check afterwards finds every row a retry may have doubled.
    body = {"referral_id": referral_id, "attended": rng.random() < 0.8, "note": key,
            "accompanied_by": rng.choice(["alone", "alone", "contact_person", "club_contact"])}
    path = f"/api/v1/children/{child_id}/participation"
    delay = 0.25
    for attempt in range(1, 9):
        t0 = time.time()
        status, resp, err = request(sh, "POST", path, sh.write_token, body, {"Idempotency-Key": key})
        record(sh, "POST /participation", t0, status,
               err or (resp[:200].decode(errors="replace") if status >= 400 else ""))
        if 200 <= status < 300:
            entry = json.loads(resp)
            with sh.lock:
                sh.acks.append(Ack(key, child_id, referral_id, int(entry["id"]), attempt))
            return
        if 400 <= status < 500:
            break  # a refusal: not retried, not acknowledged
        if time.time() + delay >= sh.deadline + 30:
            break
        time.sleep(delay)  # connection error or 5xx: retry with the SAME key
        delay = min(delay * 2, 4.0)
    with sh.lock:
        sh.unacked.append(key)


def user_loop(sh: Shared, seed: int) -> None:
    rng = random.Random(seed)
    ops = (do_search, do_match, do_participation)
    while sh.take_ticket():
        rng.choices(ops, sh.weights)[0](sh, rng)
        if sh.think:
            time.sleep(rng.expovariate(1 / sh.think))


def run(sh: Shared, users: int) -> float:
    threads = [threading.Thread(target=user_loop, args=(sh, i), daemon=True) for i in range(users)]
    t0 = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.time() - t0
