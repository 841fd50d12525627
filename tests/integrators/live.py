"""A real uvicorn server in a child process, on a free loopback port, for tests that need one."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.conftest import ADMIN_TOKEN, KEY_SECRET

STARTUP_SECONDS = 30.0
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def live_server(database_url: str) -> Iterator[str]:
    """Serve the app on ``database_url``; yields its base URL and stops it afterwards."""
    port = free_port()
    environment = {
        **os.environ,
        "DISCLOSURE_DATABASE_URL": database_url,
        "DISCLOSURE_ADMIN_TOKEN": ADMIN_TOKEN,
        "DISCLOSURE_KEY_SECRET": KEY_SECRET,
        "DISCLOSURE_SAMPLE_DATA": "0",
        "DISCLOSURE_RATE_LIMIT_PER_MINUTE": "0",
        "DISCLOSURE_LOG_LEVEL": "WARNING",
        "DISCLOSURE_LOG_FORMAT": "console",
    }
    command = [sys.executable, "-m", "uvicorn", "--factory", "app.main:create_app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    server = subprocess.Popen(command, env=environment, cwd=PROJECT_ROOT)  # noqa: S603 (our own interpreter)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(server, base_url)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=15)


def _wait_until_up(server: subprocess.Popen[bytes], base_url: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode} before serving")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"the server did not answer on {base_url} within {STARTUP_SECONDS} s")
