"""The portal's TypeScript types: openapi-typescript (from npm) generates them from the live
document and the TypeScript compiler accepts them, with a use of the report types."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from starlette.testclient import TestClient

NPM = shutil.which("npm")
PACKAGES = ["openapi-typescript@7", "typescript@5"]
USE = """\
import type { components, paths } from "./api";
type Stored = components["schemas"]["StoredReport2019"];
type Feed = paths["/api/v1/changes"]["get"]["responses"]["200"]["content"]["application/json"];
const feed: Feed = { items: [], next: "YzEuMA" };
const revision: Stored["revision"] = 1;
export { feed, revision };
"""


@pytest.fixture(scope="module")
def toolchain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if NPM is None:
        pytest.skip("npm is not installed: no TypeScript toolchain to check the types with")
    folder = tmp_path_factory.mktemp("ts")
    install = [NPM, "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(folder)]
    run = subprocess.run([*install, *PACKAGES], capture_output=True, text=True, check=False)  # noqa: S603
    assert run.returncode == 0, run.stdout + run.stderr
    return folder


def test_generated_typescript_types_compile(
    client: TestClient, toolchain: Path, tmp_path: Path
) -> None:
    (tmp_path / "openapi.json").write_bytes(client.get("/openapi.json").content)
    (tmp_path / "use.ts").write_text(USE, encoding="utf-8")
    binaries = toolchain / "node_modules" / ".bin"

    generate = subprocess.run(  # noqa: S603
        [str(binaries / "openapi-typescript"), "openapi.json", "-o", "api.ts"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert generate.returncode == 0, generate.stdout + generate.stderr
    check = subprocess.run(  # noqa: S603
        [str(binaries / "tsc"), "--noEmit", "--strict", "--skipLibCheck", "use.ts", "api.ts"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
