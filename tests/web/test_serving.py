"""`matcher serve`: the master builds the indexes before it forks; workers (and replacements) serve at once."""

from __future__ import annotations

import gc
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from matcher.runtime import runtime_of
from matcher.web.serving import Server, post_fork


@pytest.fixture
def database(tmp_path, web_template, monkeypatch) -> str:
    path = tmp_path / "serve.db"
    shutil.copyfile(web_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("MATCHER_DATABASE_URL", url)
    monkeypatch.setenv("MATCHER_SECRET_KEY", "serve-test-secret")
    return url


def test_the_master_builds_both_indexes_and_keeps_no_connection(database):
    app = Server({"bind": "127.0.0.1:0", "workers": 1}).load()
    try:
        assert gc.get_freeze_count() > 0  # the inherited objects are out of the collector's reach
        runtime = runtime_of(app)
        assert runtime.search.indexes.peek(database) is not None
        assert runtime.matching.indexes.peek(database) is not None
        engine = app.extensions["matcher.engine"]
        assert engine.pool.checkedout() == 0
        post_fork(type("Arbiter", (), {"app": type("App", (), {"wsgi": lambda self: app})()})(), None)
    finally:
        gc.unfreeze()
        app.extensions["matcher.engine"].dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, token: str | None = None) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"} if token else {})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def _workers(master: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to find gunicorn's workers")
def test_serve_answers_and_a_replaced_worker_answers_too(database):
    matcher = str(Path(sys.executable).parent / "matcher")
    env = dict(os.environ, MATCHER_LOG_LEVEL="WARNING")
    token = subprocess.run([matcher, "users", "token", "contact_person@kk.dk"], env=env, check=True,
                           capture_output=True, text=True).stdout.strip()
    port = _free_port()
    server = subprocess.Popen([matcher, "serve", "--port", str(port), "--workers", "2"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if _get(port, "/healthz")[0] == 200 and len(_workers(server.pid)) == 2:
                    break
            except OSError:
                time.sleep(0.2)
        status, body = _get(port, "/api/v1/offers?q=fotbold", token)
        assert status == 200 and [r["title"] for r in body["results"]] == ["Pigefodbold U12"]
        victim = _workers(server.pid)[0]
        os.kill(victim, signal.SIGKILL)
        while time.monotonic() < deadline and (victim in _workers(server.pid) or len(_workers(server.pid)) < 2):
            time.sleep(0.1)
        answers = [_get(port, "/api/v1/offers?q=fotbold", token)[0] for _ in range(6)]
        assert answers == [200] * 6
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)


def test_index_build_writes_files_a_server_reads_instead_of_building(database, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from matcher.cli import cli
    from matcher.matching.search_index import SearchIndex
    from matcher.services.matching import MatchService

    cache = tmp_path / "index-cache"
    result = CliRunner().invoke(cli, ["index", "build", "--index-cache", str(cache)])
    assert result.exit_code == 0, result.output
    assert "built search index" in result.output and len(list(cache.glob("*.pickle"))) == 2

    def never(*_args, **_kwargs):
        raise AssertionError("built again although the index cache holds this revision")

    monkeypatch.setattr(MatchService, "fit", never)
    monkeypatch.setattr(SearchIndex, "__init__", never)
    app = Server({"bind": "127.0.0.1:0"}, index_cache=cache).load()
    try:
        runtime = runtime_of(app)  # a runtime of its own: nothing was kept from the build command's
        assert runtime.search.indexes.peek(database) is not None and runtime.matching.indexes.peek(database) is not None
    finally:
        gc.unfreeze()
        app.extensions["matcher.engine"].dispose()


def test_a_server_starts_even_when_the_database_cannot_be_read(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("MATCHER_DATABASE_URL", f"sqlite:///{tmp_path / 'not-migrated.db'}")
    monkeypatch.setenv("MATCHER_SECRET_KEY", "serve-test-secret")
    app = Server({"bind": "127.0.0.1:0"}).load()
    try:
        assert "indexes not built before serving" in caplog.text
    finally:
        gc.unfreeze()
        app.extensions["matcher.engine"].dispose()
