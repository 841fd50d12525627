"""An integrator's first hour: generate the Python client from the live /openapi.json, with no
warning, and file the seed report through it against a real server and database."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from app.formats.samples import load_sample
from tests.conftest import ADMIN_TOKEN
from tests.robustness.live_server import PROJECT_ROOT, live_server

CONFIG = PROJECT_ROOT / "clients" / "openapi-python-client.yaml"
GENERATOR = Path(sys.executable).parent / "openapi-python-client"


@pytest.fixture
def server(database_url: str, clean_db: Engine) -> Iterator[str]:
    with live_server(database_url) as live:
        yield live.base_url


def generate_client(base_url: str, into: Path) -> tuple[str, ModuleType]:
    """Run the generator on the served document; returns its output and the imported package."""
    document = into / "openapi.json"
    document.write_bytes(httpx.get(f"{base_url}/openapi.json").content)
    package = into / "disclosure_client"
    run = subprocess.run(  # noqa: S603 (the generator installed beside our interpreter)
        [
            *(str(GENERATOR), "generate", "--path", str(document)),
            *("--output-path", str(package), "--config", str(CONFIG), "--meta", "none"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    sys.path.insert(0, str(into))
    try:
        return run.stdout + run.stderr, importlib.import_module("disclosure_client")
    finally:
        sys.path.remove(str(into))


@pytest.fixture
def client_package(server: str, tmp_path: Path) -> Iterator[tuple[str, ModuleType]]:
    yield generate_client(server, tmp_path)
    for name in [name for name in sys.modules if name.startswith("disclosure_client")]:
        del sys.modules[name]


def api(name: str) -> Any:
    return importlib.import_module(f"disclosure_client.api.{name}")


def model(name: str) -> Any:
    return getattr(importlib.import_module("disclosure_client.models"), name)


def test_the_client_generates_without_a_warning(client_package: tuple[str, ModuleType]) -> None:
    output, _package = client_package
    # One line, "Generating <path>": any warning or skipped part would add lines.
    assert len(output.strip().splitlines()) == 1
    assert output.startswith("Generating ")


def test_the_seed_round_trips_through_the_generated_client(
    server: str, client_package: tuple[str, ModuleType]
) -> None:
    _output, package = client_package
    with ExitStack() as clients:
        _round_trip(package, server, clients)


def _round_trip(package: ModuleType, server: str, clients: ExitStack) -> None:
    admin = clients.enter_context(package.AuthenticatedClient(base_url=server, token=ADMIN_TOKEN))

    for code, name, parent in [
        ("640181", "灵武市人民政府", None),
        ("640181-baitugang", "灵武市白土岗乡人民政府", "640181"),
    ]:
        created = api("agencies.create_agency").sync_detailed(
            client=admin, body=model("AgencyCreate")(code=code, name=name, parent_code=parent)
        )
        assert created.status_code == 201
        assert created.headers["Location"] == f"/api/v1/agencies/{code}"

    issued = api("agencies.issue_key").sync(
        "640181", client=admin, body=model("KeyCreate")(note="filing tool")
    )
    assert (issued.agency_code, issued.note) == ("640181", "filing tool")
    agency = clients.enter_context(package.AuthenticatedClient(base_url=server, token=issued.key))

    seed = load_sample("baitugang_2020.json")
    put = api("reports.put_report").sync_detailed(
        "640181-baitugang", 2020, client=agency, body=model("Report2019Input").from_dict(seed)
    )
    assert put.status_code == 201
    assert put.headers["ETag"] == '"r1"'
    assert put.headers["Location"] == "/api/v1/agencies/640181-baitugang/reports/2020"
    stored = put.parsed
    assert type(stored).__name__ == "StoredReport2019"
    assert (stored.agency_code, stored.year, stored.revision) == ("640181-baitugang", 2020, 1)
    assert stored.written_by == f"key:{issued.key_id}"

    anonymous = clients.enter_context(package.Client(base_url=server))
    report = api("reports.get_report").sync("640181-baitugang", 2020, client=anonymous)
    assert report.to_dict()["channels"] == seed["channels"]
    assert report.contact.phone == "0951-4685114"
    assert report.written_by == "key"  # which key is not for anonymous callers

    section = api("reports.get_section").sync(
        "640181-baitugang", 2020, model("GetSectionSection")("applications"), client=anonymous
    )
    first_row = section.rows[0]
    assert (section.key, first_row.key) == ("applications", "new_received")
    assert first_row.label_zh == "一、本年新收政府信息公开申请数量"
    assert [cell.value for cell in first_row.columns] == [0, 0, 0, 0, 0, 0, 0]
    assert {cell.unit for cell in first_row.columns} == {"件"}

    summary = api("summaries.get_summary").sync(client=anonymous, year=2020, agency="640181")
    assert (summary.agencies_total, summary.agencies_reported) == (2, 1)
    assert summary.agency.code == "640181"
    assert json.loads(json.dumps(summary.to_dict()["formats"])) == ["2019"]

    # `from` is a Python keyword: the generated client spells it `from_`, the wire `from`.
    trend = api("summaries.get_trend").sync(
        "640181", client=anonymous, from_=2020, to=2021, subtree=True
    )
    assert (trend.from_, trend.to, [year.reports for year in trend.years]) == (2020, 2021, [1, 0])
