"""A throw-away PostgreSQL 15 server on 127.0.0.1 for the load test (same approach as tests/pg.py),
with durable defaults (fsync and synchronous_commit on) and a restart for fault injection."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def find_bin(name: str) -> str:
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(folder) / name).exists():
            return str(Path(folder) / name)
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"PostgreSQL program {name} not found (install Debian's postgresql package)")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TempPostgres:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="matcher-load-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.user = "matcher"
        self.started = False

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = list(args)
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        return subprocess.run(cmd, check=check, env=dict(os.environ, LC_ALL="C.UTF-8"),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> None:
        if os.geteuid() == 0:
            os.chmod(self.dir, 0o777)
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(find_bin("initdb"), "-D", str(self.data), "-U", self.user, "--auth=trust", "-E", "UTF8")
        opts = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.dir} "
                "-c max_connections=200 -c shared_buffers=512MB")
        self._run(find_bin("pg_ctl"), "-D", str(self.data), "-o", opts, "-l", str(self.dir / "log"), "-w", "start")
        self.started = True
        self.wait_ready(30)

    def wait_ready(self, timeout: float) -> float:
        t0 = time.time()
        import psycopg

        while time.time() - t0 < timeout:
            try:
                psycopg.connect(self.dsn("postgres"), connect_timeout=2).close()
                return time.time() - t0
            except Exception:
                time.sleep(0.1)
        raise RuntimeError("PostgreSQL not ready; see " + str(self.dir / "log"))

    def dsn(self, database: str = "matcher") -> str:
        return f"host=127.0.0.1 port={self.port} user={self.user} dbname={database}"

    def create_database(self, name: str = "matcher") -> str:
        import psycopg

        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{name}"

    def restart_fast(self) -> float:
        """pg_ctl restart -m fast; returns seconds until a new connection succeeds."""
        t0 = time.time()
        self._run(find_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "restart",
                  "-l", str(self.dir / "log"))
        self.wait_ready(60)
        return time.time() - t0

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join((self.dir / "log").read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def stop(self) -> None:
        try:
            if self.started:
                self._run(find_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop", check=False)
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
