"""Two app servers against one PostgreSQL: a write through one is seen by the other within seconds.

The servers keep no state of their own apart from indexes built from PostgreSQL; each request
compares the catalogue revision in the database with its indexes' and applies the changed rows.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.web.conftest import build_fixture_database

pytestmark = pytest.mark.postgres
#: The product's goal for a club's change to reach search and match on every server.
GOAL_SECONDS = 5.0
GIRL = {"age": 11, "gender": "girl", "interests": "fodbold", "postcode": "2500"}


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _call(port: int, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def _poll(check, goal: float = GOAL_SECONDS) -> float | None:
    """Return the seconds until ``check()`` held, polling for ``goal`` seconds (at least three tries), else None."""
    started = time.monotonic()
    tries = 0
    while tries < 3 or time.monotonic() - started < goal:
        tries += 1
        if check():
            return time.monotonic() - started
        time.sleep(0.1)
    return None


@pytest.fixture
def two_servers(pg_server):
    url = pg_server.create_database("t_" + uuid.uuid4().hex[:12])
    build_fixture_database(url)
    matcher = str(Path(sys.executable).parent / "matcher")
    env = dict(os.environ, MATCHER_DATABASE_URL=url, MATCHER_SECRET_KEY="two-servers", MATCHER_LOG_LEVEL="WARNING")
    token = subprocess.run([matcher, "users", "token", "key_staff@kk.dk"], env=env, check=True,
                           capture_output=True, text=True).stdout.strip()
    ports = [_free_port(), _free_port()]
    servers = [subprocess.Popen([matcher, "serve", "--port", str(port), "--workers", "1"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
               for port in ports]
    try:
        for port in ports:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if _call(port, "GET", "/healthz", token)[0] == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline, "a server did not start"
                time.sleep(0.2)
        yield ports, token
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
        for server in servers:
            server.wait(30)


def test_a_write_on_one_server_is_seen_by_the_other(two_servers):
    (a, b), token = two_servers
    status, found = _call(b, "POST", "/api/v1/match", token, {"child": GIRL, "kind": "activity"})
    assert status == 200, found
    top = found["results"][0]
    assert top["name"] == "Pigefodbold U12"
    status, offer = _call(a, "GET", f"/api/v1/offers/{top['id']}", token)
    assert status == 200 and offer["spots_free"] > 0

    status, changed = _call(a, "PATCH", f"/api/v1/offers/{top['id']}", token,
                            {"spots_free": 0, "version": offer["version"]})
    assert status == 200, changed

    def gone_from_match() -> bool:
        status, body = _call(b, "POST", "/api/v1/match", token, {"child": GIRL, "kind": "activity"})
        return status == 200 and top["id"] not in [r["id"] for r in body["results"]] \
            and body["excluded"].get("no_free_spots", 0) >= 1

    assert _poll(gone_from_match) is not None, f"server B still proposes the full offer after {GOAL_SECONDS} s"

    status, changed = _call(a, "PATCH", f"/api/v1/offers/{top['id']}", token,
                            {"status": "paused", "version": changed["version"]})
    assert status == 200, changed

    def gone_from_search() -> bool:
        status, body = _call(b, "GET", "/api/v1/offers?q=fodbold", token)
        return status == 200 and top["id"] not in [r["id"] for r in body["results"]]

    assert _poll(gone_from_search) is not None, f"server B still finds the paused offer after {GOAL_SECONDS} s"
    # And back on server A, which made the change, too.
    status, body = _call(a, "GET", "/api/v1/offers?q=fodbold", token)
    assert status == 200 and top["id"] not in [r["id"] for r in body["results"]]
