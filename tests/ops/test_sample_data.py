from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, func, select
from starlette.testclient import TestClient

from app.agencies.models import Agency
from app.main import create_app
from app.ops.sample_data import load_sample
from tests.conftest import make_settings


def test_sample_loads_hierarchy_and_seed_report_once(clean_db: Engine, client: TestClient) -> None:
    assert load_sample(clean_db) is True
    assert load_sample(clean_db) is False  # not into a database that has agencies

    with Session(clean_db) as session:
        assert session.exec(select(func.count()).select_from(Agency)).one() == 11
    township = client.get("/api/v1/agencies/640181-baitugang").json()
    assert township["parent"]["code"] == "640181"
    report = client.get("/api/v1/agencies/640181-baitugang/reports/2020").json()
    assert (report["status"], report["written_by"], report["findings"]) == (
        "published",
        "sample",
        [],
    )
    assert report["channels"]["total"] == 3074


def test_a_configured_database_is_never_seeded(clean_db: Engine, database_url: str) -> None:
    app = create_app(make_settings(database_url, sample_data=True))
    with TestClient(app):
        pass
    app.state.engine.dispose()
    with Session(clean_db) as session:
        assert session.exec(select(func.count()).select_from(Agency)).one() == 0
