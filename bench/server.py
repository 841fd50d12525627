"""Throw-away databases and uvicorn servers run the way production runs them.

A server is ``uvicorn --factory app.main:create_app --no-access-log`` (the container's command,
on a loopback port), one process, one worker, ``DISCLOSURE_ENV=production`` with real-length
secrets. On a machine with two or more cores the server is pinned to CPU 0 and the load
generators (wrk, the Python clients) to the other CPUs, so they never steal the server's core.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
PG_HOST, PG_USER = "127.0.0.1", "postgres"


def cpus() -> int:
    return os.cpu_count() or 1


def server_cpus() -> set[int] | None:
    return {0} if cpus() >= 2 else None


def client_cpus() -> set[int] | None:
    return set(range(1, cpus())) if cpus() >= 2 else None


def pin_self_to_client_cpus() -> None:
    chosen = client_cpus()
    if chosen:
        os.sched_setaffinity(0, chosen)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---------------------------------------------------------------------------------------------
# Databases


@dataclass
class Database:
    kind: str  # sqlite | postgresql
    url: str
    name: str
    _scratch: str | None = None

    @classmethod
    @contextlib.contextmanager
    def create(cls, kind: str, label: str) -> Iterator[Database]:
        if kind == "sqlite":
            scratch = tempfile.mkdtemp(prefix="disclosure-bench-")
            path = Path(scratch) / "bench.sqlite3"
            db = cls(kind, f"sqlite:///{path}", str(path), scratch)
        elif kind == "postgresql":
            name = f"bench_{label}_{os.getpid()}"
            _pg("dropdb", "--if-exists", name)
            _pg("createdb", name)
            db = cls(kind, f"postgresql+psycopg://{PG_USER}@{PG_HOST}/{name}", name)
        else:
            raise ValueError(f"unknown database {kind}")
        try:
            yield db
        finally:
            db.drop()

    def drop(self) -> None:
        if self.kind == "sqlite" and self._scratch:
            shutil.rmtree(self._scratch, ignore_errors=True)
        elif self.kind == "postgresql":
            _pg("dropdb", "--if-exists", "--force", self.name)

    def size_bytes(self) -> int:
        if self.kind == "sqlite":
            return sum(p.stat().st_size for p in Path(self.name).parent.glob("bench.sqlite3*"))
        out = subprocess.run(
            [
                "psql",
                "-h",
                PG_HOST,
                "-U",
                PG_USER,
                "-d",
                self.name,
                "-Atc",
                "SELECT pg_database_size(current_database())",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        return int(out.stdout.strip())

    def analyze(self) -> None:
        """PostgreSQL: what autovacuum does within a minute of a bulk load, done now."""
        if self.kind == "postgresql":
            subprocess.run(
                ["psql", "-h", PG_HOST, "-U", PG_USER, "-d", self.name, "-qc", "VACUUM ANALYZE"],
                check=True,
                capture_output=True,
            )

    def backend_cpu_seconds(self) -> float:
        """CPU time of the PostgreSQL backends serving this database (0 for SQLite)."""
        if self.kind != "postgresql":
            return 0.0
        total = 0.0
        for proc in psutil.process_iter(["name", "cmdline"]):
            with contextlib.suppress(psutil.Error):
                cmdline = " ".join(proc.info["cmdline"] or [])
                if proc.info["name"] == "postgres" and f" {self.name} " in f"{cmdline} ":
                    times = proc.cpu_times()
                    total += times.user + times.system
        return total


def _pg(tool: str, *args: str) -> None:
    subprocess.run([tool, "-h", PG_HOST, "-U", PG_USER, *args], check=True, capture_output=True)


def postgres_available() -> bool:
    return (
        shutil.which("pg_isready") is not None
        and subprocess.run(["pg_isready", "-h", PG_HOST, "-q"], check=False).returncode == 0
    )


# ---------------------------------------------------------------------------------------------
# Servers


@dataclass
class Server:
    """One uvicorn process serving ``factory`` on a loopback port."""

    factory: str
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, ready_path: str = "/healthz", timeout: float = 60) -> None:
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            self.factory,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--proxy-headers",
            "--no-access-log",
            "--log-level",
            "warning",
        ]
        with tempfile.NamedTemporaryFile(
            prefix="bench-server-", suffix=".log", delete=False
        ) as log:
            self.log_path = Path(log.name)
            pinned = server_cpus()
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**os.environ, **self.env},
                stdout=log,
                stderr=log,
                preexec_fn=(lambda: os.sched_setaffinity(0, pinned)) if pinned else None,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.factory} exited at start:\n{self.log_tail()}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(self.base + ready_path, timeout=2) as response,
            ):
                if response.status == 200:
                    return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.factory} not ready after {timeout} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def cpu_seconds(self) -> float:
        times = psutil.Process(self.pid).cpu_times()
        return times.user + times.system

    def peak_rss_bytes(self) -> int:
        """VmHWM: the highest resident set size the process has had since it started."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        return psutil.Process(self.pid).memory_info().rss

    def rss_bytes(self) -> int:
        return int(psutil.Process(self.pid).memory_info().rss)

    def log_tail(self, lines: int = 30) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
        if self.log_path is not None:
            self.log_path.unlink(missing_ok=True)


def app_env(db: Database, admin_token: str) -> dict[str, str]:
    return {
        "DISCLOSURE_ENV": "production",
        "DISCLOSURE_DATABASE_URL": db.url,
        "DISCLOSURE_ADMIN_TOKEN": admin_token,
        "DISCLOSURE_KEY_SECRET": secrets.token_urlsafe(32),
        "DISCLOSURE_SAMPLE_DATA": "0",
        "DISCLOSURE_LOG_LEVEL": "WARNING",
        # A benchmark drives thousands of requests a second from one address.
        "DISCLOSURE_RATE_LIMIT_PER_MINUTE": "0",
    }


def app_server(db: Database, admin_token: str) -> Server:
    return Server("app.main:create_app", app_env(db, admin_token))


def ceiling_server() -> Server:
    return Server("bench.ceiling:create_app", {})


def run_pinned(command: Sequence[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run a load generator on the client CPUs."""
    pinned = client_cpus()
    return subprocess.run(  # type: ignore[call-overload,no-any-return]
        list(command),
        preexec_fn=(lambda: os.sched_setaffinity(0, pinned)) if pinned else None,
        **kwargs,
    )
