"""No Docker engine in CI: the Dockerfile is linted, and its promises checked as text."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def test_hadolint_passes(project_root: Path) -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    result = subprocess.run(  # noqa: S603
        [hadolint, "Dockerfile"], cwd=project_root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_runtime_runs_as_non_root_with_healthcheck_and_migrations(project_root: Path) -> None:
    dockerfile = (project_root / "Dockerfile").read_text()
    runtime = dockerfile.split("\nFROM ")[-1]
    assert "USER 10001:10001" in runtime
    assert "HEALTHCHECK" in runtime and "/readyz" in runtime
    assert "alembic upgrade head && exec python -m app serve" in runtime
    assert "DISCLOSURE_WORKERS=1" in runtime  # the worker count, settable with -e
