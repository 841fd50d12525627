"""A real uvicorn server in a child process, for tests that need processes, not a TestClient.

``live_server(database_url)`` starts ``python -m uvicorn --factory app.main:create_app`` on a
free loopback port with the test database and the test secrets in its environment, waits
(bounded) until ``/readyz`` answers 200, and yields a ``LiveServer`` with the base URL and the
``Popen``. On exit it stops the server — SIGTERM, then SIGKILL to its whole process group — and
waits for it, so no process outlives the test even when the test fails or kills it itself.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

from tests.conftest import ADMIN_TOKEN, KEY_SECRET

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
READY_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0


class ServerFailedToStart(RuntimeError):
    """The server exited or did not become ready in time; the message holds its log."""


@dataclass
class LiveServer:
    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        """What the server wrote to stdout and stderr so far (for assertion messages)."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    """A port the kernel just handed out on loopback (free unless someone races for it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def server_environment(database_url: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The parent's environment without any DISCLOSURE_ setting (nor a metrics directory),
    plus the test ones."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DISCLOSURE_") and key != "PROMETHEUS_MULTIPROC_DIR"
    }
    env.update(
        {
            "DISCLOSURE_ENV": "development",
            "DISCLOSURE_DATABASE_URL": database_url,
            "DISCLOSURE_ADMIN_TOKEN": ADMIN_TOKEN,
            "DISCLOSURE_KEY_SECRET": KEY_SECRET,
            "DISCLOSURE_SAMPLE_DATA": "0",
            "DISCLOSURE_RATE_LIMIT_PER_MINUTE": "0",
            "DISCLOSURE_LOG_LEVEL": "WARNING",
            "DISCLOSURE_LOG_FORMAT": "console",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra or {})
    return env


@contextmanager
def live_server(
    database_url: str,
    *,
    workers: int = 1,
    env: Mapping[str, str] | None = None,
    ready_timeout: float = READY_TIMEOUT_SECONDS,
) -> Iterator[LiveServer]:
    """Serve the app from a child process on a free loopback port until the block ends.

    With ``workers=1`` the ``Popen`` is the serving process itself (kill it to crash the
    server); with more, it is uvicorn's supervisor and the workers are its children, all in
    one new session so that they are stopped together.
    """
    with live_servers(
        database_url, 1, workers=workers, env=env, ready_timeout=ready_timeout
    ) as one:
        yield one[0]


@contextmanager
def live_servers(
    database_url: str,
    count: int,
    *,
    workers: int = 1,
    env: Mapping[str, str] | None = None,
    ready_timeout: float = READY_TIMEOUT_SECONDS,
) -> Iterator[list[LiveServer]]:
    """``count`` independent servers on one database, started in parallel (imports are slow)."""
    ports: set[int] = set()
    while len(ports) < count:
        ports.add(free_port())
    with ExitStack() as stack:
        servers = [
            stack.enter_context(_running(database_url, port, workers, env)) for port in ports
        ]
        deadline = time.monotonic() + ready_timeout
        for server in servers:
            _wait_until_ready(server, deadline, ready_timeout)
        yield servers


@contextmanager
def _running(
    database_url: str, port: int, workers: int, env: Mapping[str, str] | None
) -> Iterator[LiveServer]:
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "app.main:create_app",
        "--host",
        HOST,
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    if workers > 1:
        # As production starts several: through the entry point, which sets up the shared
        # metrics directory the workers write to (app/ops/serve.py).
        command = [sys.executable, "-m", "app", "serve", "--host", HOST, "--port", str(port)]
        command += ["--workers", str(workers), "--log-level", "warning"]
    with tempfile.NamedTemporaryFile(
        prefix="live-server-", suffix=".log", delete=False
    ) as log_file:
        log_path = Path(log_file.name)
    try:
        with log_path.open("wb") as log:
            process = _spawn(command, database_url, env, log)
            try:
                yield LiveServer(f"http://{HOST}:{port}", process, log_path)
            finally:
                stop(process)
    finally:
        log_path.unlink(missing_ok=True)


def _spawn(
    command: list[str], database_url: str, env: Mapping[str, str] | None, log: IO[bytes]
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
        command,
        cwd=PROJECT_ROOT,
        env=server_environment(database_url, env),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait_until_ready(server: LiveServer, deadline: float, timeout: float) -> None:
    last = "no answer yet"
    with httpx.Client(base_url=server.base_url, timeout=2.0) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise ServerFailedToStart(
                    f"server exited with {server.process.returncode} before it was ready:\n"
                    f"{server.log()}"
                )
            try:
                response = client.get("/readyz")
            except httpx.TransportError as exc:
                last = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code == 200:
                    return
                last = f"{response.status_code} {response.text}"
            time.sleep(0.05)
    raise ServerFailedToStart(
        f"server not ready within {timeout:.0f} s (last: {last}):\n{server.log()}"
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server, SIGKILL what is left of its process group, and reap it."""
    if process.poll() is None:
        process.terminate()
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
    # Workers (and anything they started) share the server's new session: none may survive.
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=STOP_TIMEOUT_SECONDS)
